/* Names on user-defined networks without a resolver daemon: every running member's
 * /etc/hosts (containers/<id>/hosts, bind-mounted by the sandbox) holds one line per other
 * running member of the user-defined networks it is on, "IP\tname alias...\t# skiff:NET" (the
 * names its lease holds: no container record is read).  On a join or a leave, under the
 * network's lock, the lines tagged for that network in each member's file are replaced and
 * the rest (docker's header, its own name, --add-host, other networks' lines) kept.
 *
 * The file is rewritten in place: the container's bind mount pins its inode, so a file
 * renamed over it would never be seen inside (docker and podman write in place too).  One
 * pwrite of the whole text, then ftruncate: a reader never finds it empty.  The two writers
 * of a container's hosts file (start and this) hold containers/<id>/hosts.lock (a file the
 * container cannot see, so it cannot stall its network's lock). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netdef-internal.h"
#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define TAG "\t# skiff:"
#define HOSTS_MAX (1 << 20) /* a container's hosts file we still read back and rewrite */

static struct skiff_leases
live_leases (struct skiff_store *store, const char *network)
{
  struct skiff_leases l = { 0 };
  _cleanup_free_ char *path = skiff_leases_path (store, network, "leases");
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_leases_read (path, &l, &e) < 0)
    return l;
  size_t keep = 0;
  for (size_t i = 0; i < l.n; i++)
    if (skiff_lease_alive (&l.v[i]))
      l.v[keep++] = l.v[i];
  l.n = keep;
  return l;
}

/* The lines self gets for network: one per other live member (the names its lease holds). */
static void
network_lines (const struct skiff_leases *l, const char *self, const char *network, FILE *out)
{
  for (size_t i = 0; i < l->n; i++)
    {
      char ip[16];
      if (strcmp (l->v[i].id, self) != 0 && l->v[i].names[0])
        fprintf (out, "%s\t%s%s%s\n", skiff_netdef_ip_text (l->v[i].ip, ip), l->v[i].names, TAG,
                 network);
    }
}

/* The file's lines but those tagged for network. */
static void
untagged (const char *text, const char *tag, FILE *out)
{
  for (const char *p = text; *p;)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen (p);
      _cleanup_free_ char *line = xstrndup (p, len);
      size_t n = strlen (line), t = strlen (tag);
      if (n < t || strcmp (line + n - t, tag) != 0)
        fprintf (out, "%s\n", line);
      p += len + (nl ? 1 : 0);
    }
}

int
skiff_network_hosts_lock (const char *dir, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, "hosts.lock");
  return skiff_lock_acquire (path, SKIFF_LOCK_EXCLUSIVE, err);
}

int
skiff_network_hosts_rewrite (const char *dir, const char *text, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, "hosts");
  _cleanup_close_ int fd = open (path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  size_t len = strlen (text);
  ssize_t n = pwrite (fd, text, len, 0);
  if (n < 0 || (size_t)n != len)
    return skiff_error_make (err, n < 0 ? errno : EIO, "write %s", path);
  if (ftruncate (fd, (off_t)len) < 0)
    return skiff_error_make (err, errno, "truncate %s", path);
  return 0;
}

/* The member's file (none: --no-hosts) with network's lines replaced. */
static int
sync_one (struct skiff_store *store, const struct skiff_leases *l, const char *id,
          const char *network, struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("containers/%s", id);
  _cleanup_free_ char *dir = skiff_store_path (store, rel);
  _cleanup_free_ char *path = skiff_path_join (dir, "hosts");
  _cleanup_close_ int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : skiff_error_make (err, errno, "open %s", path);
  int lock = skiff_network_hosts_lock (dir, err);
  if (lock < 0)
    return lock;
  _cleanup_free_ char *old = NULL, *tag = xasprintf ("%s%s", TAG, network);
  struct stat st;
  int r = fstat (fd, &st) < 0 ? skiff_error_make (err, errno, "stat %s", path) : 0;
  /* the container can grow its own file: past the bound it is left as it is (not read) */
  if (r == 0 && st.st_size > HOSTS_MAX)
    r = skiff_error_make (err, EFBIG, "%s: larger than %d bytes, not updated", path, HOSTS_MAX);
  if (r == 0)
    r = skiff_fs_read_fd (fd, path, &old, NULL, err);
  char *text = NULL;
  size_t len = 0;
  FILE *out = r == 0 ? open_memstream (&text, &len) : NULL;
  if (r == 0 && out == NULL)
    abort (); /* only on OOM, as xalloc */
  if (r == 0)
    {
      untagged (old, tag, out);
      network_lines (l, id, network, out);
      fclose (out);
      r = skiff_network_hosts_rewrite (dir, text, err);
    }
  free (text);
  skiff_lock_release (lock);
  return r;
}

void
skiff_network_hosts_sync (struct skiff_store *store, const char *network)
{
  if (strcmp (network, SKIFF_NETWORK_DEFAULT) == 0)
    return; /* docker's default bridge: names only by --link */
  _cleanup_free_ char *lock_path = skiff_leases_path (store, network, "lock");
  struct skiff_error *e = NULL;
  int lock = skiff_lock_acquire (lock_path, SKIFF_LOCK_EXCLUSIVE, &e);
  if (lock < 0)
    {
      skiff_error_log_drop (&e, SKIFF_LOG_WARN);
      return;
    }
  /* a live lease is a running member (also one still starting: its state says so later) */
  struct skiff_leases l = live_leases (store, network);
  for (size_t i = 0; i < l.n; i++)
    if (sync_one (store, &l, l.v[i].id, network, &e) < 0)
      skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  skiff_leases_clear (&l);
  skiff_lock_release (lock);
}
