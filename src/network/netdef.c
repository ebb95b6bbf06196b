/* Network definitions: <root>/networks/NAME.json in podman's shape, read (also the default
 * network's older flat skiff.json), listed, generated for inspect. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netdef-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* sha256("skiff"), as podman's default network's ID is sha256("podman") */
static const char default_id[] = "7985a8b8e1885ff73de4ece8dd8e8ed5280d2cd1422deb1f30f0c6aa1f4e70fc";

void
skiff_netdef_clear (struct skiff_netdef *d)
{
  free (d->created);
  skiff_strv_free (d->labels);
  memset (d, 0, sizeof *d);
}

bool
skiff_netdef_name_valid (const char *text)
{
  size_t n = strlen (text);
  if (n == 0 || n >= sizeof ((struct skiff_netdef *)0)->name || !isalnum ((unsigned char)text[0]))
    return false;
  for (size_t i = 1; i < n; i++)
    if (!isalnum ((unsigned char)text[i]) && strchr ("_.-", text[i]) == NULL)
      return false;
  return true;
}

bool
skiff_netdef_parse_ip (const char *text, uint32_t *out)
{
  struct in_addr a;
  if (text == NULL || inet_pton (AF_INET, text, &a) != 1)
    return false;
  *out = ntohl (a.s_addr);
  return true;
}

bool
skiff_netdef_parse_cidr (const char *text, uint32_t *net, unsigned *plen)
{
  const char *slash = text ? strchr (text, '/') : NULL;
  if (slash == NULL || slash - text > 15)
    return false;
  char ip[16], *end = NULL;
  memcpy (ip, text, (size_t)(slash - text));
  ip[slash - text] = '\0';
  errno = 0;
  unsigned long n = strtoul (slash + 1, &end, 10);
  if (!isdigit ((unsigned char)slash[1]) || *end != '\0' || errno || n > 32
      || !skiff_netdef_parse_ip (ip, net))
    return false;
  *plen = (unsigned)n;
  *net &= n ? ~0u << (32 - n) : 0;
  return true;
}

char *
skiff_netdef_ip_text (uint32_t ip, char buf[16])
{
  struct in_addr a = { .s_addr = htonl (ip) };
  inet_ntop (AF_INET, &a, buf, 16);
  return buf;
}

