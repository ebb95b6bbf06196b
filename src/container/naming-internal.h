#pragma once
/* Word lists shared by naming.c and its tests (NULL-terminated). */
extern const char *const skiff_name_adjectives[];
extern const char *const skiff_name_surnames[];
