/* A link's alias (IFLA_IFALIAS, `ip link set X alias Y`): the bridges of user networks carry
 * "skiff:<store root>", so that `system check` of one store never takes another store's
 * bridge (or anything else named skiffN) for a leftover of its own. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "network-internal.h"
#include "skiff/error.h"

int
skiff_nl_link_alias_set (struct skiff_nl *nl, const char *name, const char *alias,
                         struct skiff_error **err)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_NEWLINK;
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);
  ifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  mnl_attr_put_strz (nlh, IFLA_IFALIAS, alias);
  int r = skiff_nl_talk (nl, nlh);
  return r < 0 ? skiff_error_make (err, -r, "set the alias of %s", name) : 0;
}

struct alias_out
{
  char *buf;
  size_t len;
};

static int
alias_attr (const struct nlattr *a, void *data)
{
  struct alias_out *out = data;
  if (mnl_attr_get_type (a) == IFLA_IFALIAS && mnl_attr_validate (a, MNL_TYPE_STRING) == 0)
    {
      size_t n = mnl_attr_get_payload_len (a);
      const char *s = mnl_attr_get_str (a);
      n = strnlen (s, n);
      if (n >= out->len)
        n = out->len - 1;
      memcpy (out->buf, s, n);
      out->buf[n] = '\0';
    }
  return MNL_CB_OK;
}

static int
link_reply (const struct nlmsghdr *nlh, void *data)
{
  if (nlh->nlmsg_type == RTM_NEWLINK)
    mnl_attr_parse (nlh, sizeof (struct ifinfomsg), alias_attr, data);
  return MNL_CB_OK;
}

int
skiff_nl_link_alias_get (struct skiff_nl *nl, const char *name, char *buf, size_t len,
                         struct skiff_error **err)
{
  char msg[32768]; /* a bridge's reply, with its stats, may pass a page */
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (msg);
  nlh->nlmsg_type = RTM_GETLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = ++nl->seq;
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);
  ifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  struct alias_out out = { buf, len };
  buf[0] = '\0';
  if (mnl_socket_sendto (nl->sock, nlh, nlh->nlmsg_len) < 0)
    return skiff_error_make (err, errno, "ask for %s", name);
  ssize_t n = mnl_socket_recvfrom (nl->sock, msg, sizeof msg);
  if (n < 0 || mnl_cb_run (msg, (size_t)n, nl->seq, nl->portid, link_reply, &out) < 0)
    return skiff_error_make (err, errno, "read %s's settings", name);
  return 0;
}
