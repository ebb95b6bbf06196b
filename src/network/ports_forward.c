/* Root's port forwarder: a forked child of the container's monitor (it dies with it:
 * PR_SET_PDEATHSIG) that owns the published ports' listening sockets.  Each accepted TCP
 * connection gets a connection of its own to the container's bridge address, and bytes are
 * relayed both ways through two buffers; a half close is passed on as shutdown(SHUT_WR).
 * UDP: each client address gets a socket connected to the container's port (a flow), whose
 * replies go back from the published port; a flow idle for FWD_UDP_IDLE s is dropped.
 * One epoll loop, level-triggered, no threads.  Listening on the host side makes the host's
 * own connections to 127.0.0.1:hostPort work with no NAT rule (hairpin). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/netholder.h"
#include "skiff/ports.h"

#define FWD_BUF 65536
#define FWD_MAX_CONNS 1024
#define FWD_MAX_FLOWS 1024
#define FWD_UDP_IDLE 60

struct fwd_conn;
struct fwd_flow;
/* What an epoll event refers to. */
enum fwd_kind
{
  FWD_TCP_LISTENER,
  FWD_UDP_LISTENER,
  FWD_CONN, /* one side of a TCP connection */
  FWD_FLOW, /* a UDP flow's socket to the container */
};
struct fwd_ref
{
  enum fwd_kind kind;
  struct fwd_conn *conn;
  struct fwd_flow *flow;
  int side; /* 0: the client, 1: the container */
  int fd;
  struct sockaddr_in target; /* listeners: where to connect */
};

struct fwd_flow
{
  struct fwd_ref ref;
  int listen_fd; /* replies leave from the published port */
  struct sockaddr_storage peer;
  socklen_t peer_len;
  time_t last;
  struct fwd_flow *next;
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
static size_t nconns, nflows;
static struct fwd_conn *dead_list;
static struct fwd_flow *flows;
static char udp_buf[65536];

static time_t
now_s (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec;
}

static struct fwd_flow *
flow_open (const struct fwd_ref *l, const struct sockaddr_storage *peer, socklen_t len)
{
  for (struct fwd_flow *f = flows; f; f = f->next)
    if (f->listen_fd == l->fd && f->peer_len == len && memcmp (&f->peer, peer, len) == 0)
      return f;
  if (nflows >= FWD_MAX_FLOWS)
    return NULL;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct fwd_flow *f = fd >= 0 ? calloc (1, sizeof *f) : NULL;
  if (f == NULL || connect (fd, (const struct sockaddr *)&l->target, sizeof l->target) < 0)
    {
      free (f);
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  f->ref = (struct fwd_ref){ .kind = FWD_FLOW, .flow = f, .fd = fd };
  f->listen_fd = l->fd;
  memcpy (&f->peer, peer, len);
  f->peer_len = len;
  struct epoll_event e = { .events = EPOLLIN, .data.ptr = &f->ref };
  epoll_ctl (epfd, EPOLL_CTL_ADD, fd, &e);
  f->next = flows;
  flows = f;
  nflows++;
  return f;
}

/* Datagrams from clients, each sent on to the container through its client's flow. */
static void
udp_in (const struct fwd_ref *l)
{
  for (int k = 0; k < 64; k++)
    {
      struct sockaddr_storage peer;
      socklen_t len = sizeof peer;
      ssize_t n
          = recvfrom (l->fd, udp_buf, sizeof udp_buf, MSG_DONTWAIT, (struct sockaddr *)&peer, &len);
      if (n < 0)
        return;
      struct fwd_flow *f = flow_open (l, &peer, len);
      if (f == NULL)
        continue;
      f->last = now_s ();
      send (f->ref.fd, udp_buf, (size_t)n, MSG_DONTWAIT);
    }
}

/* The container's replies, sent to the client from the published port. */
static void
udp_out (struct fwd_flow *f)
{
  for (int k = 0; k < 64; k++)
    {
      ssize_t n = recv (f->ref.fd, udp_buf, sizeof udp_buf, MSG_DONTWAIT);
      if (n < 0)
        return; /* EAGAIN, or the container's ICMP "port unreachable" */
      f->last = now_s ();
      sendto (f->listen_fd, udp_buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&f->peer,
              f->peer_len);
    }
}

/* After a batch of events (no event may still name a flow freed here). */
static void
udp_expire (void)
{
  time_t now = now_s ();
  for (struct fwd_flow **p = &flows; *p;)
    {
      struct fwd_flow *f = *p;
      if (now - f->last < FWD_UDP_IDLE)
        {
          p = &f->next;
          continue;
        }
      *p = f->next;
      close (f->ref.fd);
      free (f);
      nflows--;
    }
}

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
      c->ref[s] = (struct fwd_ref){ .kind = FWD_CONN, .conn = c, .side = s, .fd = fds[s] };
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
                int netns, pid_t parent)
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
  /* rootless: the listeners stay in the host's namespace, the connections to the container
   * are made in the holder's */
  if (netns >= 0 && setns (netns, CLONE_NEWNET) < 0)
    _exit (1);
  keep_only (fds, n);
  if ((epfd = epoll_create1 (EPOLL_CLOEXEC)) < 0)
    _exit (1);
  struct fwd_ref *ls = calloc (n, sizeof *ls);
  if (ls == NULL)
    _exit (1);
  for (size_t i = 0; i < n; i++)
    {
      ls[i].kind = strcmp (v[i].proto, "udp") == 0 ? FWD_UDP_LISTENER : FWD_TCP_LISTENER;
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
      int k = epoll_wait (epfd, evs, 64, flows ? FWD_UDP_IDLE * 1000 / 4 : -1);
      for (int i = 0; i < k; i++)
        {
          struct fwd_ref *ref = evs[i].data.ptr;
          if (ref->kind == FWD_TCP_LISTENER)
            conn_open (ref);
          else if (ref->kind == FWD_UDP_LISTENER)
            udp_in (ref);
          else if (ref->kind == FWD_FLOW)
            udp_out (ref->flow);
          else if (ref->conn->dead)
            ;
          else if (!conn_io (ref->conn, ref->side, evs[i].events))
            conn_close (ref->conn);
          else
            conn_update (ref->conn);
        }
      free_dead ();
      udp_expire ();
    }
}

int
skiff_ports_forwarder_spawn (const int *fds, const struct skiff_port_binding *v, size_t n,
                             uint32_t container_ip, pid_t *helper, struct skiff_error **err)
{
  _cleanup_close_ int netns = -1;
  int r = skiff_netholder_open_netns (&netns, err);
  if (r < 0)
    return r;
  pid_t parent = getpid ();
  pid_t pid = fork ();
  if (pid < 0)
    return skiff_error_make (err, errno, "fork the port forwarder");
  if (pid == 0)
    forwarder_main (fds, v, n, container_ip, netns, parent);
  *helper = pid;
  return 0;
}
