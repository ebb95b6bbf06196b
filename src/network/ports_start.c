/* Publishing at start and its end: the bindings to make (-p's, then -P's for every exposed
 * port no -p names), host ports chosen (a free one for 0 or a range: bound here, so a port
 * in use fails the start with docker's text), then the helper that carries the traffic
 * (root's forwarder, or pasta) and the record of both (containers/<id>/ports). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/ports.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static bool
binds_key (const struct skiff_ports_config *cfg, const char *key)
{
  for (size_t i = 0; i < cfg->n; i++)
    {
      _cleanup_free_ char *k = skiff_port_key (&cfg->bindings[i]);
      if (strcmp (k, key) == 0)
        return true;
    }
  return false;
}

static struct skiff_port_binding *
wanted (const struct skiff_ports_config *cfg, size_t *n)
{
  size_t max = cfg->n + skiff_strv_len (cfg->exposed);
  struct skiff_port_binding *v = xzalloc ((max ? max : 1) * sizeof *v);
  if (cfg->n > 0) /* bindings is NULL when there are none (-P alone) */
    memcpy (v, cfg->bindings, cfg->n * sizeof *v);
  *n = cfg->n;
  for (size_t i = 0; cfg->publish_all && cfg->exposed && cfg->exposed[i]; i++)
    {
      unsigned port;
      char proto[8];
      if (binds_key (cfg, cfg->exposed[i]) || sscanf (cfg->exposed[i], "%u/%7s", &port, proto) != 2
          || port > 65535 || strlen (proto) >= sizeof v->proto)
        continue;
      struct skiff_port_binding *b = &v[(*n)++];
      strcpy (b->proto, proto);
      b->port = (uint16_t)port;
    }
  return v;
}

/* Binds b's host side (the first free port of its range; 0: the kernel's pick, written
 * back).  keep: the listening socket in *fd; otherwise only the port is chosen. */
static int
bind_host (struct skiff_port_binding *b, bool keep, int *fd, struct skiff_error **err)
{
  bool v6 = strchr (b->host_ip, ':') != NULL;
  struct sockaddr_storage ss;
  memset (&ss, 0, sizeof ss);
  struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
  sin->sin_family = v6 ? AF_INET6 : AF_INET; /* sin6_family is at the same place */
  sin->sin_addr.s_addr = htonl (INADDR_ANY);
  /* the record is not trusted: an address that does not parse binds nothing */
  if ((v6 || b->host_ip[0])
      && inet_pton (v6 ? AF_INET6 : AF_INET, b->host_ip,
                    v6 ? (void *)&sin6->sin6_addr : (void *)&sin->sin_addr)
             != 1)
    return skiff_error_make_status (err, 125, 0, "bad host IP \"%s\" for %u/%s", b->host_ip,
                                    b->port, b->proto);
  int type = strcmp (b->proto, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
  unsigned last = b->host_port_last > b->host_port ? b->host_port_last : b->host_port;
  int e = 0;
  for (unsigned p = b->host_port; p <= last; p++)
    {
      _cleanup_close_ int s = socket (v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
      int one = 1;
      if (s < 0)
        return skiff_error_make (err, errno, "socket");
      setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (v6)
        setsockopt (s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      *(v6 ? &sin6->sin6_port : &sin->sin_port) = htons ((uint16_t)p);
      socklen_t len = v6 ? sizeof *sin6 : sizeof *sin;
      if (bind (s, (struct sockaddr *)&ss, len) < 0 || (type == SOCK_STREAM && listen (s, 128) < 0))
        {
          e = errno;
          continue;
        }
      getsockname (s, (struct sockaddr *)&ss, &len);
      b->host_port = b->host_port_last = ntohs (v6 ? sin6->sin6_port : sin->sin_port);
      if (keep)
        *fd = steal_fd (&s);
      return 0;
    }
  b->host_port_last = b->host_port;
  _cleanup_free_ char *where = skiff_port_host_text (b);
  if (e == EADDRINUSE)
    return skiff_error_make_status (err, 125, 0, "Bind for %s failed: port is already allocated",
                                    where);
  return skiff_error_make_status (err, 125, e, "bind %s", where);
}

static int
start_helper (const char *dir, struct skiff_port_binding *v, size_t n, pid_t pid, uint32_t ip,
              bool pasta, pid_t *helper, struct skiff_error **err)
{
  int *fds = xzalloc ((n ? n : 1) * sizeof *fds);
  int r = 0;
  size_t made = 0;
  for (size_t i = 0; i < n; i++)
    fds[i] = -1;
  for (; r == 0 && made < n; made++)
    if (!pasta && strcmp (v[made].proto, "sctp") == 0)
      r = skiff_error_make_status (
          err, 125, 0, "publishing sctp ports is not supported yet: %u/sctp", v[made].port);
    else
      r = bind_host (&v[made], !pasta, &fds[made], err);
  if (r == 0 && pasta)
    {
      _cleanup_free_ char *log = skiff_path_join (dir, "pasta.log");
      r = skiff_pasta_start (pid, log, v, n, helper, err);
    }
  else if (r == 0)
    r = skiff_ports_forwarder_spawn (fds, v, n, ip, helper, err);
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (fds);
  return r;
}

int
skiff_ports_start (const char *dir, const struct skiff_ports_config *cfg, pid_t pid,
                   uint32_t container_ip, bool pasta, struct skiff_error **err)
{
  struct skiff_ports_active a = { 0 };
  a.v = wanted (cfg, &a.n);
  int r = 0;
  if (a.n > 0 || pasta)
    r = start_helper (dir, a.v, a.n, pid, container_ip, pasta, &a.helper, err);
  if (r == 0 && a.helper > 0)
    {
      a.helper_start = skiff_container_pid_start_time (a.helper);
      if ((r = skiff_ports_active_write (dir, &a, err)) < 0)
        {
          kill (a.helper, SIGKILL);
          waitpid (a.helper, NULL, 0);
        }
    }
  skiff_ports_active_clear (&a);
  return r;
}

void
skiff_ports_stop (const char *dir)
{
  struct skiff_ports_active a;
  if (skiff_ports_active_read (dir, &a) == -ENOENT)
    return;
  if (a.helper > 0 && skiff_container_pid_start_time (a.helper) == a.helper_start)
    {
      kill (a.helper, SIGKILL);
      waitpid (a.helper, NULL, 0); /* ours when the monitor stops it; ECHILD otherwise */
    }
  else if (a.helper > 0)
    waitpid (a.helper, NULL, WNOHANG); /* gone already: reaped if it was ours */
  _cleanup_free_ char *path = skiff_path_join (dir, "ports");
  unlink (path);
  skiff_ports_active_clear (&a);
}
