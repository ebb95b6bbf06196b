/* A network's lease file: one line "IP ID PID STARTTIME" per address in use, the holder being
 * the container's PID 1.  Read and rewritten (temp + rename) under the network's flock, so
 * concurrent starts never hand out one address twice.  Not fsync'd: a lease only means
 * something while its process lives, and a crash of the machine ends every holder. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/netdef.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

char *
skiff_leases_path (struct skiff_store *store, const char *network, const char *suffix)
{
  _cleanup_free_ char *rel = xasprintf ("networks/%s.%s", network, suffix);
  return skiff_store_path (store, rel);
}

static bool
parse_line (const char *line, size_t len, struct skiff_lease *l)
{
  char ip[16], id[65], mac[18];
  int pid;
  unsigned long long start;
  _cleanup_free_ char *copy = xstrndup (line, len);
  struct in_addr a;
  int rest = 0;
  int n = sscanf (copy, "%15s %64s %d %llu %17s %n", ip, id, &pid, &start, mac, &rest);
  if (n < 4 || pid <= 0 || strlen (id) != SKIFF_CONTAINER_ID_LEN
      || inet_pton (AF_INET, ip, &a) != 1)
    return false;
  memset (l, 0, sizeof *l);
  l->ip = ntohl (a.s_addr);
  memcpy (l->id, id, sizeof l->id);
  l->pid = pid;
  l->start = start;
  /* a fifth field: the MAC address --mac-address gave (else it follows from the address) */
  l->has_mac = n == 5 && skiff_network_mac_parse (mac, l->mac);
  /* then the names the members' hosts files give it (each checked: they go into those) */
  if (n == 5 && rest > 0 && skiff_lease_names_valid (copy + rest))
    snprintf (l->names, sizeof l->names, "%s", copy + rest);
  return true;
}

int
skiff_leases_read (const char *path, struct skiff_leases *out, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  struct skiff_error *e = NULL;
  memset (out, 0, sizeof *out);
  int r = skiff_fs_read_file (path, &text, NULL, &e);
  if (r == -ENOENT)
    {
      skiff_error_free (e);
      return 0;
    }
  if (r < 0)
    {
      *err = e;
      return r;
    }
  size_t cap = 0;
  for (const char *p = text; *p;)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen (p);
      struct skiff_lease l;
      if (parse_line (p, len, &l))
        {
          if (out->n == cap)
            out->v = xrealloc (out->v, (cap = cap ? cap * 2 : 16) * sizeof *out->v);
          out->v[out->n++] = l;
        }
      p += len + (nl ? 1 : 0);
    }
  return 0;
}

int
skiff_leases_write (const char *path, const struct skiff_leases *l, struct skiff_error **err)
{
  size_t cap = l->n * (130 + sizeof l->v[0].names) + 1, n = 0;
  _cleanup_free_ char *text = xmalloc (cap);
  text[0] = '\0';
  for (size_t i = 0; i < l->n; i++)
    {
      struct in_addr a = { .s_addr = htonl (l->v[i].ip) };
      char ip[INET_ADDRSTRLEN];
      inet_ntop (AF_INET, &a, ip, sizeof ip);
      const unsigned char *m = l->v[i].mac;
      n += (size_t)snprintf (text + n, cap - n, "%s %s %d %llu", ip, l->v[i].id, (int)l->v[i].pid,
                             l->v[i].start);
      if (l->v[i].has_mac)
        n += (size_t)snprintf (text + n, cap - n, " %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
                               m[2], m[3], m[4], m[5]);
      else if (l->v[i].names[0])
        n += (size_t)snprintf (text + n, cap - n, " -");
      if (l->v[i].names[0])
        n += (size_t)snprintf (text + n, cap - n, " %s", l->v[i].names);
      text[n++] = '\n';
      text[n] = '\0';
    }
  return skiff_fs_write_atomic (path, text, n, 0600, 0, err);
}

void
skiff_leases_clear (struct skiff_leases *l)
{
  free (l->v);
  memset (l, 0, sizeof *l);
}

bool
skiff_lease_names_valid (const char *text)
{
  _cleanup_free_ char *copy = xstrdup (text);
  char *save = NULL;
  size_t words = 0;
  for (char *w = strtok_r (copy, " ", &save); w; w = strtok_r (NULL, " ", &save), words++)
    if (!skiff_netdef_name_valid (w))
      return false;
  return words > 0 && strlen (text) < sizeof ((struct skiff_lease *)0)->names;
}

bool
skiff_lease_alive (const struct skiff_lease *l)
{
  return skiff_container_pid_alive (l->pid, l->start);
}

static bool
taken (const struct skiff_leases *l, uint32_t ip)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].ip == ip)
      return true;
  return false;
}

uint32_t
skiff_leases_want (const struct skiff_leases *l, const struct skiff_network_info *info,
                   uint32_t want, struct skiff_error **err)
{
  uint32_t mask = ~0u << (32 - info->prefix_len);
  char text[INET_ADDRSTRLEN];
  struct in_addr a = { .s_addr = htonl (want) };
  inet_ntop (AF_INET, &a, text, sizeof text);
  if ((want & mask) != info->subnet || want == info->subnet || want == (info->subnet | ~mask)
      || want == info->gateway)
    return (skiff_error_make_status (err, 125, 0,
                                     "requested address %s is not a host address of network "
                                     "%s's subnet",
                                     text, info->name),
            0);
  if (taken (l, want))
    return (skiff_error_make_status (err, 125, 0,
                                     "requested address %s is already in use on network %s", text,
                                     info->name),
            0);
  return want;
}

uint32_t
skiff_leases_pick (const struct skiff_leases *l, const struct skiff_network_info *info)
{
  uint32_t mask = ~0u << (32 - info->prefix_len);
  uint32_t first = (info->subnet & mask) + 1, last = (info->subnet | ~mask) - 1;
  if (info->range_first && info->range_first > first)
    first = info->range_first;
  if (info->range_last && info->range_last < last)
    last = info->range_last;
  for (uint32_t ip = first; ip <= last && ip > info->subnet; ip++)
    if (ip != info->gateway && !taken (l, ip))
      return ip;
  return 0;
}
