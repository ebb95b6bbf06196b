#include "skiff/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

static char *
default_root (bool rootless)
{
  if (!rootless)
    return xstrdup ("/var/lib/skiff");
  const char *xdg = getenv ("XDG_DATA_HOME");
  if (xdg && *xdg == '/')
    return xasprintf ("%s/skiff", xdg);
  const char *home = getenv ("HOME");
  return xasprintf ("%s/.local/share/skiff", home && *home ? home : "/tmp");
}

static char *
default_runroot (bool rootless)
{
  if (!rootless)
    return xstrdup ("/run/skiff");
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (xdg && *xdg == '/')
    return xasprintf ("%s/skiff", xdg);
  return NULL; /* fallback_runroot */
}

/* Rootless without XDG_RUNTIME_DIR: $TMPDIR/skiff-run-UID (podman's podman-run-UID), used only
 * if it is our own directory, not a symlink, with no access for others (podman: u=rwx,
 * no group/other read or write).  Anyone may create that name in /tmp first: a directory that
 * another user owns or may write is refused (they could move our containers' files away). */
static int
fallback_runroot (char **out, struct skiff_error **err)
{
  const char *tmp = getenv ("TMPDIR");
  _cleanup_free_ char *dir = xasprintf ("%s/skiff-run-%u", tmp && *tmp == '/' ? tmp : "/tmp",
                                        (unsigned)skiff_userns_host_uid ());
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return skiff_error_make (err, errno, "create the runtime directory %s", dir);
  struct stat st;
  if (lstat (dir, &st) < 0)
    return skiff_error_make (err, errno, "stat %s", dir);
  if (!S_ISDIR (st.st_mode) || st.st_uid != geteuid () || (st.st_mode & 0700) != 0700
      || (st.st_mode & 0066) != 0)
    return skiff_error_make (err, 0,
                             "runtime directory %s (XDG_RUNTIME_DIR is not set) is not a "
                             "directory of uid %u with mode 0700: remove it or set "
                             "XDG_RUNTIME_DIR",
                             dir, (unsigned)skiff_userns_host_uid ());
  *out = steal_ptr (&dir);
  return 0;
}

int
skiff_store_open (struct skiff_store *store, const struct skiff_store_options *opts,
                  struct skiff_error **err)
{
  static const char *const subdirs[]
      = { "blobs/sha256", "layers",           "images", "names/images",
          "containers",   "names/containers", "tmp" };
  memset (store, 0, sizeof *store);
  store->lock_fd = -1;
  store->rootless = skiff_userns_is_rootless ();
  store->root = opts && opts->root ? xstrdup (opts->root) : default_root (store->rootless);
  store->runroot
      = opts && opts->runroot ? xstrdup (opts->runroot) : default_runroot (store->rootless);
  if (store->runroot == NULL)
    {
      int r = fallback_runroot (&store->runroot, err);
      if (r < 0)
        {
          skiff_store_close (store); /* a failed open leaves nothing to close */
          return r;
        }
    }

  /* Fast path: an existing store needs no mkdir storm on every command. */
  _cleanup_free_ char *marker = skiff_path_join (store->root, "tmp");
  if (!skiff_fs_exists (marker))
    for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++)
      {
        _cleanup_free_ char *p = skiff_path_join (store->root, subdirs[i]);
        int r = skiff_fs_mkdir_p (p, 0700, err);
        if (r < 0)
          {
            r = skiff_error_prefix (err, "initialise store %s", store->root);
            skiff_store_close (store);
            return r;
          }
      }
  _cleanup_free_ char *runc = skiff_path_join (store->runroot, "containers");
  if (!skiff_fs_exists (runc))
    {
      int r = skiff_fs_mkdir_p (runc, 0700, err);
      if (r < 0)
        {
          r = skiff_error_prefix (err, "initialise run directory %s", store->runroot);
          skiff_store_close (store);
          return r;
        }
    }
  return 0;
}

