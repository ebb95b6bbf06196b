/* rtnetlink requests through libmnl: the bridge, a veth pair with its peer made in another
 * network namespace, addresses and the default route.  Each request waits for its ACK, so a
 * failure is reported with the kernel's errno at the step that failed. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"

int
skiff_nl_open (struct skiff_nl *nl, struct skiff_error **err)
{
  nl->sock = mnl_socket_open2 (NETLINK_ROUTE, SOCK_CLOEXEC);
  if (nl->sock == NULL)
    return skiff_error_make (err, errno, "open a netlink socket");
  if (mnl_socket_bind (nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
    {
      int e = errno;
      skiff_nl_close (nl);
      return skiff_error_make (err, e, "bind a netlink socket");
    }
  nl->portid = mnl_socket_get_portid (nl->sock);
  nl->seq = (unsigned)time (NULL);
  return 0;
}

void
skiff_nl_close (struct skiff_nl *nl)
{
  if (nl->sock != NULL)
    mnl_socket_close (nl->sock);
  nl->sock = NULL;
}

/* Sends one request and reads its ACK: 0, or -errno (not reported: callers decide whether
 * EEXIST is an error). */
int
skiff_nl_talk (struct skiff_nl *nl, struct nlmsghdr *nlh)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlh->nlmsg_seq = ++nl->seq;
  nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  if (mnl_socket_sendto (nl->sock, nlh, nlh->nlmsg_len) < 0)
    return -errno;
  for (;;)
    {
      ssize_t n = mnl_socket_recvfrom (nl->sock, buf, sizeof buf);
      if (n < 0)
        return errno == EINTR ? -EINTR : -errno;
      int r = mnl_cb_run (buf, (size_t)n, nlh->nlmsg_seq, nl->portid, NULL, NULL);
      if (r < 0)
        return -errno;
      if (r == MNL_CB_STOP)
        return 0;
    }
}

static struct nlmsghdr *
link_request (char *buf, unsigned flags, struct ifinfomsg **ifm)
{
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = flags;
  *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof **ifm);
  (*ifm)->ifi_family = AF_UNSPEC;
  (*ifm)->ifi_change = IFF_UP;
  (*ifm)->ifi_flags = IFF_UP;
  return nlh;
}

int
skiff_nl_bridge_add (struct skiff_nl *nl, const char *name, unsigned mtu, struct skiff_error **err)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct ifinfomsg *ifm;
  struct nlmsghdr *nlh = link_request (buf, NLM_F_CREATE | NLM_F_EXCL, &ifm);
  mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  mnl_attr_put_u32 (nlh, IFLA_MTU, mtu);
  struct nlattr *info = mnl_attr_nest_start (nlh, IFLA_LINKINFO);
  mnl_attr_put_strz (nlh, IFLA_INFO_KIND, "bridge");
  mnl_attr_nest_end (nlh, info);
  int r = skiff_nl_talk (nl, nlh);
  if (r < 0 && r != -EEXIST) /* another command made it meanwhile */
    return skiff_error_make (err, -r, "create bridge %s", name);
  /* an existing one (made by us before) may have been set down */
  return skiff_nl_link_up (nl, name, 0, err);
}

int
skiff_nl_link_up (struct skiff_nl *nl, const char *name, unsigned ifindex, struct skiff_error **err)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct ifinfomsg *ifm;
  struct nlmsghdr *nlh = link_request (buf, 0, &ifm);
  ifm->ifi_index = (int)ifindex;
  if (ifindex == 0)
    mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  int r = skiff_nl_talk (nl, nlh);
  return r < 0 ? skiff_error_make (err, -r, "set %s up", name) : 0;
}

