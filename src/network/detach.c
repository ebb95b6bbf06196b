/* `network disconnect` of a running container: its interface on that network (found inside
 * its network namespace by the leased address) is deleted, then the lease freed. */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "netdef-internal.h"
#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/netholder.h"

/* The name of the interface holding ip in the current namespace ("" when none). */
static void
iface_of (uint32_t ip, char name[IFNAMSIZ])
{
  struct ifaddrs *ifa = NULL;
  name[0] = '\0';
  if (getifaddrs (&ifa) < 0)
    return;
  for (struct ifaddrs *i = ifa; i; i = i->ifa_next)
    if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET
        && ntohl (((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr) == ip)
      {
        snprintf (name, IFNAMSIZ, "%s", i->ifa_name);
        break;
      }
  freeifaddrs (ifa);
}

/* In pid's network namespace: deletes the interface holding ip.  Back in ours before it
 * returns, whatever happened. */
static int
delete_inside (pid_t pid, uint32_t ip, struct skiff_error **err)
{
  char path[64], name[IFNAMSIZ];
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int)pid);
  _cleanup_close_ int self = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int target = self < 0 ? -1 : open (path, O_RDONLY | O_CLOEXEC);
  if (self < 0 || target < 0)
    return skiff_error_make (err, errno, "open %s", self < 0 ? "/proc/thread-self/ns/net" : path);
  if (setns (target, CLONE_NEWNET) < 0)
    return skiff_error_make (err, errno, "enter %s", path);
  struct skiff_nl nl = { 0 };
  iface_of (ip, name);
  unsigned index = name[0] ? if_nametoindex (name) : 0;
  int r = index ? skiff_nl_open (&nl, err) : 0;
  if (setns (self, CLONE_NEWNET) < 0)
    {
      skiff_nl_close (&nl);
      return r < 0 ? r : skiff_error_make (err, errno, "return to our network namespace");
    }
  if (r == 0 && index) /* the socket stays in the container's namespace */
    r = skiff_nl_link_del (&nl, name, index, err);
  skiff_nl_close (&nl);
  return r;
}

/* Entering a container's namespace means coming back: rootless only the holder's namespace
 * lets us back in, so both run in its thread (skiff_netholder_call). */
struct inside_job
{
  pid_t pid;
  uint32_t ip;
  unsigned from;
  char *out;
};

static int
delete_job (void *arg, struct skiff_error **err)
{
  const struct inside_job *j = arg;
  return delete_inside (j->pid, j->ip, err);
}

int
skiff_network_detach (struct skiff_store *store, const char *network, const char *id, pid_t pid,
                      struct skiff_error **err)
{
  struct skiff_network_endpoint ep;
  int r = 0;
  if (skiff_network_endpoint_on (store, network, id, &ep) == 0)
    {
      struct inside_job job = { .pid = pid, .ip = ep.ip };
      r = skiff_netholder_call (delete_job, &job, err);
    }
  if (r == 0)
    skiff_network_release_from (store, network, id);
  return r;
}

static int
free_ifname (pid_t pid, unsigned from, char out[16], struct skiff_error **err)
{
  for (unsigned k = from; k < from + 64; k++)
    {
      struct skiff_nl nl = { 0 };
      unsigned index;
      struct skiff_error *e = NULL;
      snprintf (out, 16, "eth%u", k);
      int r = skiff_nl_open_in (pid, out, &nl, &index, &e);
      skiff_nl_close (&nl);
      if (r == -ENODEV)
        {
          skiff_error_free (e);
          return 0;
        }
      if (r < 0)
        {
          *err = e;
          return r;
        }
    }
  return skiff_error_make (err, 0, "no free interface name eth%u..eth%u", from, from + 63);
}

static int
free_ifname_job (void *arg, struct skiff_error **err)
{
  const struct inside_job *j = arg;
  return free_ifname (j->pid, j->from, j->out, err);
}

int
skiff_network_free_ifname (pid_t pid, unsigned from, char out[16], struct skiff_error **err)
{
  struct inside_job job = { .pid = pid, .from = from, .out = out };
  return skiff_netholder_call (free_ifname_job, &job, err);
}
