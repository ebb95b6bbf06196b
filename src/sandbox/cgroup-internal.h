#pragma once
/* Shared by cgroup.c and cgroup_ops.c. */

#include <stddef.h>

struct skiff_error;

/* Writes text to dir/file (no O_CREAT, no O_TRUNC needed for cgroup files). */
int skiff_cgroup_write (const char *dir, const char *file, const char *text,
                        struct skiff_error **err);

/* Reads dir/file into *out (NUL-terminated). */
int skiff_cgroup_read (const char *dir, const char *file, char **out, struct skiff_error **err);
