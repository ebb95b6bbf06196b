#include "skiff/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "skiff/error.h"

static int
lock_open (const char *path, enum skiff_lock_mode mode, bool wait, struct skiff_error **err)
{
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return skiff_error_make (err, errno, "open lock %s", path);
  int op = (mode == SKIFF_LOCK_SHARED ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  while (flock (fd, op) < 0)
    {
      int e = errno;
      if (e == EINTR)
        continue;
      close (fd);
      if (e == EWOULDBLOCK && !wait)
        return -EWOULDBLOCK;
      return skiff_error_make (err, e, "flock %s", path);
    }
  return fd;
}

int
skiff_lock_acquire (const char *path, enum skiff_lock_mode mode, struct skiff_error **err)
{
  return lock_open (path, mode, true, err);
}

int
skiff_lock_try (const char *path, enum skiff_lock_mode mode, struct skiff_error **err)
{
  return lock_open (path, mode, false, err);
}

void
skiff_lock_release (int fd)
{
  if (fd >= 0)
    close (fd); /* closing the last fd drops the flock */
}
