#pragma once
/* Scope-bound cleanup, built from one macro.  Cleaners are NULL-safe, keep errno and are
 * idempotent (they reset what they released). */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SKIFF_DEFINE_CLEANUP(name, type, release)                                                 \
  static inline void name (type *p)                                                              \
  {                                                                                              \
    if (*p)                                                                                      \
      {                                                                                          \
        int saved_errno_ = errno;                                                                \
        release (*p);                                                                            \
        *p = NULL;                                                                               \
        errno = saved_errno_;                                                                    \
      }                                                                                          \
  }

static inline void
skiff_freep (void *p)
{
  void **pp = (void **) p;
  int saved = errno;
  free (*pp);
  *pp = NULL;
  errno = saved;
}

static inline void
skiff_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      *fd = -1;
      errno = saved;
    }
}

SKIFF_DEFINE_CLEANUP (skiff_fclosep, FILE *, fclose)
SKIFF_DEFINE_CLEANUP (skiff_closedirp, DIR *, closedir)

#define _cleanup_free_ __attribute__ ((cleanup (skiff_freep)))
#define _cleanup_close_ __attribute__ ((cleanup (skiff_closep)))
#define _cleanup_fclose_ __attribute__ ((cleanup (skiff_fclosep)))
#define _cleanup_closedir_ __attribute__ ((cleanup (skiff_closedirp)))

/* Take ownership out of a cleanup-managed variable. */
#define steal_ptr(pp)                                                                            \
  ({                                                                                             \
    __typeof__ (*(pp)) steal_tmp_ = *(pp);                                                       \
    *(pp) = NULL;                                                                                \
    steal_tmp_;                                                                                  \
  })

static inline int
steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}
