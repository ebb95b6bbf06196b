/* -p/--publish and --expose as docker/cli reads them (go-connections' nat.ParsePortSpec and
 * ParsePortRange, with their error texts), and the config create records.  Pure. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/ports.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_ports_config_clear (struct skiff_ports_config *cfg)
{
  free (cfg->bindings);
  skiff_strv_free (cfg->exposed);
  memset (cfg, 0, sizeof *cfg);
}

/* strconv.ParseUint (s, 10, 16): digits only, at most 65535. */
static bool
parse_u16 (const char *s, size_t len, unsigned *out)
{
  unsigned long v = 0;
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (unsigned long)(s[i] - '0');
      if (v > 65535)
        return false;
    }
  *out = (unsigned)v;
  return true;
}

/* nat.ParsePortRange: "N" or "N-M" (M >= N; what follows a second '-' is ignored, as Go's
 * Split index 1 is all it reads). */
static bool
parse_range (const char *s, unsigned *first, unsigned *last)
{
  const char *dash = strchr (s, '-');
  if (dash == NULL)
    return parse_u16 (s, strlen (s), first) && (*last = *first, true);
  const char *second = dash + 1, *end = strchr (second, '-');
  return parse_u16 (s, (size_t)(dash - s), first)
         && parse_u16 (second, end ? (size_t)(end - second) : strlen (second), last)
         && *last >= *first;
}

/* nat.SplitProtoPort: "80" -> tcp, "80/" -> tcp, "80/udp" -> udp; *port points into text. */
static void
split_proto (char *text, char **port, const char **proto)
{
  char *slash = strchr (text, '/');
  *port = text;
  *proto = "tcp";
  if (text[0] == '\0' || slash == text)
    {
      *port = (char *)"";
      *proto = "";
      return;
    }
  if (slash == NULL)
    return;
  *slash = '\0';
  char *rest = slash + 1, *next = strchr (rest, '/');
  if (next)
    *next = '\0';
  if (rest[0] != '\0')
    *proto = rest;
}

static bool
valid_proto (const char *p)
{
  return strcasecmp (p, "tcp") == 0 || strcasecmp (p, "udp") == 0 || strcasecmp (p, "sctp") == 0;
}

/* The host IP part: brackets stripped (net.SplitHostPort), then an address of either family. */
static int
parse_host_ip (const char *raw, char ip[46], struct skiff_error **err)
{
  size_t len = strlen (raw);
  if (len > 0 && raw[0] == '[' && raw[len - 1] == ']')
    raw++, len -= 2;
  else if (memchr (raw, ':', len) != NULL)
    return skiff_error_make_status (err, 125, 0,
                                    "Invalid ip address %s: address %s:: too many colons in "
                                    "address",
                                    raw, raw);
  if (len >= 46)
    return skiff_error_make_status (err, 125, 0, "Invalid ip address: %.*s", (int)len, raw);
  memcpy (ip, raw, len);
  ip[len] = '\0';
  unsigned char buf[16];
  if (len > 0 && inet_pton (AF_INET, ip, buf) != 1 && inet_pton (AF_INET6, ip, buf) != 1)
    return skiff_error_make_status (err, 125, 0, "Invalid ip address: %s", ip);
  return 0;
}

int
skiff_ports_parse_publish (const char *text, struct skiff_port_binding **v, size_t *n,
                           struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (text);
  /* splitParts: the last ':' field is the container's, the one before the host port, the
   * rest the IP */
  char *cport = strrchr (copy, ':'), *hport = NULL, *raw_ip = (char *)"";
  if (cport == NULL)
    cport = copy;
  else
    {
      *cport++ = '\0';
      hport = strrchr (copy, ':');
      if (hport == NULL)
        hport = copy;
      else
        *hport++ = '\0', raw_ip = copy;
    }
  char ip[46];
  int r = parse_host_ip (raw_ip, ip, err);
  if (r < 0)
    return r;
  char *port;
  const char *proto;
  split_proto (cport, &port, &proto);
  if (port[0] == '\0')
    return skiff_error_make_status (err, 125, 0, "No port specified: %s<empty>", text);
  unsigned first, last, hfirst = 0, hlast = 0;
  if (!parse_range (port, &first, &last))
    return skiff_error_make_status (err, 125, 0, "Invalid containerPort: %s", port);
  bool have_host = hport != NULL && hport[0] != '\0';
  if (have_host && !parse_range (hport, &hfirst, &hlast))
    return skiff_error_make_status (err, 125, 0, "Invalid hostPort: %s", hport);
  /* a host range for a single container port is the range to pick a free one from */
  if (have_host && last - first != hlast - hfirst && last != first)
    return skiff_error_make_status (
        err, 125, 0, "Invalid ranges specified for container and host Ports: %s and %s", port,
        hport);
  if (!valid_proto (proto))
    return skiff_error_make_status (err, 125, 0, "Invalid proto: %s", proto);
  for (unsigned p = first; p <= last; p++)
    {
      *v = xrealloc (*v, (*n + 1) * sizeof **v);
      struct skiff_port_binding *b = &(*v)[(*n)++];
      memset (b, 0, sizeof *b);
      for (size_t i = 0; proto[i] && i < sizeof b->proto - 1; i++)
        b->proto[i] = (char)(proto[i] | 0x20); /* lowercase */
      b->port = (uint16_t)p;
      strcpy (b->host_ip, ip);
      if (have_host && last - first == hlast - hfirst)
        b->host_port = b->host_port_last = (uint16_t)(hfirst + (p - first));
      else if (have_host)
        b->host_port = (uint16_t)hfirst, b->host_port_last = (uint16_t)hlast;
    }
  return 0;
}

