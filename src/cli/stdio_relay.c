/* Pipes instead of the CLI's own terminal for a process run without -t.  A host terminal fd
 * handed into a container lets its processes read what the user types later, push input with
 * TIOCSTI and keep the terminal after we exit; docker and podman always give pipes.  Only our
 * fds that are terminals are replaced: files and pipes pass through as they are. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/error.h"

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

int
skiff_cli_stdio_open (struct skiff_cli_stdio *s, bool with_stdin, struct skiff_error **err)
{
  for (int i = 0; i < 3; i++)
    {
      s->child[i] = s->ours[i] = -1;
      if ((i == 0 && !with_stdin) || !isatty (i))
        continue;
      int p[2];
      if (pipe2 (p, O_CLOEXEC) < 0)
        {
          int e = errno;
          skiff_cli_stdio_close (s);
          return skiff_error_make (err, e, "pipe");
        }
      s->child[i] = i == 0 ? p[0] : p[1];
      s->ours[i] = i == 0 ? p[1] : p[0];
    }
  return 0;
}

void
skiff_cli_stdio_close_child (struct skiff_cli_stdio *s)
{
  for (int i = 0; i < 3; i++)
    close_fd (&s->child[i]);
}

void
skiff_cli_stdio_close (struct skiff_cli_stdio *s)
{
  skiff_cli_stdio_close_child (s);
  for (int i = 0; i < 3; i++)
    close_fd (&s->ours[i]);
}

static void
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return; /* a closed reader: what it would have got is dropped */
      buf += n;
      len -= (size_t)n;
    }
}

/* One read from `from` passed on to `to`; false at EOF or error (`from` is closed then). */
static bool
pass (int *from, int to, size_t max)
{
  char buf[16384];
  ssize_t n = read (*from, buf, max < sizeof buf ? max : sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    {
      close_fd (from);
      return false;
    }
  if (to >= 0)
    write_all (to, buf, (size_t)n);
  return true;
}

int
skiff_cli_stdio_relay (struct skiff_cli_stdio *s, pid_t pid, struct skiff_error **err)
{
  int pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return skiff_error_make (err, errno, "pidfd_open %d", (int)pid);
  signal (SIGPIPE, SIG_IGN);
  int in = s->ours[0] >= 0 ? STDIN_FILENO : -1;
  bool room = false; /* the stdin pipe has PIPE_BUF free: a write of that much cannot block */
  for (;;)
    {
      struct pollfd p[5] = {
        { .fd = pidfd, .events = POLLIN },
        { .fd = in >= 0 && room ? in : -1, .events = POLLIN },
        { .fd = s->ours[1], .events = POLLIN },
        { .fd = s->ours[2], .events = POLLIN },
        { .fd = in >= 0 && !room ? s->ours[0] : -1, .events = POLLOUT },
      };
      if (poll (p, 5, -1) < 0 && errno != EINTR)
        {
          int e = errno;
          close (pidfd);
          return skiff_error_make (err, e, "poll");
        }
      if (p[4].revents)
        room = true;
      if (p[1].revents)
        {
          room = false;
          if (!pass (&in, s->ours[0], PIPE_BUF))
            close_fd (&s->ours[0]); /* our EOF becomes the process's */
        }
      for (int i = 1; i < 3; i++)
        if (p[i + 1].revents)
          pass (&s->ours[i], i, SIZE_MAX);
      if (p[0].revents)
        break;
    }
  close (pidfd);
  /* it exited: what is in the pipes now is all of its output (a child it left behind
   * keeping them open does not hold us up) */
  for (int i = 1; i < 3; i++)
    if (s->ours[i] >= 0)
      {
        fcntl (s->ours[i], F_SETFL, O_NONBLOCK);
        while (s->ours[i] >= 0 && pass (&s->ours[i], i, SIZE_MAX))
          {
            struct pollfd p = { .fd = s->ours[i], .events = POLLIN };
            if (poll (&p, 1, 0) <= 0)
              break;
          }
      }
  return 0;
}
