/* The attach relay: user terminal <-> container PTY master, with detach keys and resizes. */
#include "skiff/terminal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/detach_keys.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

#define RELAY_BUF 8192

static int
copy_winsize (const struct skiff_relay *r, struct skiff_error **err)
{
  struct winsize ws;
  if (r->winsize_fd < 0)
    return 0;
  if (skiff_term_get_size (r->winsize_fd, &ws, err) < 0)
    return skiff_error_ret (*err);
  return skiff_term_set_size (r->master_fd, &ws, err);
}

/* Drains the signalfd; every SIGWINCH means "copy the size again". */
static int
on_sigwinch (int sfd, const struct skiff_relay *r, struct skiff_error **err)
{
  skiff_term_winch_drain (sfd);
  return copy_winsize (r, err);
}

/* One read of user input.  Returns 1 on EOF, 2 on detach, 0 to go on, or -errno. */
static int
on_input (const struct skiff_relay *r, struct skiff_error **err)
{
  char in[RELAY_BUF];
  ssize_t n = read (r->in_fd, in, sizeof in);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 0;
  if (n < 0)
    return skiff_error_make (err, errno, "read input fd %d", r->in_fd);
  struct skiff_detach_keys *k = r->keys;
  size_t klen = k ? k->len : 0;
  _cleanup_free_ char *out = xmalloc (RELAY_BUF + klen);
  bool detached;
  size_t olen = skiff_detach_keys_filter (k, in, (size_t)n, out, &detached);
  if (skiff_fs_write_all (r->master_fd, out, olen, "pty master", err) < 0)
    return skiff_error_ret (*err);
  return detached ? 2 : n == 0 ? 1 : 0;
}

/* One read of container output.  Returns 1 at the end of the master, 0 or -errno. */
static int
on_output (const struct skiff_relay *r, struct skiff_error **err)
{
  char buf[RELAY_BUF];
  ssize_t n = read (r->master_fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 0;
  /* EIO: the last slave fd was closed */
  if (n == 0 || (n < 0 && errno == EIO))
    return 1;
  if (n < 0)
    return skiff_error_make (err, errno, "read pty master");
  return skiff_fs_write_all (r->out_fd, buf, (size_t)n, "output", err);
}

static int
relay_loop (const struct skiff_relay *r, int sfd, enum skiff_relay_end *why,
            struct skiff_error **err)
{
  struct pollfd pfd[3] = { { .fd = sfd, .events = POLLIN },
                           { .fd = r->in_fd, .events = POLLIN },
                           { .fd = r->master_fd, .events = POLLIN } };
  for (;;)
    {
      if (poll (pfd, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return skiff_error_make (err, errno, "poll");
        }
      if (pfd[0].revents && on_sigwinch (sfd, r, err) < 0)
        return skiff_error_ret (*err);
      if (pfd[1].revents)
        {
          int ret = on_input (r, err);
          if (ret < 0)
            return ret;
          if (ret == 2)
            return *why = SKIFF_RELAY_DETACHED, 0;
          if (ret == 1)
            pfd[1].fd = -1; /* input done; keep showing output */
        }
      if (pfd[2].revents)
        {
          int ret = on_output (r, err);
          if (ret < 0)
            return ret;
          if (ret == 1)
            return *why = SKIFF_RELAY_EOF, 0;
        }
    }
}

int
skiff_term_winch_begin (sigset_t *old, int *sfd, struct skiff_error **err)
{
  sigset_t winch;
  sigemptyset (&winch);
  sigaddset (&winch, SIGWINCH);
  if (sigprocmask (SIG_BLOCK, &winch, old) < 0)
    return skiff_error_make (err, errno, "block SIGWINCH");
  *sfd = signalfd (-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
  if (*sfd >= 0)
    return 0;
  int e = errno;
  skiff_term_winch_end (old, -1);
  return skiff_error_make (err, e, "signalfd");
}

void
skiff_term_winch_drain (int sfd)
{
  struct signalfd_siginfo si;
  while (read (sfd, &si, sizeof si) == sizeof si)
    ;
}

void
skiff_term_winch_end (const sigset_t *old, int sfd)
{
  if (sfd >= 0)
    close (sfd);
  if (!sigismember (old, SIGWINCH))
    {
      sigset_t winch;
      sigemptyset (&winch);
      sigaddset (&winch, SIGWINCH);
      sigprocmask (SIG_UNBLOCK, &winch, NULL);
    }
}

int
skiff_term_relay (const struct skiff_relay *r, enum skiff_relay_end *why, struct skiff_error **err)
{
  sigset_t old;
  int sfd;
  int ret = skiff_term_winch_begin (&old, &sfd, err);
  if (ret < 0)
    return ret;
  if ((ret = copy_winsize (r, err)) == 0)
    ret = relay_loop (r, sfd, why, err);
  skiff_term_winch_end (&old, sfd);
  return ret;
}
