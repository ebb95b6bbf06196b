#include "skiff/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void __attribute__ ((noreturn)) oom (void)
{
  static const char msg[] = "skiff: out of memory\n";
  if (fwrite (msg, 1, sizeof msg - 1, stderr) == 0)
    abort ();
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xzalloc (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xrealloc (void *ptr, size_t size)
{
  void *p = realloc (ptr, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *p = strdup (s ? s : "");
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrndup (const char *s, size_t n)
{
  char *p = strndup (s, n);
  if (p == NULL)
    oom ();
  return p;
}

char *
xasprintf (const char *fmt, ...)
{
  char *p = NULL;
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (&p, fmt, ap);
  va_end (ap);
  if (r < 0)
    oom ();
  return p;
}