int
skiff_nl_veth_add (struct skiff_nl *nl, const struct skiff_nl_veth *v, struct skiff_error **err)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct ifinfomsg *ifm;
  struct nlmsghdr *nlh = link_request (buf, NLM_F_CREATE | NLM_F_EXCL, &ifm);
  mnl_attr_put_strz (nlh, IFLA_IFNAME, v->host_name);
  mnl_attr_put_u32 (nlh, IFLA_MTU, v->mtu);
  mnl_attr_put_u32 (nlh, IFLA_MASTER, v->bridge_index);
  /* One queue each way, asked for: by default veth makes one per CPU and then cuts them to one,
   * which waits for an RCU grace period per end. */
  mnl_attr_put_u32 (nlh, IFLA_NUM_TX_QUEUES, 1);
  mnl_attr_put_u32 (nlh, IFLA_NUM_RX_QUEUES, 1);
  struct nlattr *info = mnl_attr_nest_start (nlh, IFLA_LINKINFO);
  mnl_attr_put_strz (nlh, IFLA_INFO_KIND, "veth");
  struct nlattr *data = mnl_attr_nest_start (nlh, IFLA_INFO_DATA);
  struct nlattr *peer = mnl_attr_nest_start (nlh, VETH_INFO_PEER);
  struct ifinfomsg *pifm = mnl_nlmsg_put_extra_header (nlh, sizeof *pifm);
  /* not IFF_UP here: kernel 6.18 refuses it (ENOTCONN) for a peer made in another namespace;
   * it is set up from inside */
  pifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz (nlh, IFLA_IFNAME, v->peer_name);
  mnl_attr_put_u32 (nlh, IFLA_NET_NS_PID, (uint32_t)v->peer_pid);
  mnl_attr_put_u32 (nlh, IFLA_MTU, v->mtu);
  mnl_attr_put_u32 (nlh, IFLA_NUM_TX_QUEUES, 1);
  mnl_attr_put_u32 (nlh, IFLA_NUM_RX_QUEUES, 1);
  mnl_attr_put (nlh, IFLA_ADDRESS, 6, v->peer_mac);
  mnl_attr_nest_end (nlh, peer);
  mnl_attr_nest_end (nlh, data);
  mnl_attr_nest_end (nlh, info);
  int r = skiff_nl_talk (nl, nlh);
  if (r < 0)
    skiff_error_make (err, -r, "create veth pair %s/%s", v->host_name, v->peer_name);
  return r;
}

int
skiff_nl_addr_add (struct skiff_nl *nl, unsigned ifindex, uint32_t ip, unsigned prefix_len,
                   struct skiff_error **err)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_NEWADDR;
  nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header (nlh, sizeof *ifa);
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = (unsigned char)prefix_len;
  ifa->ifa_index = ifindex;
  uint32_t mask = prefix_len ? ~0u << (32 - prefix_len) : 0;
  uint32_t addr = htonl (ip), brd = htonl (ip | ~mask);
  mnl_attr_put_u32 (nlh, IFA_LOCAL, addr);
  mnl_attr_put_u32 (nlh, IFA_ADDRESS, addr);
  mnl_attr_put_u32 (nlh, IFA_BROADCAST, brd);
  int r = skiff_nl_talk (nl, nlh);
  if (r < 0 && r != -EEXIST)
    {
      char text[INET_ADDRSTRLEN];
      inet_ntop (AF_INET, &addr, text, sizeof text);
      return skiff_error_make (err, -r, "add address %s/%u", text, prefix_len);
    }
  return 0;
}

int
skiff_nl_default_route (struct skiff_nl *nl, unsigned ifindex, uint32_t gateway,
                        struct skiff_error **err)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_NEWROUTE;
  nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  struct rtmsg *rtm = mnl_nlmsg_put_extra_header (nlh, sizeof *rtm);
  rtm->rtm_family = AF_INET;
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = RTPROT_BOOT;
  rtm->rtm_scope = RT_SCOPE_UNIVERSE;
  rtm->rtm_type = RTN_UNICAST;
  mnl_attr_put_u32 (nlh, RTA_GATEWAY, htonl (gateway));
  mnl_attr_put_u32 (nlh, RTA_OIF, ifindex);
  int r = skiff_nl_talk (nl, nlh);
  return r < 0 ? skiff_error_make (err, -r, "add the default route") : 0;
}

/* A netlink socket of pid's network namespace (a socket keeps the namespace it was made in)
 * and the index of ifname there; we return to our own namespace at once. */
int
skiff_nl_open_in (pid_t pid, const char *ifname, struct skiff_nl *nl, unsigned *ifindex,
                  struct skiff_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int)pid);
  _cleanup_close_ int self = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return skiff_error_make (err, errno, "open /proc/thread-self/ns/net");
  _cleanup_close_ int target = open (path, O_RDONLY | O_CLOEXEC);
  if (target < 0)
    return skiff_error_make (err, errno, "open %s", path);
  if (setns (target, CLONE_NEWNET) < 0)
    return skiff_error_make (err, errno, "enter %s", path);
  int r = skiff_nl_open (nl, err);
  *ifindex = if_nametoindex (ifname);
  int e = errno;
  if (setns (self, CLONE_NEWNET) < 0)
    {
      /* never go on in the container's namespace */
      if (r == 0)
        skiff_nl_close (nl);
      return r < 0 ? r : skiff_error_make (err, errno, "return to our network namespace");
    }
  if (r == 0 && *ifindex == 0)
    {
      skiff_nl_close (nl);
      return skiff_error_make (err, e, "find %s in the container", ifname);
    }
  return r;
}

int
skiff_nl_link_del (struct skiff_nl *nl, const char *name, unsigned ifindex,
                   struct skiff_error **err)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_DELLINK;
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = (int)ifindex;
  if (ifindex == 0)
    mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  int r = skiff_nl_talk (nl, nlh);
  return r < 0 && r != -ENODEV ? skiff_error_make (err, -r, "delete %s", name) : 0;
}