int
skiff_ports_parse_expose (const char *text, char ***keys, struct skiff_error **err)
{
  if (strchr (text, ':') != NULL)
    return skiff_error_make_status (err, 125, 0, "invalid port format for --expose: %s", text);
  _cleanup_free_ char *copy = xstrdup (text);
  char *port;
  const char *proto;
  split_proto (copy, &port, &proto);
  unsigned first, last;
  if (!parse_range (port, &first, &last))
    return skiff_error_make_status (err, 125, 0, "invalid range format for --expose: %s", text);
  if (!valid_proto (proto))
    return skiff_error_make_status (err, 125, 0, "invalid proto: %s", proto);
  for (unsigned p = first; p <= last; p++)
    skiff_strv_push_owned (keys, xasprintf ("%u/%s", p, proto));
  return 0;
}

static int
cmp_key (const void *a, const void *b)
{
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  long px = strtol (x, NULL, 10), py = strtol (y, NULL, 10);
  return px != py ? (px < py ? -1 : 1) : strcmp (x, y);
}

static void
add_exposed (char ***out, const char *key)
{
  if (!skiff_strv_contains (*out, key))
    skiff_strv_push (out, key);
}

int
skiff_ports_config_build (const struct skiff_ports_spec *spec, char *const *image_exposed,
                          struct skiff_ports_config *out, struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  out->publish_all = spec->publish_all;
  int r = 0;
  for (size_t i = 0; r == 0 && spec->publish && spec->publish[i]; i++)
    r = skiff_ports_parse_publish (spec->publish[i], &out->bindings, &out->n, err);
  _cleanup_strv_ char **keys = NULL;
  for (size_t i = 0; r == 0 && spec->expose && spec->expose[i]; i++)
    r = skiff_ports_parse_expose (spec->expose[i], &keys, err);
  if (r < 0)
    {
      skiff_ports_config_clear (out);
      return r;
    }
  for (size_t i = 0; image_exposed && image_exposed[i]; i++)
    add_exposed (&out->exposed, image_exposed[i]);
  for (size_t i = 0; keys && keys[i]; i++)
    add_exposed (&out->exposed, keys[i]);
  for (size_t i = 0; i < out->n; i++)
    {
      _cleanup_free_ char *key = skiff_port_key (&out->bindings[i]);
      add_exposed (&out->exposed, key);
    }
  if (out->exposed)
    qsort (out->exposed, skiff_strv_len (out->exposed), sizeof (char *), cmp_key);
  return 0;
}

int
skiff_ports_spec_check (const struct skiff_ports_spec *spec, struct skiff_error **err)
{
  struct skiff_ports_config cfg;
  int r = skiff_ports_config_build (spec, NULL, &cfg, err);
  if (r == 0)
    skiff_ports_config_clear (&cfg);
  return r;
}

bool
skiff_ports_config_publishes (const struct skiff_ports_config *cfg)
{
  return cfg->n > 0 || (cfg->publish_all && cfg->exposed != NULL);
}

char *
skiff_port_key (const struct skiff_port_binding *b)
{
  return xasprintf ("%u/%s", (unsigned)b->port, b->proto);
}

char *
skiff_port_host_text (const struct skiff_port_binding *b)
{
  const char *ip = b->host_ip[0] ? b->host_ip : "0.0.0.0";
  return strchr (ip, ':') ? xasprintf ("[%s]:%u", ip, (unsigned)b->host_port)
                          : xasprintf ("%s:%u", ip, (unsigned)b->host_port);
}
