/* Starting a monitor: the CLI forks, the child forks again and exits (so the monitor is
 * re-parented and outlives the CLI), the grandchild calls setsid and becomes the monitor.  The
 * monitor reports over a close-on-exec pipe: one message, then EOF. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdbool.h>
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
  int32_t pid; /* PID 1's, on success */
};

void
skiff_monitor_report (int fd, const struct skiff_error *e, pid_t pid)
{
  char buf[sizeof (struct status_msg) + 4096];
  struct status_msg m
      = { e == NULL, e && e->exit_code ? e->exit_code : 125, e ? e->errnum : 0, (int32_t)pid };
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
read_report (int fd, pid_t *pid, struct skiff_error **err)
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
    {
      *pid = m.pid;
      return 0;
    }
  buf[got] = '\0';
  int r = skiff_error_make_status (err, m.exit_code, 0, "%s", buf + sizeof m);
  (*err)->errnum = m.errnum;
  return m.errnum > 0 ? -m.errnum : r;
}

void
skiff_monitor_close_fds_except (unsigned from, const int *keep, size_t n)
{
  int sorted[8];
  size_t k = 0;
  for (size_t i = 0; i < n && k < sizeof sorted / sizeof sorted[0]; i++)
    if (keep[i] >= (int)from)
      {
        size_t j = k++;
        for (; j > 0 && sorted[j - 1] > keep[i]; j--)
          sorted[j] = sorted[j - 1];
        sorted[j] = keep[i];
      }
  for (size_t i = 0; i < k; i++)
    {
      if ((unsigned)sorted[i] > from)
        close_range (from, (unsigned)sorted[i] - 1, 0);
      if ((unsigned)sorted[i] + 1 > from)
        from = (unsigned)sorted[i] + 1;
    }
  close_range (from, ~0U, 0);
}

/* The child's side: the monitor itself, or (double) the first fork that leaves it behind. */
static void __attribute__ ((noreturn))
become_monitor (struct skiff_monitor_params *p, bool double_fork)
{
  if (setsid () < 0)
    _exit (125);
  if (double_fork)
    {
      pid_t mon = fork ();
      if (mon != 0)
        _exit (mon < 0 ? 125 : 0);
    }
  skiff_monitor_main (p);
}

static int
launch (struct skiff_store *store, struct skiff_container *c, char *const *lowerdirs,
        const struct skiff_monitor_attach *a, struct skiff_error **err)
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
      struct skiff_monitor_params p = { store, c, lowerdirs, fds[1], *a };
      become_monitor (&p, a->attach_fd < 0);
    }
  close (fds[1]);
  int st;
  /* detached: the first child exits at once; attached: the child is the monitor, reaped by
   * whoever inherits it once we are gone */
  while (a->attach_fd < 0 && waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  pid_t pid1 = 0;
  int r = read_report (fds[0], &pid1, err);
  close (fds[0]);
  if (r == 0)
    c->state.pid = pid1; /* the record may be gone already (a quick PID 1 with --rm) */
  return r;
}

int
skiff_monitor_launch (struct skiff_store *store, struct skiff_container *c, char *const *lowerdirs,
                      struct skiff_error **err)
{
  struct skiff_monitor_attach none = SKIFF_MONITOR_ATTACH_INIT;
  return launch (store, c, lowerdirs, &none, err);
}

int
skiff_monitor_launch_attached (struct skiff_store *store, struct skiff_container *c,
                               char *const *lowerdirs, const struct skiff_monitor_attach *a,
                               struct skiff_error **err)
{
  return launch (store, c, lowerdirs, a, err);
}
