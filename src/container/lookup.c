/* Resolving what the user typed to a container ID: full ID, name, unique ID prefix. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "naming-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static bool
container_exists (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *rel = xasprintf ("containers/%s/config.json", id);
  _cleanup_free_ char *path = skiff_store_path (store, rel);
  return skiff_fs_exists (path);
}

static int
not_found (const char *text, struct skiff_error **err)
{
  /* -ENOENT, which --ignore looks for; the message is docker's, without strerror */
  skiff_error_make_status (err, 125, 0, "No such container: %s", text);
  if (err != NULL && *err != NULL)
    (*err)->errnum = ENOENT;
  return -ENOENT;
}

static char *
name_target (struct skiff_store *store, const char *name)
{
  if (strchr (name, '/') || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return NULL;
  _cleanup_free_ char *rel = xasprintf ("names/containers/%s", name);
  _cleanup_free_ char *path = skiff_store_path (store, rel);
  char *target = NULL;
  skiff_container_read_link (path, &target, NULL);
  return target;
}

int
skiff_container_lookup (struct skiff_store *store, const char *text, char **id_out,
                        struct skiff_error **err)
{
  size_t len = strlen (text);
  bool hex = len > 0 && strspn (text, "0123456789abcdef") == len;
  if (hex && len == SKIFF_CONTAINER_ID_LEN && container_exists (store, text))
    {
      *id_out = xstrdup (text);
      return 0;
    }
  /* docker accepts "/name" */
  _cleanup_free_ char *target = name_target (store, text[0] == '/' ? text + 1 : text);
  if (target && container_exists (store, target))
    {
      *id_out = steal_ptr (&target);
      return 0;
    }
  if (!hex)
    return not_found (text, err);

  _cleanup_strv_ char **ids = NULL;
  int r = skiff_container_list_ids (store, &ids, err);
  if (r < 0)
    return r;
  const char *match = NULL;
  for (size_t i = 0; ids[i]; i++)
    if (strncmp (ids[i], text, len) == 0)
      {
        if (match)
          return skiff_error_make_status (err, 125, 0,
                                          "multiple IDs found with provided prefix: %s", text);
        match = ids[i];
      }
  if (match == NULL)
    return not_found (text, err);
  *id_out = xstrdup (match);
  return 0;
}