static int
name_cmp (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static uint32_t
mask_of (unsigned plen)
{
  return plen ? ~0u << (32 - plen) : 0;
}

/* The first subnet object: podman's "subnets" array, or the flat keys of skiff.json. */
static int
parse_subnet (yajl_val root, const char *path, struct skiff_netdef *d, struct skiff_error **err)
{
  yajl_val subnets = skiff_json_get (root, "subnets"), sub = root;
  if (subnets && YAJL_IS_ARRAY (subnets) && subnets->u.array.len > 0)
    sub = subnets->u.array.values[0];
  _cleanup_free_ char *cidr = NULL, *gw = NULL, *first = NULL, *last = NULL;
  yajl_val range = skiff_json_get (sub, "lease_range");
  int r;
  if ((r = skiff_json_get_string (sub, "subnet", path, &cidr, err)) < 0
      || (r = skiff_json_get_string (sub, "gateway", path, &gw, err)) < 0
      || (range && (r = skiff_json_get_string (range, "start_ip", path, &first, err)) < 0)
      || (range && (r = skiff_json_get_string (range, "end_ip", path, &last, err)) < 0))
    return r;
  if (!skiff_netdef_parse_cidr (cidr, &d->subnet, &d->prefix_len) || d->prefix_len < 8
      || d->prefix_len > 30 || !skiff_netdef_parse_ip (gw, &d->gateway)
      || (d->gateway & mask_of (d->prefix_len)) != d->subnet
      || (first && !skiff_netdef_parse_ip (first, &d->range_first))
      || (last && !skiff_netdef_parse_ip (last, &d->range_last)))
    return skiff_error_make (err, 0,
                             "%s: bad network settings (subnet a.b.c.d/8..30, a gateway in "
                             "it, lease_range addresses)",
                             path);
  return 0;
}

/* options.mtu (podman: a string) or mtu (skiff.json: a number) */
static int
parse_mtu (yajl_val root, const char *path, struct skiff_netdef *d, struct skiff_error **err)
{
  yajl_val opts = skiff_json_get (root, "options");
  _cleanup_free_ char *text = NULL;
  int64_t mtu = 1500;
  int r;
  if (opts && YAJL_IS_OBJECT (opts))
    {
      if ((r = skiff_json_get_string (opts, "mtu", path, &text, err)) < 0)
        return r;
      if (text)
        mtu = strtoll (text, NULL, 10);
    }
  else if ((r = skiff_json_get_int (root, "mtu", path, &mtu, err)) < 0)
    return r;
  if (mtu < 576 || mtu > 65535)
    return skiff_error_make (err, 0, "%s: bad network settings (mtu 576..65535)", path);
  d->mtu = (unsigned)mtu;
  return 0;
}

int
skiff_netdef_parse (yajl_val root, const char *path, struct skiff_netdef *d,
                    struct skiff_error **err)
{
  _cleanup_free_ char *name = NULL, *id = NULL, *iface = NULL, *driver = NULL;
  int r;
  memset (d, 0, sizeof *d);
  d->dns_enabled = true;
  if ((r = skiff_json_get_string (root, "name", path, &name, err)) < 0
      || (r = skiff_json_get_string (root, "id", path, &id, err)) < 0
      || (r = skiff_json_get_string (root, "driver", path, &driver, err)) < 0
      || (r = skiff_json_get_string (root, "network_interface", path, &iface, err)) < 0
      || (r = skiff_json_get_string (root, "created", path, &d->created, err)) < 0
      || (r = skiff_json_get_bool (root, "internal", path, &d->internal, err)) < 0
      || (r = skiff_json_get_bool (root, "dns_enabled", path, &d->dns_enabled, err)) < 0
      || (r = skiff_json_get_string_map (root, "labels", path, &d->labels, err)) < 0
      || (r = parse_subnet (root, path, d, err)) < 0 || (r = parse_mtu (root, path, d, err)) < 0)
    return r;
  if (name == NULL || !skiff_netdef_name_valid (name) || iface == NULL || iface[0] == '\0'
      || strlen (iface) >= sizeof d->bridge || strpbrk (iface, "/ \t\n:") != NULL
      || (driver && strcmp (driver, "bridge") != 0)
      || (id && (strlen (id) != 64 || strspn (id, "0123456789abcdef") != 64)))
    return skiff_error_make (err, 0,
                             "%s: bad network settings (name, id of 64 hex digits, driver "
                             "bridge, network_interface)",
                             path);
  snprintf (d->name, sizeof d->name, "%s", name);
  snprintf (d->bridge, sizeof d->bridge, "%s", iface);
  d->is_default = strcmp (name, SKIFF_NETWORK_DEFAULT) == 0;
  snprintf (d->id, sizeof d->id, "%s", id ? id : d->is_default ? default_id : "");
  if (d->id[0] == '\0')
    return skiff_error_make (err, 0, "%s: bad network settings (no id)", path);
  return 0;
}

/* The default network before its first use: what bridge.c will write. */
static void
default_def (struct skiff_netdef *d)
{
  memset (d, 0, sizeof *d);
  snprintf (d->name, sizeof d->name, "%s", SKIFF_NETWORK_DEFAULT);
  snprintf (d->id, sizeof d->id, "%s", default_id);
  snprintf (d->bridge, sizeof d->bridge, "skiff0");
  skiff_netdef_parse_cidr ("10.88.0.0/16", &d->subnet, &d->prefix_len);
  d->gateway = d->subnet + 1;
  d->mtu = 1500;
  d->dns_enabled = false; /* docker's default bridge: no names but --link's */
  d->is_default = true;
}

static int
load_file (struct skiff_store *store, const char *name, struct skiff_netdef *out,
           struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("networks/%s.json", name);
  _cleanup_free_ char *path = skiff_store_path (store, rel);
  bool is_default = strcmp (name, SKIFF_NETWORK_DEFAULT) == 0;
  if (is_default && !skiff_fs_exists (path))
    {
      default_def (out);
      return 0;
    }
  _cleanup_yajl_val_ yajl_val root = NULL;
  int r = skiff_json_parse_file (path, &root, err);
  if (r < 0)
    return r;
  if ((r = skiff_netdef_parse (root, path, out, err)) == 0 && strcmp (out->name, name) != 0)
    r = skiff_error_make (err, 0, "%s: names network \"%s\"", path, out->name);
  if (r == 0 && is_default)
    out->dns_enabled = false;
  if (r < 0)
    skiff_netdef_clear (out);
  return r;
}

int
skiff_netdef_list (struct skiff_store *store, struct skiff_netdef **out, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "networks");
  _cleanup_strv_ char **names = NULL;
  DIR *d = opendir (dir);
  if (d == NULL && errno != ENOENT)
    return skiff_error_make (err, errno, "open %s", dir);
  for (struct dirent *de; d && (errno = 0, de = readdir (d)) != NULL;)
    {
      size_t n = strlen (de->d_name);
      if (n > 5 && strcmp (de->d_name + n - 5, ".json") == 0)
        {
          _cleanup_free_ char *name = xstrndup (de->d_name, n - 5);
          if (skiff_netdef_name_valid (name) && strcmp (name, SKIFF_NETWORK_DEFAULT) != 0)
            skiff_strv_push (&names, name);
        }
    }
  if (d)
    closedir (d);
  size_t n = skiff_strv_len (names);
  if (n > 0) /* qsort's array may not be NULL, even empty */
    qsort (names, n, sizeof *names, name_cmp);
  struct skiff_netdef *v = xzalloc ((n + 2) * sizeof *v);
  int r = load_file (store, SKIFF_NETWORK_DEFAULT, &v[0], err);
  size_t k = 1;
  for (size_t i = 0; r == 0 && i < n; i++)
    {
      struct skiff_error *gone = NULL;
      r = load_file (store, names[i], &v[k], &gone);
      if (r == -ENOENT) /* removed meanwhile */
        skiff_error_free (gone), r = 0;
      else if (r < 0)
        *err = gone;
      else
        k++;
    }
  if (r < 0)
    {
      skiff_netdefs_free (v);
      return r;
    }
  *out = v;
  return 0;
}

