#pragma once
/* Error idiom: functions return 0 on success or a negative errno-like value on failure, and
 * fill *err exactly once, at the failure site, with a message saying what failed, on what and
 * why.  Callers may add context with skiff_error_prefix().  Library code never prints. */

#include <stdarg.h>

#include "skiff/cleanup.h"

struct skiff_error
{
  int errnum;    /* errno of the failure, 0 if none */
  int exit_code; /* CLI exit status this error maps to; 0 = the default (125) */
  char *msg;
};

/* What an error without an errno returns, negated: past every errno (the kernel's MAX_ERRNO is
 * 4095), so that `r == -EPERM` and the like never match a failure that had no errno. */
#define SKIFF_ERROR_NO_ERRNO 4096

/* Sets *err (if err is non-NULL) to "<fmt>: strerror(errnum)" (errnum 0 omits the suffix).
 * Returns -errnum, or -SKIFF_ERROR_NO_ERRNO when errnum is 0, so callers can
 * `return skiff_error_make(...)`.  *err must be NULL: setting an error twice is a bug at the
 * call site, which aborts in debug builds (NDEBUG undefined) and keeps the first error in
 * release builds. */
int skiff_error_make (struct skiff_error **err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Like skiff_error_make, and records the CLI exit status (125/126/127...). */
int skiff_error_make_status (struct skiff_error **err, int exit_code, int errnum, const char *fmt,
                             ...) __attribute__ ((format (printf, 4, 5)));

/* Prepends "<fmt>: " to an existing error's message.  Returns the error's return value. */
int skiff_error_prefix (struct skiff_error **err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* The value skiff_error_make returned for this error. */
int skiff_error_ret (const struct skiff_error *err);

void skiff_error_free (struct skiff_error *err);
SKIFF_DEFINE_CLEANUP (skiff_error_freep, struct skiff_error *, skiff_error_free)
#define _cleanup_error_ __attribute__ ((cleanup (skiff_error_freep)))
