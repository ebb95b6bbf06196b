/* Isolation between skiff's bridge networks, without a firewall: each network has its own
 * bridge (no L2 path between two), and FIB rules (`ip rule`, priority 30000, before the main
 * table) make the kernel refuse to route a packet that arrived on one network's bridge to
 * another network's subnet (prohibit: the sender gets "host unreachable"), whatever
 * net.ipv4.ip_forward says.  An internal network's bridge gets one more rule (30001) refusing to
 * route anything that arrives on it, so nothing leaves it even with forwarding on (its
 * containers have no default route either).  Rules the host's own processes use (iif lo) and
 * the local table (the gateways' addresses: the host itself) are not touched.  The rules are
 * added when a bridge is made, for every pair with the networks then defined, and removed
 * with the network.  The bridge is marked with the store's root as its alias then (what
 * `system check` looks for). */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "netdef-internal.h"
#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/log.h"
#include "skiff/netholder.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

#define SKIFF_RULE_PRIORITY 30000
/* the internal rule's own priority: the kernel's duplicate check ignores a rule's destination
 * when the new one has none, so at 30000 it would "exist" as soon as a pair rule does */
#define SKIFF_RULE_PRIORITY_INTERNAL 30001

/* "iif bridge [to subnet/plen] prohibit"; plen 0 with subnet 0: every destination */
static int
rule (struct skiff_nl *nl, bool add, const char *bridge, uint32_t subnet, unsigned plen)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = add ? RTM_NEWRULE : RTM_DELRULE;
  nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
  struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header (nlh, sizeof *frh);
  frh->family = AF_INET;
  frh->dst_len = (unsigned char)plen;
  frh->action = FR_ACT_PROHIBIT;
  mnl_attr_put_u32 (nlh, FRA_PRIORITY, plen ? SKIFF_RULE_PRIORITY : SKIFF_RULE_PRIORITY_INTERNAL);
  mnl_attr_put_strz (nlh, FRA_IIFNAME, bridge);
  if (plen > 0)
    mnl_attr_put_u32 (nlh, FRA_DST, htonl (subnet));
  int r = skiff_nl_talk (nl, nlh);
  return (add && r == -EEXIST) || (!add && r == -ENOENT) ? 0 : r;
}

static int
rule_error (struct skiff_error **err, int r, const char *from, uint32_t subnet, unsigned plen)
{
  char a[16];
  return skiff_error_make (err, -r, "add the rule keeping %s out of %s/%u", from,
                           skiff_netdef_ip_text (subnet, a), plen);
}

/* Both directions between info's network and every other one; rm: removes them. */
static int
pairs (struct skiff_store *store, struct skiff_nl *nl, const struct skiff_network_info *info,
       bool add, struct skiff_error **err)
{
  struct skiff_netdef *all = NULL;
  int r = skiff_netdef_list (store, &all, err);
  for (size_t i = 0; r == 0 && all[i].name[0]; i++)
    {
      const struct skiff_netdef *m = &all[i];
      if (strcmp (m->name, info->name) == 0)
        continue;
      if ((r = rule (nl, add, info->bridge, m->subnet, m->prefix_len)) < 0)
        r = add ? rule_error (err, r, info->bridge, m->subnet, m->prefix_len) : 0;
      else if ((r = rule (nl, add, m->bridge, info->subnet, info->prefix_len)) < 0)
        r = add ? rule_error (err, r, m->bridge, info->subnet, info->prefix_len) : 0;
    }
  skiff_netdefs_free (all);
  return r;
}

char *
skiff_network_bridge_mark (const struct skiff_store *store)
{
  return xasprintf ("skiff:%s", store->root);
}

int
skiff_network_isolate (struct skiff_store *store, struct skiff_nl *nl,
                       const struct skiff_network_info *info, struct skiff_error **err)
{
  _cleanup_free_ char *mark = skiff_network_bridge_mark (store);
  int r = skiff_nl_link_alias_set (nl, info->bridge, mark, err);
  if (r == 0)
    r = pairs (store, nl, info, true, err);
  if (r == 0 && info->internal && (r = rule (nl, true, info->bridge, 0, 0)) < 0)
    return skiff_error_make (err, -r, "add the rule keeping internal network %s in", info->name);
  return r;
}

struct unisolate_job
{
  struct skiff_store *store;
  const struct skiff_network_info *info;
};

static int
unisolate (void *arg, struct skiff_error **err)
{
  const struct unisolate_job *j = arg;
  struct skiff_nl nl = { 0 };
  int r = skiff_nl_open (&nl, err);
  if (r < 0)
    return r;
  if ((r = pairs (j->store, &nl, j->info, false, err)) < 0)
    skiff_error_log_drop (err, SKIFF_LOG_WARN);
  rule (&nl, false, j->info->bridge, 0, 0);
  if ((r = skiff_nl_link_del (&nl, j->info->bridge, 0, err)) < 0)
    skiff_error_log_drop (err, SKIFF_LOG_WARN);
  skiff_nl_close (&nl);
  return 0;
}

void
skiff_network_unisolate (struct skiff_store *store, const struct skiff_network_info *info)
{
  struct skiff_error *e = NULL;
  /* rootless, the bridges live in the holder's namespace: none while no holder runs */
  if (store->rootless && !skiff_netholder_joined ())
    return;
  struct unisolate_job job = { store, info };
  if (skiff_netholder_call (unisolate, &job, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
}
