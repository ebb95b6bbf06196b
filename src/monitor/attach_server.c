/* The monitor's side of the attach socket (ATTACH.md): SOCK_SEQPACKET, one message per
 * packet, output fanned out to every client. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "monitor-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/monitor.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

char *
skiff_monitor_attach_path (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *rel = xasprintf ("containers/%s/attach.sock", id);
  return skiff_store_runpath (store, rel);
}

/* Binds or connects a unix socket by a path of any length. */
static int
sock_addr (int sock, const char *path, int (*op) (int, const struct sockaddr *, socklen_t))
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) < sizeof addr.sun_path)
    {
      strcpy (addr.sun_path, path);
      return op (sock, (struct sockaddr *)&addr, sizeof addr);
    }
  /* Too long for sun_path (deep --runroot): name the directory by an fd of ours. */
  _cleanup_free_ char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  *slash = '\0';
  _cleanup_close_ int dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return -1;
  int n = snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dfd, slash + 1);
  if (n < 0 || (size_t)n >= sizeof addr.sun_path)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  return op (sock, (struct sockaddr *)&addr, sizeof addr);
}

static int
connect_op (int s, const struct sockaddr *a, socklen_t l)
{
  return connect (s, a, l);
}

static int
bind_op (int s, const struct sockaddr *a, socklen_t l)
{
  return bind (s, a, l);
}

int
skiff_monitor_attach_connect (struct skiff_store *store, const char *id, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_monitor_attach_path (store, id);
  int s = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (s < 0)
    return skiff_error_make (err, errno, "socket");
  if (sock_addr (s, path, connect_op) < 0)
    {
      int e = errno;
      close (s);
      return skiff_error_make (err, e, "connect to %s", path);
    }
  return s;
}

int
skiff_attach_server_open (struct skiff_attach_server *s, struct skiff_store *store, const char *id,
                          struct skiff_error **err)
{
  memset (s, 0, sizeof *s);
  s->listen_fd = -1;
  s->quiet_fd = -1;
  s->path = skiff_monitor_attach_path (store, id);
  _cleanup_free_ char *dir = xstrdup (s->path);
  *strrchr (dir, '/') = '\0';
  int r = skiff_fs_mkdir_p (dir, 0700, err);
  if (r < 0)
    return r;
  unlink (s->path); /* a stale one of an earlier run */
  int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return skiff_error_make (err, errno, "socket");
  mode_t old = umask (0177);
  r = sock_addr (fd, s->path, bind_op);
  umask (old);
  if (r < 0 || listen (fd, 64) < 0)
    {
      int e = errno;
      close (fd);
      return skiff_error_make (err, e, "listen on %s", s->path);
    }
  s->listen_fd = fd;
  return 0;
}

void
skiff_attach_server_add (struct skiff_attach_server *s, int fd)
{
  if (s->nclients == SKIFF_ATTACH_MAX_CLIENTS)
    {
      close (fd);
      return;
    }
  /* room for bursts: a client that falls this far behind loses output */
  int size = 1 << 20;
  setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  fcntl (fd, F_SETFL, O_NONBLOCK);
  fcntl (fd, F_SETFD, FD_CLOEXEC);
  s->clients[s->nclients++] = fd;
}

void
skiff_attach_server_accept (struct skiff_attach_server *s)
{
  for (;;)
    {
      int fd = accept4 (s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0)
        return;
      skiff_attach_server_add (s, fd);
    }
}

void
skiff_attach_server_drop (struct skiff_attach_server *s, size_t i)
{
  if (s->clients[i] == s->quiet_fd)
    s->quiet_fd = -1;
  close (s->clients[i]);
  s->clients[i] = s->clients[--s->nclients];
}

void
skiff_attach_server_broadcast (struct skiff_attach_server *s, int type, const void *buf, size_t len)
{
  char msg[1 + SKIFF_ATTACH_MAX_PAYLOAD];
  const char *p = buf;
  /* the starting client's streams that go to its own files (or that it did not attach) */
  unsigned bit = type == SKIFF_ATTACH_STDOUT ? 1u : type == SKIFF_ATTACH_STDERR ? 2u : 0u;
  int skip = s->quiet & bit ? s->quiet_fd : -1;
  do
    {
      size_t n = len > SKIFF_ATTACH_MAX_PAYLOAD ? SKIFF_ATTACH_MAX_PAYLOAD : len;
      msg[0] = (char)type;
      if (n)
        memcpy (msg + 1, p, n);
      for (size_t i = 0; i < s->nclients;)
        if (s->clients[i] == skip)
          i++;
        else if (send (s->clients[i], msg, n + 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0
                 && errno != EINTR)
          skiff_attach_server_drop (s, i);
        else
          i++;
      p += n;
      len -= n;
    }
  while (len > 0);
}

void
skiff_attach_server_close (struct skiff_attach_server *s)
{
  while (s->nclients > 0)
    skiff_attach_server_drop (s, 0);
  if (s->listen_fd >= 0)
    {
      close (s->listen_fd);
      unlink (s->path);
    }
  s->listen_fd = -1;
  free (s->path);
  s->path = NULL;
}
