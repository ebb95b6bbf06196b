/* The client side of the attach protocol (ATTACH.md): a SOCK_SEQPACKET connection to a
 * detached container's monitor, one type byte + payload per message.  The client forwards its
 * input (minus the detach keys, which only it sees), window sizes, and EOF of a piped stdin;
 * it writes what the container prints and ends at the EXIT message, at detach, or when the
 * monitor goes away. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/detach_keys.h"
#include "skiff/fs.h"
#include "skiff/monitor.h"
#include "skiff/terminal.h"
#include "skiff/xalloc.h"

static int
send_msg (int sock, int type, const void *data, size_t len, struct skiff_error **err)
{
  char buf[1 + SKIFF_ATTACH_MAX_PAYLOAD];
  while (true)
    {
      size_t n = len < SKIFF_ATTACH_MAX_PAYLOAD ? len : SKIFF_ATTACH_MAX_PAYLOAD;
      buf[0] = (char)type;
      if (n > 0) /* STDIN_EOF has no payload (data may be NULL) */
        memcpy (buf + 1, data, n);
      if (send (sock, buf, n + 1, MSG_NOSIGNAL) < 0)
        return skiff_error_make (err, errno, "send to the container's monitor");
      data = (const char *)data + n;
      len -= n;
      if (len == 0)
        return 0;
    }
}

static int
send_size (const struct skiff_cli_attach_io *io, struct skiff_error **err)
{
  /* our terminal: stdin, or stdout when input is not attached (docker's monitorTtySize) */
  int fd = io->in_fd >= 0 && isatty (io->in_fd) ? io->in_fd : io->out_fd;
  struct winsize ws;
  if (!io->tty || !isatty (fd))
    return 0;
  if (skiff_term_get_size (fd, &ws, err) < 0)
    return skiff_error_ret (*err);
  uint16_t rc[2] = { ws.ws_row, ws.ws_col };
  return send_msg (io->sock, SKIFF_ATTACH_RESIZE, rc, sizeof rc, err);
}

/* The monitor closed our connection after its last message (EXIT): what we send now meets
 * EPIPE, and the close with our input unread makes the next recv fail once with ECONNRESET
 * (af_unix), though the EXIT message still waits in our queue.  Neither ends the relay. */
static bool
monitor_gone (int errnum)
{
  return errnum == EPIPE || errnum == ECONNRESET;
}

/* One read of input.  Returns 0 to go on, 1 at EOF (or when the monitor takes no more
 * input), 2 when the detach keys were typed. */
static int
on_input (const struct skiff_cli_attach_io *io, struct skiff_error **err)
{
  char in[8192];
  ssize_t n = read (io->in_fd, in, sizeof in);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 0;
  if (n < 0)
    return skiff_error_make (err, errno, "read input");
  struct skiff_detach_keys *k = io->tty ? io->keys : NULL;
  _cleanup_free_ char *out = xmalloc (sizeof in + (k ? k->len : 0));
  bool detached;
  size_t olen = skiff_detach_keys_filter (k, in, (size_t)n, out, &detached);
  int r = 0;
  if (olen > 0)
    r = send_msg (io->sock, SKIFF_ATTACH_STDIN, out, olen, err);
  if (r == 0 && n == 0 && !io->tty)
    r = send_msg (io->sock, SKIFF_ATTACH_STDIN_EOF, NULL, 0, err);
  if (r < 0 && monitor_gone (-r))
    {
      if (err)
        skiff_error_free (steal_ptr (err));
      return 1;
    }
  if (r < 0)
    return r;
  return detached ? 2 : n == 0 ? 1 : 0;
}

/* One message from the monitor.  Returns 0 to go on, 1 at EXIT (*code set), 2 at EOF. */
static int
on_message (const struct skiff_cli_attach_io *io, int *code, struct skiff_error **err)
{
  char buf[1 + SKIFF_ATTACH_MAX_PAYLOAD];
  ssize_t n = recv (io->sock, buf, sizeof buf, 0);
  if (n < 0 && (errno == EINTR || errno == EAGAIN || monitor_gone (errno)))
    return 0; /* after ECONNRESET, recv gives what is queued, then EOF */
  if (n < 0)
    return skiff_error_make (err, errno, "receive from the container's monitor");
  if (n == 0)
    return 2;
  switch (buf[0])
    {
    case SKIFF_ATTACH_STDOUT:
      return skiff_fs_write_all (io->out_fd, buf + 1, (size_t)n - 1, "stdout", err);
    case SKIFF_ATTACH_STDERR:
      return skiff_fs_write_all (io->err_fd, buf + 1, (size_t)n - 1, "stderr", err);
    case SKIFF_ATTACH_EXIT:
      {
        int32_t c = 0;
        if (n < 1 + (ssize_t)sizeof c)
          return skiff_error_make (err, EPROTO, "short exit message from the monitor");
        memcpy (&c, buf + 1, sizeof c);
        *code = c;
        return 1;
      }
    default:
      return 0; /* unknown types are for newer clients */
    }
}

static int
relay_loop (const struct skiff_cli_attach_io *io, int sfd, enum skiff_cli_attach_end *why,
            int *code, struct skiff_error **err)
{
  struct pollfd pfd[3] = { { .fd = sfd, .events = POLLIN },
                           { .fd = io->in_fd, .events = POLLIN },
                           { .fd = io->sock, .events = POLLIN } };
  for (;;)
    {
      if (poll (pfd, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return skiff_error_make (err, errno, "poll");
        }
      int r;
      if (pfd[0].revents)
        {
          skiff_term_winch_drain (sfd);
          if (send_size (io, err) < 0)
            return skiff_error_ret (*err);
        }
      if (pfd[2].revents && (r = on_message (io, code, err)) != 0)
        {
          if (r > 0)
            *why = r == 1 ? SKIFF_CLI_ATTACH_EXITED : SKIFF_CLI_ATTACH_CLOSED;
          return r < 0 ? r : 0;
        }
      if (pfd[1].revents && (r = on_input (io, err)) != 0)
        {
          if (r == 2)
            return *why = SKIFF_CLI_ATTACH_DETACHED, 0;
          if (r < 0)
            return r;
          pfd[1].fd = -1; /* input done; keep showing output */
        }
    }
}

int
skiff_cli_attach_relay (const struct skiff_cli_attach_io *io, enum skiff_cli_attach_end *why,
                        int *exit_code, struct skiff_error **err)
{
  sigset_t old;
  int sfd;
  int r = skiff_term_winch_begin (&old, &sfd, err);
  if (r < 0)
    return r;
  if ((r = send_size (io, err)) == 0)
    r = relay_loop (io, sfd, why, exit_code, err);
  skiff_term_winch_end (&old, sfd);
  return r;
}
