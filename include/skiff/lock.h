#pragma once
/* flock(2)-based locks on lock files: held for the lifetime of the returned fd. */

#include <stdbool.h>

struct skiff_error;

enum skiff_lock_mode
{
  SKIFF_LOCK_SHARED,
  SKIFF_LOCK_EXCLUSIVE,
};

/* Opens (creating) path and takes the lock, waiting for it.  Returns the fd (>= 0). */
int skiff_lock_acquire (const char *path, enum skiff_lock_mode mode, struct skiff_error **err);
/* Non-blocking variant: returns -EWOULDBLOCK without setting *err when the lock is held. */
int skiff_lock_try (const char *path, enum skiff_lock_mode mode, struct skiff_error **err);
void skiff_lock_release (int fd);
