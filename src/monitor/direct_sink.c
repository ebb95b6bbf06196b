/* A foreground client's own stdout or stderr, written by the monitor (run in the foreground
 * with output to a file or pipe): the output is logged and goes straight on, without a copy
 * through the client.  The monitor never blocks on it: a pipe is reopened non-blocking (its
 * file description is shared with the caller's shell, whose flags we must not change), a
 * socket is sent to with MSG_DONTWAIT, and what does not fit waits in a buffer while the
 * container's stream is not read (the back-pressure a pipe of its own would give).  Files and
 * other devices take writes without blocking for long. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor-internal.h"
#include "skiff/xalloc.h"

void
skiff_direct_sink_open (struct skiff_direct_sink *d, int fd)
{
  memset (d, 0, sizeof *d);
  d->fd = -1;
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return;
  if (S_ISFIFO (st.st_mode))
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
      d->fd = open (path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (d->fd >= 0 || errno == ENXIO)
        {
          close (fd);
          return; /* ENXIO: no reader left, the output is only logged */
        }
      /* not ours to reopen (a pipe another user made, e.g. around runuser or sudo): the file
       * description itself, with blocking writes (its flags stay the caller's) */
      d->fd = fd;
      return;
    }
  d->sock = S_ISSOCK (st.st_mode);
  d->fd = fd;
}

void
skiff_direct_sink_close (struct skiff_direct_sink *d)
{
  if (d->fd >= 0)
    close (d->fd);
  d->fd = -1;
  free (d->buf);
  d->buf = NULL;
  d->len = 0;
}

/* Writes what it takes now from d->buf; false when the reader is gone (the sink is closed). */
static bool
push (struct skiff_direct_sink *d)
{
  while (d->len > 0)
    {
      ssize_t n = d->sock ? send (d->fd, d->buf, d->len, MSG_DONTWAIT | MSG_NOSIGNAL)
                          : write (d->fd, d->buf, d->len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return true;
      if (n <= 0)
        {
          skiff_direct_sink_close (d);
          return false;
        }
      memmove (d->buf, d->buf + n, d->len - (size_t)n);
      d->len -= (size_t)n;
    }
  return true;
}

bool
skiff_direct_sink_write (struct skiff_direct_sink *d, const char *buf, size_t len)
{
  if (d->fd < 0)
    return true;
  d->buf = xrealloc (d->buf, d->len + len);
  memcpy (d->buf + d->len, buf, len);
  d->len += len;
  return push (d);
}

bool
skiff_direct_sink_flush (struct skiff_direct_sink *d)
{
  return d->fd < 0 || push (d);
}
