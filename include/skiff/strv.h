#pragma once
/* NULL-terminated string vectors (char **), owned element by element. */

#include <stddef.h>

size_t skiff_strv_len (char *const *v);
void skiff_strv_free (char **v);
/* Appends a copy of s; *v may be NULL.  Returns the new vector. */
void skiff_strv_push (char ***v, const char *s);
/* Appends s itself (takes ownership). */
void skiff_strv_push_owned (char ***v, char *s);
char **skiff_strv_dup (char *const *v);
/* Joins with sep; "" for an empty or NULL vector. */
char *skiff_strv_join (char *const *v, const char *sep);
int skiff_strv_contains (char *const *v, const char *s);

static inline void
skiff_strv_freep (char ***v)
{
  skiff_strv_free (*v);
  *v = NULL;
}
#define _cleanup_strv_ __attribute__ ((cleanup (skiff_strv_freep)))