void
skiff_store_close (struct skiff_store *store)
{
  skiff_store_unlock (store);
  free (store->root);
  free (store->runroot);
  store->root = store->runroot = NULL;
}

int
skiff_store_lock (struct skiff_store *store, struct skiff_error **err)
{
  if (store->lock_fd >= 0)
    return 0;
  _cleanup_free_ char *path = skiff_path_join (store->root, "lock");
  int fd = skiff_lock_acquire (path, SKIFF_LOCK_EXCLUSIVE, err);
  if (fd < 0)
    return fd;
  store->lock_fd = fd;
  return 0;
}

void
skiff_store_unlock (struct skiff_store *store)
{
  skiff_lock_release (store->lock_fd);
  store->lock_fd = -1;
}

char *
skiff_store_path (const struct skiff_store *store, const char *rel)
{
  return skiff_path_join (store->root, rel);
}

char *
skiff_store_runpath (const struct skiff_store *store, const char *rel)
{
  return skiff_path_join (store->runroot, rel);
}

int
skiff_store_mktemp (struct skiff_store *store, const char *prefix, char **out,
                    struct skiff_error **err)
{
  _cleanup_free_ char *tmpl
      = xasprintf ("%s/tmp/%s-%d-XXXXXX", store->root, prefix, (int)getpid ());
  if (mkdtemp (tmpl) == NULL)
    return skiff_error_make (err, errno, "mkdtemp %s", tmpl);
  *out = steal_ptr (&tmpl);
  return 0;
}

/* Temp names are <prefix>-<pid>-<random>: a dir whose pid is gone is a leftover. */
bool
skiff_store_temp_alive (const char *name)
{
  const char *dash = strchr (name, '-');
  if (dash == NULL)
    return false;
  long pid = strtol (dash + 1, NULL, 10);
  if (pid <= 0)
    return false;
  if (kill ((pid_t)pid, 0) < 0 && errno != EPERM)
    return false;
  /* A killed command is a zombie until its parent reaps it: dead all the same. */
  char path[32], buf[512];
  snprintf (path, sizeof path, "/proc/%ld/stat", pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return true; /* cannot tell: keep it */
  buf[n] = '\0';
  const char *paren = strrchr (buf, ')');
  return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

bool
skiff_store_temp_in_use (struct skiff_store *store, const char *prefix)
{
  _cleanup_free_ char *tmpdir = skiff_path_join (store->root, "tmp");
  _cleanup_closedir_ DIR *d = opendir (tmpdir);
  size_t len = strlen (prefix);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    if (strncmp (de->d_name, prefix, len) == 0 && de->d_name[len] == '-'
        && skiff_store_temp_alive (de->d_name))
      return true;
  return false;
}

/* Cheap when there is nothing to do (every command calls it): one getdents of tmp/. */
void
skiff_store_reap_temp (struct skiff_store *store)
{
  _cleanup_free_ char *tmpdir = skiff_path_join (store->root, "tmp");
  _cleanup_closedir_ DIR *d = opendir (tmpdir);
  if (d == NULL)
    return;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || skiff_store_temp_alive (de->d_name))
        continue;
      _cleanup_free_ char *p = skiff_path_join (tmpdir, de->d_name);
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_fs_rm_rf (p, &e) < 0)
        skiff_error_log_dropf (&e, SKIFF_LOG_WARN, "cannot remove leftover %s", p);
      else
        log_debug ("removed leftover %s", p);
    }
}

int
skiff_store_discard (struct skiff_store *store, const char *prefix, const char *path,
                     struct skiff_error **err)
{
  _cleanup_free_ char *tmp = NULL;
  int r = skiff_store_mktemp (store, prefix, &tmp, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *dest = skiff_path_join (tmp, "x");
  if (rename (path, dest) < 0 && errno != ENOENT)
    r = skiff_error_make (err, errno, "rename %s to %s", path, dest);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_rm_rf (tmp, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  return r;
}
