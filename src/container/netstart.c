/* A container's network at start: the sandbox's namespace choice per mode, the target of
 * container:<id>, legacy links (their targets must run: hosts lines and env), and the bridge
 * endpoint made in the start hook. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/keyindex.h"
#include "skiff/network.h"
#include "skiff/ports.h"
#include "skiff/sandbox.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static bool
is_running (const struct skiff_container *t)
{
  return t->state.status == SKIFF_CONTAINER_RUNNING
         && skiff_container_pid_alive (t->state.pid, t->state.pid_start);
}

/* --network container:<id>: its namespace (opened, then checked to still be its PID 1's) and
 * its /etc files and hostname. */
static int
join_container (struct skiff_store *store, const char *id, struct skiff_container_net *net,
                struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *t = NULL;
  int r = skiff_container_load (store, id, &t, err);
  if (r < 0)
    return r;
  static const char *const names[3] = { "hostname", "hosts", "resolv.conf" };
  _cleanup_free_ char *ns = xasprintf ("/proc/%d/ns/net", (int)t->state.pid);
  if (is_running (t) && (net->netns_fd = open (ns, O_RDONLY | O_CLOEXEC)) < 0 && errno != ENOENT
      && errno != ESRCH)
    return skiff_error_make_status (err, 125, errno, "join the network namespace of container %s",
                                    id);
  if (net->netns_fd < 0 || !is_running (t))
    return skiff_error_make_status (
        err, 125, 0, "cannot join network namespace of a non running container: %s", id);
  net->netns_path = xasprintf ("/proc/self/fd/%d", net->netns_fd);
  for (int i = 0; i < 3; i++)
    net->files[i] = skiff_path_join (t->dir, names[i]);
  net->hostname = xstrdup (t->config.hostname);
  return 0;
}

int
skiff_container_net_prepare (struct skiff_store *store, const struct skiff_container *c,
                             struct skiff_container_net *net, struct skiff_sandbox_config *sc,
                             struct skiff_error **err)
{
  memset (net, 0, sizeof *net);
  net->store = store;
  net->c = c;
  net->netns_fd = -1;
  struct skiff_network_mode mode;
  int r = skiff_network_mode_parse (c->config.network.mode, &mode, err);
  if (r < 0)
    return r;
  if (c->config.network.no_hosts)
    sc->hosts_file = NULL; /* --no-hosts: the image's own */
  switch (mode.kind)
    {
    case SKIFF_NET_BRIDGE:
      net->bridge = true;
      return mode.arg ? 0
                      : skiff_container_links_prepare (store, c, &net->link_lines, &net->env, err);
    case SKIFF_NET_PASTA:
      net->pasta = true;
      return skiff_pasta_check (err);
    case SKIFF_NET_HOST:
      sc->host_network = true;
      return 0;
    case SKIFF_NET_NS:
      sc->netns_path = mode.arg;
      return 0;
    case SKIFF_NET_CONTAINER:
      if ((r = join_container (store, mode.arg, net, err)) < 0)
        return r;
      sc->netns_path = net->netns_path;
      sc->hostname_file = net->files[0];
      sc->hosts_file = net->files[1];
      sc->resolv_file = net->files[2];
      sc->hostname = net->hostname;
      return 0;
    case SKIFF_NET_NONE:
    default:
      return 0;
    }
}

int
skiff_container_net_attach (struct skiff_container_net *net, pid_t pid, struct skiff_error **err)
{
  const struct skiff_ports_config *ports = &net->c->config.ports;
  if (net->pasta)
    return skiff_ports_start (net->c->dir, ports, pid, 0, true, err);
  if (!net->bridge)
    return 0;
  uint32_t ip;
  int r = skiff_container_networks_join (net->store, net->c, pid, net->link_lines, &ip, err);
  if (r == 0 && skiff_ports_config_publishes (ports)
      && (r = skiff_ports_start (net->c->dir, ports, pid, ip, false, err)) < 0)
    skiff_container_networks_leave (net->store, net->c);
  return r;
}

void
skiff_container_net_done (struct skiff_container_net *net, bool failed)
{
  if (failed && net->bridge)
    skiff_container_networks_leave (net->store, net->c);
  if (failed && (net->bridge || net->pasta))
    skiff_ports_stop (net->c->dir);
  if (net->netns_fd >= 0)
    close (net->netns_fd);
  free (net->netns_path);
  for (int i = 0; i < 3; i++)
    free (net->files[i]);
  free (net->hostname);
  skiff_strv_free (net->link_lines);
  skiff_strv_free (net->env);
  memset (net, 0, sizeof *net);
  net->netns_fd = -1;
}

void
skiff_container_net_release (struct skiff_store *store, const struct skiff_container *c)
{
  if (skiff_network_mode_is_bridge (c->config.network.mode))
    skiff_container_networks_leave (store, c);
  skiff_ports_stop (c->dir); /* the forwarder or pasta, if any */
}
