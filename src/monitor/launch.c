/* Starting a monitor: the CLI forks, the child forks again and exits (so the monitor is
 * re-parented and outlives the CLI), the grandchild calls setsid and becomes the monitor.  The
 * monitor reports over a close-on-exec pipe: one message, then EOF. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/monitor.h"

struct status_msg
{
  int32_t ok;
  int32_t exit_code;
  int32_t errnum;
};

void
skiff_monitor_report (int fd, const struct skiff_error *e)
{
  char buf[sizeof (struct status_msg) + 4096];
  struct status_msg m = { e == NULL, e && e->exit_code ? e->exit_code : 125, e ? e->errnum : 0 };
  size_t len = e ? strlen (e->msg) : 0;
  if (len > sizeof buf - sizeof m)
    len = sizeof buf - sizeof m;
  memcpy (buf, &m, sizeof m);
  if (len)
    memcpy (buf + sizeof m, e->msg, len);
  /* one write below PIPE_BUF: atomic, nothing to loop over */
  if (write (fd, buf, sizeof m + len) < 0)
    return;
}

static int
read_report (int fd, struct skiff_error **err)
{
  char buf[sizeof (struct status_msg) + 4097];
  size_t got = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf + got, sizeof buf - 1 - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "read the monitor's status");
      if (n == 0)
        break;
      got += (size_t)n;
    }
  struct status_msg m;
  if (got < sizeof m)
    return skiff_error_make (err, EIO, "the container's monitor exited before it started");
  memcpy (&m, buf, sizeof m);
  if (m.ok)
    return 0;
  buf[got] = '\0';
  int r = skiff_error_make_status (err, m.exit_code, 0, "%s", buf + sizeof m);
  (*err)->errnum = m.errnum;
  return m.errnum > 0 ? -m.errnum : r;
}

int
skiff_monitor_launch (struct skiff_store *store, struct skiff_container *c, char *const *lowerdirs,
                      struct skiff_error **err)
{
  return skiff_monitor_launch_attached (store, c, lowerdirs, -1, 0, 0, err);
}

int
skiff_monitor_launch_attached (struct skiff_store *store, struct skiff_container *c,
                               char *const *lowerdirs, int attach_fd, unsigned short rows,
                               unsigned short cols, struct skiff_error **err)
{
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0)
    {
      int e = errno;
      close (fds[0]);
      close (fds[1]);
      return skiff_error_make (err, e, "fork the monitor");
    }
  if (pid == 0)
    {
      close (fds[0]);
      if (setsid () < 0)
        _exit (125);
      pid_t mon = fork ();
      if (mon != 0)
        _exit (mon < 0 ? 125 : 0);
      struct skiff_monitor_params p = { store, c, lowerdirs, fds[1], attach_fd, rows, cols };
      skiff_monitor_main (&p);
    }
  close (fds[1]);
  int st;
  while (waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  int r = read_report (fds[0], err);
  close (fds[0]);
  return r;
}
