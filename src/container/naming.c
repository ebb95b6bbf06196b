/* Container names: docker's validation, random "<adjective>_<surname>" names, and atomic
 * uniqueness through symlink(2) in <root>/names/containers. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "naming-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

static bool
is_name_char (char c, bool first)
{
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  return !first && (c == '_' || c == '.' || c == '-');
}

int
skiff_container_name_validate (const char *name, struct skiff_error **err)
{
  bool ok = strlen (name) >= 2;
  for (size_t i = 0; ok && name[i]; i++)
    ok = is_name_char (name[i], i == 0);
  if (!ok)
    return skiff_error_make_status (
        err, 125, 0, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
        name);
  /* docker has no bound; ours is the name's symlink in names/containers */
  if (strlen (name) > SKIFF_CONTAINER_NAME_MAX)
    return skiff_error_make_status (
        err, 125, 0, "Invalid container name (%s), at most %d characters are allowed", name,
        SKIFF_CONTAINER_NAME_MAX);
  return 0;
}

static size_t
count (const char *const *v)
{
  size_t n = 0;
  while (v[n])
    n++;
  return n;
}

static unsigned
random_below (unsigned n)
{
  unsigned r = 0;
  /* GRND_NONBLOCK: a name needs no cryptographic quality; fall back to the clock. */
  if (getrandom (&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
    r = (unsigned)getpid () * 2654435761u ^ (unsigned)time (NULL);
  return r % n;
}

char *
skiff_container_name_random (void)
{
  for (;;)
    {
      const char *adj = skiff_name_adjectives[random_below (count (skiff_name_adjectives))];
      const char *sur = skiff_name_surnames[random_below (count (skiff_name_surnames))];
      /* Steve Wozniak is not boring (docker's rule). */
      if (strcmp (adj, "boring") == 0 && strcmp (sur, "wozniak") == 0)
        continue;
      return xasprintf ("%s_%s", adj, sur);
    }
}

static char *
name_link_path (struct skiff_store *store, const char *name)
{
  _cleanup_free_ char *rel = xasprintf ("names/containers/%s", name);
  return skiff_store_path (store, rel);
}

char *
skiff_container_creating_prefix (const char *id)
{
  return xasprintf ("ctr.%s", id);
}

bool
skiff_container_name_owner_holds (struct skiff_store *store, const char *id)
{
  /* The creator first (it renames its temp dir into containers/ when done): checked the other
   * way round, a creation finishing in between would look like none. */
  _cleanup_free_ char *prefix = skiff_container_creating_prefix (id);
  if (skiff_store_temp_in_use (store, prefix))
    return true;
  _cleanup_free_ char *rel = xasprintf ("containers/%s/config.json", id);
  _cleanup_free_ char *cfg = skiff_store_path (store, rel);
  return skiff_fs_exists (cfg);
}

int
skiff_container_read_link (const char *path, char **target, struct skiff_error **err)
{
  char buf[PATH_MAX];
  ssize_t n = readlink (path, buf, sizeof buf - 1);
  if (n < 0)
    return errno == ENOENT ? -ENOENT : skiff_error_make (err, errno, "readlink %s", path);
  buf[n] = '\0';
  *target = xstrdup (buf);
  return 0;
}

int
skiff_container_names_lock (struct skiff_store *store, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_store_path (store, "names/containers.lock");
  return skiff_lock_acquire (path, SKIFF_LOCK_EXCLUSIVE, err);
}

static int
reclaim_locked (struct skiff_store *store, const char *name, const char *id, char **owner,
                struct skiff_error **err)
{
  _cleanup_free_ char *path = name_link_path (store, name);
  for (int attempt = 0; attempt < 3; attempt++)
    {
      _cleanup_free_ char *target = NULL;
      int r = skiff_container_read_link (path, &target, err);
      if (r == 0 && skiff_container_name_owner_holds (store, target))
        {
          *owner = steal_ptr (&target);
          return -EEXIST;
        }
      if (r == 0 && unlink (path) < 0 && errno != ENOENT)
        return skiff_error_make (err, errno, "unlink %s", path);
      if (r < 0 && r != -ENOENT)
        return r;
      if (id == NULL)
        return 0;
      /* creators reserve without the lock: one may get in between */
      if (symlink (id, path) == 0)
        return 0;
      if (errno != EEXIST)
        return skiff_error_make (err, errno, "symlink %s", path);
    }
  *owner = xstrdup ("");
  return -EEXIST;
}

int
skiff_container_name_reclaim (struct skiff_store *store, const char *name, const char *id,
                              char **owner, struct skiff_error **err)
{
  int lock = skiff_container_names_lock (store, err);
  if (lock < 0)
    return lock;
  int r = reclaim_locked (store, name, id, owner, err);
  skiff_lock_release (lock);
  return r;
}

static int
name_unlink_if (struct skiff_store *store, const char *name, const char *id, const char *trash,
                struct skiff_error **err)
{
  int lock = skiff_container_names_lock (store, err);
  if (lock < 0)
    return lock;
  _cleanup_free_ char *path = name_link_path (store, name);
  _cleanup_free_ char *target = NULL;
  int r = skiff_container_read_link (path, &target, NULL);
  bool ours = id ? r == 0 && strcmp (target, id) == 0 : r == -EINVAL;
  r = 0;
  _cleanup_free_ char *dst = trash ? skiff_path_join (trash, "name") : NULL;
  if (ours && dst && rename (path, dst) == 0)
    ;
  else if (ours && unlink (path) < 0 && errno != ENOENT)
    r = skiff_error_make (err, errno, "unlink %s", path);
  skiff_lock_release (lock);
  return r;
}

int
skiff_container_name_unlink_if (struct skiff_store *store, const char *name, const char *id,
                                struct skiff_error **err)
{
  return name_unlink_if (store, name, id, NULL, err);
}

/* A link is dangling when neither a record nor a live creator is behind it (a killed create,
 * an interrupted remove): it is reclaimed under the names lock, so that two reclaimers cannot
 * both win and a release cannot unlink what a reclaimer just linked.  0 reserved, -EEXIST taken
 * (*owner set, err untouched), other < 0 with err. */
static int
try_reserve (struct skiff_store *store, const char *name, const char *id, char **owner,
             struct skiff_error **err)
{
  _cleanup_free_ char *path = name_link_path (store, name);
  if (symlink (id, path) == 0)
    return 0;
  if (errno != EEXIST)
    return skiff_error_make (err, errno, "symlink %s", path);
  _cleanup_free_ char *target = NULL;
  int r = skiff_container_read_link (path, &target, err);
  if (r < 0 && r != -ENOENT)
    return r;
  _cleanup_free_ char *rel = r == 0 ? xasprintf ("containers/%s/config.json", target) : NULL;
  _cleanup_free_ char *cfg = rel ? skiff_store_path (store, rel) : NULL;
  if (cfg && skiff_fs_exists (cfg)) /* the usual conflict: no lock needed */
    {
      *owner = steal_ptr (&target);
      return -EEXIST;
    }
  return skiff_container_name_reclaim (store, name, id, owner, err);
}

int
skiff_container_name_reserve (struct skiff_store *store, const char *name, const char *id,
                              struct skiff_error **err)
{
  _cleanup_free_ char *owner = NULL;
  int r = skiff_container_name_validate (name, err);
  if (r < 0)
    return r;
  r = try_reserve (store, name, id, &owner, err);
  if (r != -EEXIST)
    return r;
  skiff_error_make_status (
      err, 125, 0,
      "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to "
      "remove (or rename) that container to be able to reuse that name.",
      name, owner);
  if (err != NULL && *err != NULL)
    (*err)->errnum = EEXIST; /* --replace retries on it */
  return -EEXIST;
}

int
skiff_container_name_reserve_random (struct skiff_store *store, const char *id, char **out,
                                     struct skiff_error **err)
{
  _cleanup_free_ char *base = skiff_container_name_random ();
  for (int i = 0; i < 7; i++)
    {
      _cleanup_free_ char *owner = NULL;
      _cleanup_free_ char *name
          = i == 0 ? xstrdup (base) : xasprintf ("%s%u", base, random_below (10));
      if (i == 6) /* docker gives up on words after a few collisions */
        {
          free (name);
          name = xstrndup (id, SKIFF_CONTAINER_SHORT_ID_LEN);
        }
      int r = try_reserve (store, name, id, &owner, err);
      if (r == 0)
        {
          *out = steal_ptr (&name);
          return 0;
        }
      if (r != -EEXIST)
        return r;
    }
  return skiff_error_make_status (err, 125, 0, "cannot find a free name for container %s", id);
}

void
skiff_container_name_release (struct skiff_store *store, const char *name, const char *id)
{
  /* Under the names lock: read-and-unlink is not atomic, and a reclaimer may replace the link
   * in between (ours is dangling once the record is gone).  Unlocked, it could unlink the
   * new owner's link and leave its name free for a second container. */
  skiff_container_name_release_into (store, name, id, NULL);
}

void
skiff_container_name_release_into (struct skiff_store *store, const char *name, const char *id,
                                   const char *trash)
{
  _cleanup_error_ struct skiff_error *e = NULL;
  if (name_unlink_if (store, name, id, trash, &e) < 0)
    skiff_error_log_dropf (&e, SKIFF_LOG_WARN, "cannot release the name %s", name);
}
