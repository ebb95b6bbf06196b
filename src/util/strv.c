#include "skiff/strv.h"

#include <stdlib.h>
#include <string.h>

#include "skiff/xalloc.h"

size_t
skiff_strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

void
skiff_strv_free (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}

void
skiff_strv_push_owned (char ***v, char *s)
{
  size_t n = skiff_strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof (char *));
  (*v)[n] = s;
  (*v)[n + 1] = NULL;
}

void
skiff_strv_push (char ***v, const char *s)
{
  skiff_strv_push_owned (v, xstrdup (s));
}

char **
skiff_strv_dup (char *const *v)
{
  if (v == NULL)
    return NULL;
  size_t n = skiff_strv_len (v);
  char **r = xmalloc ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    r[i] = xstrdup (v[i]);
  r[n] = NULL;
  return r;
}

char *
skiff_strv_join (char *const *v, const char *sep)
{
  size_t total = 1, seplen = strlen (sep);
  for (size_t i = 0; v && v[i]; i++)
    total += strlen (v[i]) + seplen;
  char *r = xmalloc (total), *p = r;
  for (size_t i = 0; v && v[i]; i++)
    {
      if (i)
        p = stpcpy (p, sep);
      p = stpcpy (p, v[i]);
    }
  *p = '\0';
  return r;
}

int
skiff_strv_contains (char *const *v, const char *s)
{
  for (size_t i = 0; v && v[i]; i++)
    if (strcmp (v[i], s) == 0)
      return 1;
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

void
skiff_strv_sort (char **v)
{
  if (v != NULL)
    qsort (v, skiff_strv_len (v), sizeof *v, cmp_str);
}

void
skiff_strv_builder_push_owned (struct skiff_strv_builder *b, char *s)
{
  if (b->n + 2 > b->cap)
    {
      b->cap = b->cap ? 2 * b->cap : 8;
      b->v = xrealloc (b->v, b->cap * sizeof (char *));
    }
  b->v[b->n++] = s;
  b->v[b->n] = NULL;
}

void
skiff_strv_builder_push (struct skiff_strv_builder *b, const char *s)
{
  skiff_strv_builder_push_owned (b, xstrdup (s));
}

char **
skiff_strv_builder_steal (struct skiff_strv_builder *b)
{
  char **v = b->v ? b->v : xzalloc (sizeof (char *));
  *b = (struct skiff_strv_builder){ 0 };
  return v;
}

void
skiff_strv_builder_clear (struct skiff_strv_builder *b)
{
  skiff_strv_free (b->v);
  *b = (struct skiff_strv_builder){ 0 };
}
