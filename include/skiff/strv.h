#pragma once
/* NULL-terminated string vectors (char **), owned element by element. */

#include <stddef.h>

#include "skiff/cleanup.h"

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
/* Sorts v in place (strcmp order); NULL is fine. */
void skiff_strv_sort (char **v);

SKIFF_DEFINE_CLEANUP (skiff_strv_freep, char **, skiff_strv_free)
#define _cleanup_strv_ __attribute__ ((cleanup (skiff_strv_freep)))

/* A vector being built, for appends in a loop over input of any size: skiff_strv_push scans
 * for the end on every call, which makes n appends quadratic.  v is NULL-terminated whenever
 * it is not NULL. */
struct skiff_strv_builder
{
  char **v;
  size_t n, cap;
};
void skiff_strv_builder_push (struct skiff_strv_builder *b, const char *s);
void skiff_strv_builder_push_owned (struct skiff_strv_builder *b, char *s);
/* The vector (an empty one if nothing was pushed); the builder is left empty. */
char **skiff_strv_builder_steal (struct skiff_strv_builder *b);
void skiff_strv_builder_clear (struct skiff_strv_builder *b);
#define _cleanup_strv_builder_ __attribute__ ((cleanup (skiff_strv_builder_clear)))