void
skiff_netdefs_free (struct skiff_netdef *v)
{
  for (size_t i = 0; v && v[i].name[0]; i++)
    skiff_netdef_clear (&v[i]);
  free (v);
}

int
skiff_netdef_load (struct skiff_store *store, const char *name_or_id, int status_missing,
                   struct skiff_netdef *out, struct skiff_error **err)
{
  if (skiff_netdef_name_valid (name_or_id))
    {
      struct skiff_error *e = NULL;
      int r = load_file (store, name_or_id, out, &e);
      if (r != -ENOENT)
        {
          if (r < 0)
            *err = e;
          return r;
        }
      skiff_error_free (e);
    }
  /* an ID or a unique prefix of one (docker's lookup order: name, then ID) */
  struct skiff_netdef *all = NULL;
  int r = skiff_netdef_list (store, &all, err);
  if (r < 0)
    return r;
  size_t len = strlen (name_or_id), found = 0, at = 0;
  for (size_t i = 0; len > 0 && all[i].name[0]; i++)
    if (strncmp (all[i].id, name_or_id, len) == 0)
      found++, at = i;
  if (found == 1)
    {
      *out = all[at];
      memset (&all[at], 0, sizeof all[at]);
      all[at].name[0] = 'x'; /* keeps the list's end where it was */
      skiff_netdefs_free (all);
      return 0;
    }
  skiff_netdefs_free (all);
  if (found > 1)
    return skiff_error_make_status (err, status_missing, 0,
                                    "network %s is ambiguous (%zu matches found based on ID "
                                    "prefix)",
                                    name_or_id, found);
  return (skiff_error_make_status (err, status_missing, 0, "network %s not found", name_or_id),
          -ENOENT);
}

