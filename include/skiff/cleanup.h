#pragma once
/* Scope-bound cleanup, built from one macro (and its fd variant).  Cleaners are NULL-safe, keep
 * errno (a cleanup runs between a failing call and the code reading its errno) and are
 * idempotent (they reset what they released).  Every header's _cleanup_*_ for a pointer type
 * is built with SKIFF_DEFINE_CLEANUP; the by-value clearers used as cleanups
 * (skiff_key_index_clear, skiff_strv_builder_clear) only call free(), which keeps errno. */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SKIFF_DEFINE_CLEANUP(name, type, release)                                                  \
  static inline void name (type *p)                                                                \
  {                                                                                                \
    if (*p)                                                                                        \
      {                                                                                            \
        int saved_errno_ = errno;                                                                  \
        release (*p);                                                                              \
        *p = NULL;                                                                                 \
        errno = saved_errno_;                                                                      \
      }                                                                                            \
  }

/* The variant for file descriptors: releases fds >= 0 and resets them to -1. */
#define SKIFF_DEFINE_CLEANUP_FD(name, release)                                                     \
  static inline void name (int *fd)                                                                \
  {                                                                                                \
    if (*fd >= 0)                                                                                  \
      {                                                                                            \
        int saved_errno_ = errno;                                                                  \
        release (*fd);                                                                             \
        *fd = -1;                                                                                  \
        errno = saved_errno_;                                                                      \
      }                                                                                            \
  }

SKIFF_DEFINE_CLEANUP (skiff_free_voidp, void *, free)
/* _cleanup_free_ serves every pointer type, so its cleaner takes void *. */
static inline void
skiff_freep (void *p)
{
  skiff_free_voidp ((void **)p);
}

SKIFF_DEFINE_CLEANUP_FD (skiff_closep, close)
SKIFF_DEFINE_CLEANUP (skiff_fclosep, FILE *, fclose)
SKIFF_DEFINE_CLEANUP (skiff_closedirp, DIR *, closedir)

#define _cleanup_free_ __attribute__ ((cleanup (skiff_freep)))
#define _cleanup_close_ __attribute__ ((cleanup (skiff_closep)))
#define _cleanup_fclose_ __attribute__ ((cleanup (skiff_fclosep)))
#define _cleanup_closedir_ __attribute__ ((cleanup (skiff_closedirp)))

/* Take ownership out of a cleanup-managed variable. */
#define steal_ptr(pp)                                                                              \
  ({                                                                                               \
    __typeof__ (*(pp)) steal_tmp_ = *(pp);                                                         \
    *(pp) = NULL;                                                                                  \
    steal_tmp_;                                                                                    \
  })

static inline int
steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}
