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

/* A link whose container directory is gone was left by an interrupted remove. */
static bool
link_is_stale (struct skiff_store *store, const char *target)
{
  _cleanup_free_ char *rel = xasprintf ("containers/%s", target);
  _cleanup_free_ char *dir = skiff_store_path (store, rel);
  return !skiff_fs_exists (dir);
}

/* 0 reserved, -EEXIST taken (*owner set, err untouched), other < 0 with err. */
static int
try_reserve (struct skiff_store *store, const char *name, const char *id, char **owner,
             struct skiff_error **err)
{
  _cleanup_free_ char *path = name_link_path (store, name);
  for (int attempt = 0; attempt < 2; attempt++)
    {
      if (symlink (id, path) == 0)
        return 0;
      if (errno != EEXIST)
        return skiff_error_make (err, errno, "symlink %s", path);
      char target[PATH_MAX];
      ssize_t n = readlink (path, target, sizeof target - 1);
      if (n < 0)
        {
          if (errno == ENOENT)
            continue; /* released meanwhile */
          return skiff_error_make (err, errno, "readlink %s", path);
        }
      target[n] = '\0';
      if (attempt == 0 && link_is_stale (store, target) && unlink (path) == 0)
        continue;
      *owner = xstrdup (target);
      return -EEXIST;
    }
  *owner = xstrdup ("");
  return -EEXIST;
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
  if (r == -EEXIST)
    return skiff_error_make_status (
        err, 125, 0,
        "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to "
        "remove (or rename) that container to be able to reuse that name.",
        name, owner);
  return r;
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
  _cleanup_free_ char *path = name_link_path (store, name);
  char target[PATH_MAX];
  ssize_t n = readlink (path, target, sizeof target - 1);
  if (n < 0)
    return;
  target[n] = '\0';
  if (strcmp (target, id) == 0)
    (void)unlink (path);
}
