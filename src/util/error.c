#include "skiff/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/xalloc.h"

static int __attribute__ ((format (printf, 4, 0)))
error_vmake (struct skiff_error **err, int exit_code, int errnum, const char *fmt, va_list ap)
{
  int ret = errnum > 0 ? -errnum : -SKIFF_ERROR_NO_ERRNO;
  if (err == NULL)
    return ret;
  if (*err != NULL)
    {
      /* The call site went on after a failure it had reported: a bug.  Debug builds stop on
       * it; release builds keep the first error, which says what failed first. */
#ifndef NDEBUG
      char *text = NULL;
      if (vasprintf (&text, fmt, ap) < 0)
        text = NULL;
      fprintf (stderr, "skiff: internal error: error \"%s\" set over \"%s\"\n", text ? text : fmt,
               (*err)->msg);
      abort ();
#endif
      return ret;
    }

  char *text = NULL;
  if (vasprintf (&text, fmt, ap) < 0)
    abort ();
  struct skiff_error *e = xzalloc (sizeof *e);
  e->errnum = errnum;
  e->exit_code = exit_code;
  if (errnum > 0)
    {
      e->msg = xasprintf ("%s: %s", text, strerror (errnum));
      free (text);
    }
  else
    e->msg = text;
  *err = e;
  return ret;
}

int
skiff_error_make (struct skiff_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int r = error_vmake (err, 0, errnum, fmt, ap);
  va_end (ap);
  return r;
}

int
skiff_error_make_status (struct skiff_error **err, int exit_code, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int r = error_vmake (err, exit_code, errnum, fmt, ap);
  va_end (ap);
  return r;
}

int
skiff_error_ret (const struct skiff_error *err)
{
  if (err == NULL || err->errnum <= 0)
    return -SKIFF_ERROR_NO_ERRNO;
  return -err->errnum;
}

int
skiff_error_prefix (struct skiff_error **err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -SKIFF_ERROR_NO_ERRNO;
  char *prefix = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&prefix, fmt, ap) < 0)
    abort ();
  va_end (ap);
  char *msg = xasprintf ("%s: %s", prefix, (*err)->msg);
  free (prefix);
  free ((*err)->msg);
  (*err)->msg = msg;
  return skiff_error_ret (*err);
}

void
skiff_error_free (struct skiff_error *err)
{
  if (err == NULL)
    return;
  free (err->msg);
  free (err);
}
