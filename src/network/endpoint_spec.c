/* The checks of --ip, --mac-address and --network-alias that need no store (docker/cli's
 * texts, exit 125). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/netdef.h"
#include "skiff/xalloc.h"

bool
skiff_network_mac_parse (const char *text, unsigned char out[6])
{
  unsigned v[6];
  char tail;
  if (text == NULL || strlen (text) != 17
      || sscanf (text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail)
             != 6)
    return false;
  for (int i = 0; i < 6; i++)
    {
      if (!isxdigit ((unsigned char)text[i * 3]) || !isxdigit ((unsigned char)text[i * 3 + 1]))
        return false;
      out[i] = (unsigned char)v[i];
    }
  /* a multicast address cannot be an interface's; all zero is none */
  return (out[0] & 1) == 0 && (v[0] | v[1] | v[2] | v[3] | v[4] | v[5]) != 0;
}

/* what /etc/hosts can hold as a name: a network name's characters */
bool
skiff_network_alias_valid (const char *text)
{
  return skiff_netdef_name_valid (text);
}

static int
flag_error (struct skiff_error **err, const char *value, const char *flag, const char *why)
{
  return skiff_error_make_status (err, 125, 0, "invalid argument \"%s\" for \"%s\" flag: %s", value,
                                  flag, why);
}

int
skiff_network_endpoint_check (const struct skiff_network_spec *spec, struct skiff_error **err)
{
  struct in_addr a;
  unsigned char mac[6];
  if (spec->ip && inet_pton (AF_INET, spec->ip, &a) != 1)
    {
      _cleanup_free_ char *why
          = xasprintf ("invalid string being converted to IP address: %s", spec->ip);
      return flag_error (err, spec->ip, "--ip", why);
    }
  if (spec->mac && !skiff_network_mac_parse (spec->mac, mac))
    {
      _cleanup_free_ char *why = xasprintf ("%s is not a valid mac address", spec->mac);
      return flag_error (err, spec->mac, "--mac-address", why);
    }
  for (size_t i = 0; spec->aliases && spec->aliases[i]; i++)
    if (!skiff_network_alias_valid (spec->aliases[i]))
      return flag_error (err, spec->aliases[i], "--network-alias",
                         "an alias is [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 characters");
  return 0;
}
