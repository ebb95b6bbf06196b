/* Root's port forwarder: a forked child of the container's monitor (it dies with it:
 * PR_SET_PDEATHSIG) that owns the published ports' listening sockets.  Each accepted TCP
 * connection gets a connection of its own to the container's bridge address, and bytes are
 * relayed both ways through two buffers; a half close is passed on as shutdown(SHUT_WR).
 * One epoll loop, level-triggered, no threads.  Listening on the host side makes the host's
 * own connections to 127.0.0.1:hostPort work with no NAT rule (hairpin). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "skiff/error.h"
#include "skiff/ports.h"

#define FWD_BUF 65536
#define FWD_MAX_CONNS 1024

struct fwd_conn;
/* What an epoll event refers to: a listener (conn NULL) or one side of a connection. */
struct fwd_ref
{
  struct fwd_conn *conn;
  int side; /* 0: the client, 1: the container */
  int fd;
  struct sockaddr_in target; /* listeners: where to connect */
};

struct fwd_conn
{
  struct fwd_ref ref[2];
  char *buf[2]; /* buf[d]: read from side d, to be written to side 1-d */
  size_t len[2], off[2];
  bool eof[2], shut[2], connecting, dead;
  unsigned events[2];         /* registered interest per side */
  struct fwd_conn *next_dead; /* freed after the batch of events that may still name it */
};

static int epfd = -1;
static size_t nconns;
static struct fwd_conn *dead_list;

static void
conn_close (struct fwd_conn *c)
{
  for (int s = 0; s < 2; s++)
    close (c->ref[s].fd); /* also drops it from the epoll set */
  c->dead = true;
  c->next_dead = dead_list;
  dead_list = c;
  nconns--;
}

static void
free_dead (void)
{
  while (dead_list)
    {
      struct fwd_conn *c = dead_list;
      dead_list = c->next_dead;
      free (c->buf[0]);
      free (c->buf[1]);
      free (c);
    }
}

/* Interest per side from the buffers: read while our buffer is empty, write while the
 * other side's holds bytes; a connecting side waits for writability only. */
static void
conn_update (struct fwd_conn *c)
{
  for (int s = 0; s < 2; s++)
    {
      unsigned ev = 0;
      if (s == 1 && c->connecting)
        ev = EPOLLOUT;
      else if (!c->connecting)
        ev = (c->len[s] == 0 && !c->eof[s] ? EPOLLIN : 0) | (c->len[1 - s] ? EPOLLOUT : 0);
      if (ev != c->events[s])
        {
          struct epoll_event e = { .events = ev, .data.ptr = &c->ref[s] };
          epoll_ctl (epfd, EPOLL_CTL_MOD, c->ref[s].fd, &e);
          c->events[s] = ev;
        }
    }
}

/* Moves bytes for side s's events; false: the connection is done (or broken). */
static bool
conn_io (struct fwd_conn *c, int s, unsigned events)
{
  if (c->connecting && s == 0)
    return false; /* the client went away before the container answered */
  if (c->connecting)
    {
      int soerr = 0;
      socklen_t len = sizeof soerr;
      if (getsockopt (c->ref[1].fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 || soerr != 0)
        return false;
      c->connecting = false;
      return true;
    }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR) && c->len[s] == 0 && !c->eof[s])
    {
      ssize_t n = read (c->ref[s].fd, c->buf[s], FWD_BUF);
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        return false;
      if (n == 0)
        c->eof[s] = true;
      else if (n > 0)
        c->len[s] = (size_t)n, c->off[s] = 0;
    }
  if (events & EPOLLOUT && c->len[1 - s] > 0)
    {
      ssize_t n = send (c->ref[s].fd, c->buf[1 - s] + c->off[1 - s], c->len[1 - s], MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        return false;
      if (n > 0)
        c->off[1 - s] += (size_t)n, c->len[1 - s] -= (size_t)n;
    }
  for (int d = 0; d < 2; d++) /* a drained half close is passed on */
    if (c->eof[d] && c->len[d] == 0 && !c->shut[d])
      {
        shutdown (c->ref[1 - d].fd, SHUT_WR);
        c->shut[d] = true;
      }
  return !(c->shut[0] && c->shut[1]);
}