void
skiff_netdef_info (const struct skiff_netdef *d, struct skiff_network_info *out)
{
  memset (out, 0, sizeof *out);
  snprintf (out->name, sizeof out->name, "%s", d->name);
  snprintf (out->bridge, sizeof out->bridge, "%s", d->bridge);
  out->subnet = d->subnet;
  out->prefix_len = d->prefix_len;
  out->gateway = d->gateway;
  out->mtu = d->mtu;
  out->range_first = d->range_first;
  out->range_last = d->range_last;
  out->internal = d->internal;
}

static void
gen_subnet (yajl_gen g, const struct skiff_netdef *d, bool go)
{
  char a[16], b[16];
  skiff_json_gen_key (g, go ? "Subnets" : "subnets");
  yajl_gen_array_open (g);
  yajl_gen_map_open (g);
  _cleanup_free_ char *cidr
      = xasprintf ("%s/%u", skiff_netdef_ip_text (d->subnet, a), d->prefix_len);
  skiff_json_gen_key_string (g, go ? "Subnet" : "subnet", cidr);
  skiff_json_gen_key_string (g, go ? "Gateway" : "gateway", skiff_netdef_ip_text (d->gateway, a));
  if (d->range_first)
    {
      skiff_json_gen_key (g, go ? "LeaseRange" : "lease_range");
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, go ? "StartIP" : "start_ip",
                                 skiff_netdef_ip_text (d->range_first, a));
      skiff_json_gen_key_string (g, go ? "EndIP" : "end_ip",
                                 skiff_netdef_ip_text (d->range_last, b));
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
  yajl_gen_array_close (g);
}

void
skiff_netdef_gen_fields (yajl_gen g, const struct skiff_netdef *d, bool go, bool full_id)
{
  char *none[] = { NULL };
  skiff_json_gen_key_string (g, go ? "Name" : "name", d->name);
  char id[65];
  memcpy (id, d->id, sizeof id);
  if (!full_id)
    id[12] = '\0';
  skiff_json_gen_key_string (g, go ? "ID" : "id", id);
  skiff_json_gen_key_string (g, go ? "Driver" : "driver", "bridge");
  skiff_json_gen_key_string (g, go ? "NetworkInterface" : "network_interface", d->bridge);
  skiff_json_gen_key_string (g, go ? "Created" : "created", d->created ? d->created : "");
  gen_subnet (g, d, go);
  skiff_json_gen_key_bool (g, go ? "IPv6Enabled" : "ipv6_enabled", false);
  skiff_json_gen_key_bool (g, go ? "Internal" : "internal", d->internal);
  skiff_json_gen_key_bool (g, go ? "DNSEnabled" : "dns_enabled", d->dns_enabled);
  skiff_json_gen_key_map (g, go ? "Labels" : "labels", d->labels ? d->labels : none);
  _cleanup_free_ char *mtu = xasprintf ("%u", d->mtu);
  char *opts[] = { (char *)"mtu", mtu, NULL };
  skiff_json_gen_key_map (g, go ? "Options" : "options", opts);
  char *ipam[] = { (char *)"driver", (char *)"host-local", NULL };
  skiff_json_gen_key_map (g, go ? "IPAMOptions" : "ipam_options", ipam);
}

void
skiff_netdef_gen (yajl_gen g, const struct skiff_netdef *d, bool go)
{
  yajl_gen_map_open (g);
  skiff_netdef_gen_fields (g, d, go, true);
  yajl_gen_map_close (g);
}
