/* --network values and the network flags' checks, with docker/cli's and the daemon's texts. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/netdef.h"
#include "skiff/network.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

int
skiff_network_mode_parse (const char *text, struct skiff_network_mode *out,
                          struct skiff_error **err)
{
  static const struct
  {
    const char *word;
    enum skiff_network_kind kind;
  } words[] = {
    { "bridge", SKIFF_NET_BRIDGE },
    { "default", SKIFF_NET_BRIDGE },
    { SKIFF_NETWORK_DEFAULT, SKIFF_NET_BRIDGE },
    { "none", SKIFF_NET_NONE },
    { "host", SKIFF_NET_HOST },
    { "pasta", SKIFF_NET_PASTA },
  };
  out->arg = NULL;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp (text, words[i].word) == 0)
      {
        out->kind = words[i].kind;
        return 0;
      }
  if (strncmp (text, "container:", 10) == 0)
    {
      if (text[10] == '\0')
        return skiff_error_make_status (err, 125, 0,
                                        "invalid container format container:<name|id>");
      out->kind = SKIFF_NET_CONTAINER;
      out->arg = text + 10;
      return 0;
    }
  if (strncmp (text, "ns:", 3) == 0)
    {
      if (text[3] != '/')
        return skiff_error_make_status (
            err, 125, 0, "invalid network namespace path \"%s\": must be absolute", text + 3);
      out->kind = SKIFF_NET_NS;
      out->arg = text + 3;
      return 0;
    }
  if (skiff_netdef_name_valid (text))
    {
      out->kind = SKIFF_NET_BRIDGE;
      out->arg = text;
      return 0;
    }
  return skiff_error_make_status (err, 125, 0, "network %s not found", text);
}

static bool
is_ip (const char *s)
{
  unsigned char buf[16];
  return inet_pton (AF_INET, s, buf) == 1 || inet_pton (AF_INET6, s, buf) == 1;
}

/* Nothing written into /etc/hosts or resolv.conf may hold a line break or other control
 * character (a second line would be an entry the user did not ask for). */
static bool
has_space_or_control (const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s <= ' ' || *s == 0x7f)
      return true;
  return false;
}

static int
flag_error (struct skiff_error **err, const char *value, const char *flag, const char *why)
{
  return skiff_error_make_status (err, 125, 0, "invalid argument \"%s\" for \"%s\" flag: %s", value,
                                  flag, why);
}

static int
check_add_host (const char *v, struct skiff_error **err)
{
  const char *colon = strchr (v, ':');
  if (colon == NULL || colon == v || has_space_or_control (v))
    {
      _cleanup_free_ char *why = xasprintf ("bad format for add-host: \"%s\"", v);
      return flag_error (err, v, "--add-host", why);
    }
  if (!is_ip (colon + 1))
    {
      _cleanup_free_ char *why = xasprintf ("invalid IP address in add-host: \"%s\"", colon + 1);
      return flag_error (err, v, "--add-host", why);
    }
  return 0;
}

/* docker/cli opts.ValidateDNSSearch: "." or a domain name of labels, at most 255 chars */
static bool
is_domain (const char *v)
{
  size_t n = strlen (v);
  if (strcmp (v, ".") == 0)
    return true;
  if (n > 0 && v[n - 1] == '.')
    n--;
  if (n == 0 || n > 255)
    return false;
  size_t label = 0;
  for (size_t i = 0; i < n; i++)
    {
      char c = v[i];
      if (c == '.')
        {
          if (label == 0 || v[i - 1] == '-')
            return false;
          label = 0;
          continue;
        }
      if (!isalnum ((unsigned char)c) && !(c == '-' && label > 0))
        return false;
      label++;
    }
  return label > 0 && v[n - 1] != '-';
}