static void
conn_open (const struct fwd_ref *l)
{
  int cfd = accept4 (l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (cfd < 0)
    return;
  int sfd = nconns < FWD_MAX_CONNS ? socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)
                                   : -1;
  if (sfd < 0
      || (connect (sfd, (const struct sockaddr *)&l->target, sizeof l->target) < 0
          && errno != EINPROGRESS))
    {
      if (sfd >= 0)
        close (sfd);
      close (cfd);
      return;
    }
  struct fwd_conn *c = calloc (1, sizeof *c);
  if (c == NULL || (c->buf[0] = malloc (FWD_BUF)) == NULL || (c->buf[1] = malloc (FWD_BUF)) == NULL)
    {
      if (c)
        free (c->buf[0]);
      free (c);
      close (sfd);
      close (cfd);
      return;
    }
  nconns++;
  c->connecting = true;
  int fds[2] = { cfd, sfd };
  for (int s = 0; s < 2; s++)
    {
      c->ref[s] = (struct fwd_ref){ .conn = c, .side = s, .fd = fds[s] };
      struct epoll_event e = { .events = 0, .data.ptr = &c->ref[s] };
      epoll_ctl (epfd, EPOLL_CTL_ADD, fds[s], &e);
    }
  conn_update (c);
}

/* Every fd but the listeners closed (the monitor's locks and sockets are not ours to keep),
 * stdio on /dev/null. */
static void
keep_only (const int *fds, size_t n)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  for (int i = 0; i < 3 && null >= 0; i++)
    dup2 (null, i);
  int low = 3;
  for (;;)
    {
      int next = -1;
      for (size_t i = 0; i < n; i++)
        if (fds[i] >= low && (next < 0 || fds[i] < next))
          next = fds[i];
      if (next < 0)
        break;
      if (next > low)
        close_range ((unsigned)low, (unsigned)next - 1, 0);
      low = next + 1;
    }
  close_range ((unsigned)low, ~0U, 0);
}

static _Noreturn void
forwarder_main (const int *fds, const struct skiff_port_binding *v, size_t n, uint32_t ip,
                pid_t parent)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (0);
  prctl (PR_SET_NAME, "skiff-ports");
  sigset_t all;
  sigfillset (&all);
  sigprocmask (SIG_UNBLOCK, &all, NULL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGINT, SIG_DFL);
  signal (SIGPIPE, SIG_IGN);
  keep_only (fds, n);
  if ((epfd = epoll_create1 (EPOLL_CLOEXEC)) < 0)
    _exit (1);
  struct fwd_ref *ls = calloc (n, sizeof *ls);
  if (ls == NULL)
    _exit (1);
  for (size_t i = 0; i < n; i++)
    {
      ls[i].fd = fds[i];
      ls[i].target.sin_family = AF_INET;
      ls[i].target.sin_port = htons (v[i].port);
      ls[i].target.sin_addr.s_addr = htonl (ip);
      struct epoll_event e = { .events = EPOLLIN, .data.ptr = &ls[i] };
      if (epoll_ctl (epfd, EPOLL_CTL_ADD, fds[i], &e) < 0)
        _exit (1);
    }
  for (;;)
    {
      struct epoll_event evs[64];
      int k = epoll_wait (epfd, evs, 64, -1);
      for (int i = 0; i < k; i++)
        {
          struct fwd_ref *ref = evs[i].data.ptr;
          if (ref->conn == NULL)
            conn_open (ref);
          else if (ref->conn->dead)
            ;
          else if (!conn_io (ref->conn, ref->side, evs[i].events))
            conn_close (ref->conn);
          else
            conn_update (ref->conn);
        }
      free_dead ();
    }
}

int
skiff_ports_forwarder_spawn (const int *fds, const struct skiff_port_binding *v, size_t n,
                             uint32_t container_ip, pid_t *helper, struct skiff_error **err)
{
  pid_t parent = getpid ();
  pid_t pid = fork ();
  if (pid < 0)
    return skiff_error_make (err, errno, "fork the port forwarder");
  if (pid == 0)
    forwarder_main (fds, v, n, container_ip, parent);
  *helper = pid;
  return 0;
}