static int
check_link (const char *v, struct skiff_error **err)
{
  if (*v == '\0')
    return flag_error (err, v, "--link", "empty string specified for links");
  const char *colon = strchr (v, ':');
  if ((colon && strchr (colon + 1, ':')) || colon == v || (colon && colon[1] == '\0')
      || has_space_or_control (v))
    {
      _cleanup_free_ char *why = xasprintf ("bad format for links: %s", v);
      return flag_error (err, v, "--link", why);
    }
  return 0;
}

static int
check_lists (const struct skiff_network_spec *spec, struct skiff_error **err)
{
  int r;
  for (size_t i = 0; spec->add_hosts && spec->add_hosts[i]; i++)
    if ((r = check_add_host (spec->add_hosts[i], err)) < 0)
      return r;
  for (size_t i = 0; spec->dns && spec->dns[i]; i++)
    if (!is_ip (spec->dns[i]))
      {
        _cleanup_free_ char *why = xasprintf ("%s is not an ip address", spec->dns[i]);
        return flag_error (err, spec->dns[i], "--dns", why);
      }
  for (size_t i = 0; spec->dns_search && spec->dns_search[i]; i++)
    if (!is_domain (spec->dns_search[i]))
      {
        _cleanup_free_ char *why = xasprintf ("%s is not a valid domain", spec->dns_search[i]);
        return flag_error (err, spec->dns_search[i], "--dns-search", why);
      }
  for (size_t i = 0; spec->dns_option && spec->dns_option[i]; i++)
    if (spec->dns_option[i][0] == '\0' || has_space_or_control (spec->dns_option[i]))
      return flag_error (err, spec->dns_option[i], "--dns-option",
                         "a DNS option is one word without spaces");
  for (size_t i = 0; spec->links && spec->links[i]; i++)
    if ((r = check_link (spec->links[i], err)) < 0)
      return r;
  return 0;
}

int
skiff_network_spec_check (const struct skiff_network_spec *spec, struct skiff_error **err)
{
  int r = check_lists (spec, err);
  if (r == 0)
    r = skiff_network_endpoint_check (spec, err);
  if (r < 0 || spec->mode == NULL)
    return r;
  struct skiff_network_mode mode;
  if ((r = skiff_network_mode_parse (spec->mode, &mode, err)) < 0)
    return r;
  bool links = spec->links && spec->links[0];
  if (links && mode.kind == SKIFF_NET_HOST)
    return skiff_error_make_status (err, 125, 0,
                                    "conflicting options: host type networking can't be used "
                                    "with links. This would result in undefined behavior");
  if (mode.kind != SKIFF_NET_CONTAINER)
    return 0;
  /* the daemon's validateNetContainerMode: the other container's files are used */
  if (links)
    return skiff_error_make_status (err, 125, 0,
                                    "conflicting options: container type network can't be used "
                                    "with links. This would result in undefined behavior");
  if (spec->dns || spec->dns_search || spec->dns_option)
    return skiff_error_make_status (err, 125, 0, "conflicting options: dns and the network mode");
  if (spec->add_hosts)
    return skiff_error_make_status (err, 125, 0,
                                    "conflicting options: custom host-to-IP mapping and the "
                                    "network mode");
  return 0;
}

void
skiff_network_config_clear (struct skiff_network_config *cfg)
{
  free (cfg->mode);
  skiff_strv_free (cfg->extra_hosts);
  skiff_strv_free (cfg->dns);
  skiff_strv_free (cfg->dns_search);
  skiff_strv_free (cfg->dns_option);
  skiff_strv_free (cfg->links);
  skiff_strv_free (cfg->aliases);
  free (cfg->ip);
  free (cfg->mac);
  memset (cfg, 0, sizeof *cfg);
}

bool
skiff_network_mode_is_bridge (const char *text)
{
  struct skiff_network_mode mode;
  _cleanup_error_ struct skiff_error *e = NULL;
  return text != NULL && skiff_network_mode_parse (text, &mode, &e) == 0
         && mode.kind == SKIFF_NET_BRIDGE;
}
