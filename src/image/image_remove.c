/* tag, untag, rmi, prune. */
#include "image-internal.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define EXIT_CONFLICT 2

void
skiff_image_removal_clear (struct skiff_image_removal *r)
{
  skiff_strv_free (r->untagged);
  skiff_strv_free (r->deleted);
  memset (r, 0, sizeof *r);
}

static int
normalise (const char *ref, char **out, struct skiff_error **err)
{
  struct skiff_reference parsed;
  int r = skiff_reference_parse (ref, &parsed, err);
  if (r < 0)
    return r;
  *out = skiff_reference_string (&parsed);
  skiff_reference_clear (&parsed);
  return 0;
}

int
skiff_image_tag (struct skiff_store *store, const char *source, const char *ref,
                 struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_free_ char *name = NULL;
  int r = normalise (ref, &name, err);
  /* lookup under the lock: an rmi between the two would leave the name pointing nowhere */
  if (r == 0)
    r = skiff_store_lock (store, err);
  if (r < 0)
    return r;
  r = skiff_image_lookup (store, source, &img, err);
  if (r == 0)
    r = skiff_image_set_name_locked (store, img->id, name, err);
  skiff_store_unlock (store);
  return r;
}

/* The name of img that text refers to (docker normalisation, then localhost/), or NULL. */
static const char *
matching_name (const struct skiff_image *img, const char *text)
{
  _cleanup_error_ struct skiff_error *e = NULL;
  _cleanup_free_ char *n1 = NULL;
  _cleanup_free_ char *local = xasprintf ("localhost/%s", text);
  _cleanup_free_ char *n2 = NULL;
  if (normalise (text, &n1, &e) < 0)
    return NULL;
  if (strchr (text, '/') == NULL)
    normalise (local, &n2, &e);
  for (size_t i = 0; img->names && img->names[i]; i++)
    if (strcmp (img->names[i], n1) == 0 || (n2 && strcmp (img->names[i], n2) == 0))
      return img->names[i];
  return NULL;
}

static int
untag_locked (struct skiff_store *store, struct skiff_image *img, const char *name, char ***removed,
              struct skiff_error **err)
{
  int r = skiff_image_drop_name_locked (store, img->id, name, err);
  if (r == 0 && removed)
    skiff_strv_push (removed, name);
  return r;
}

int
skiff_image_untag (struct skiff_store *store, const char *source, const char *ref, char ***removed,
                   struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_store_lock (store, err); /* the names read are the names removed */
  if (r == 0)
    r = skiff_image_lookup (store, source, &img, err);
  _cleanup_strv_ char **names = NULL;
  if (r == 0 && ref)
    {
      const char *n = matching_name (img, ref);
      if (n == NULL)
        r = skiff_error_make (err, 0, "%s: tag not known", ref);
      else
        skiff_strv_push (&names, n);
    }
  else if (r == 0)
    names = skiff_strv_dup (img->names);
  for (size_t i = 0; r == 0 && names && names[i]; i++)
    r = untag_locked (store, img, names[i], removed, err);
  skiff_store_unlock (store);
  return r;
}

static bool
json_string_is (yajl_val v, const char *want)
{
  return v && YAJL_IS_STRING (v) && v->u.string && strcmp (v->u.string, want) == 0;
}

char *
skiff_image_user (struct skiff_store *store, const char *image_id, bool *running)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "containers");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  char *found = NULL;
  *running = false;
  while (d && (de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      _cleanup_free_ char *cfg = xasprintf ("%s/%s/config.json", dir, de->d_name);
      _cleanup_free_ char *st = xasprintf ("%s/%s/state.json", dir, de->d_name);
      _cleanup_yajl_val_ yajl_val c = NULL;
      _cleanup_yajl_val_ yajl_val s = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_json_parse_file (cfg, &c, &e) < 0
          || !json_string_is (skiff_json_get (c, "Image"), image_id))
        continue;
      free (found);
      found = xstrdup (de->d_name);
      yajl_val pid;
      if (skiff_json_parse_file (st, &s, &e) == 0
          && json_string_is (skiff_json_get (s, "Status"), "running")
          && (pid = skiff_json_get (s, "Pid")) && YAJL_IS_INTEGER (pid)
          && kill ((pid_t)YAJL_GET_INTEGER (pid), 0) == 0)
        {
          *running = true;
          break;
        }
    }
  return found;
}

static int
untag_all_locked (struct skiff_store *store, struct skiff_image *img,
                  struct skiff_image_removal *out, struct skiff_error **err)
{
  for (size_t i = 0; img->names && img->names[i]; i++)
    {
      int r = untag_locked (store, img, img->names[i], &out->untagged, err);
      if (r < 0)
        return r;
    }
  skiff_strv_free (img->names);
  img->names = NULL;
  return 0;
}

/* Removes the record and names of img, then unused layers; caller holds the lock.  With a
 * (stopped) container using img, the record stays behind a "removed" marker for it. */
static int
delete_locked (struct skiff_store *store, struct skiff_image *img, bool used,
               struct skiff_image_removal *out, struct skiff_error **err)
{
  int r = untag_all_locked (store, img, out, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *rel = xasprintf ("images/%s", img->id);
  _cleanup_free_ char *dir = skiff_store_path (store, rel);
  _cleanup_free_ char *marker = skiff_path_join (dir, "removed");
  if (used)
    r = skiff_fs_write_atomic (marker, "", 0, 0600, SKIFF_WRITE_DURABLE, err);
  else
    r = skiff_image_discard (store, dir, err);
  if (r < 0)
    return r;
  skiff_strv_push (&out->deleted, img->id);
  return skiff_image_gc_locked (store, &out->reclaimed, err);
}

/* text names img by ID (full or prefix, with or without "sha256:"), not by a name. */
static bool
is_id_text (const struct skiff_image *img, const char *text)
{
  const char *hex = strncmp (text, "sha256:", 7) == 0 ? text + 7 : text;
  return *hex && strncmp (img->id, hex, strlen (hex)) == 0;
}

/* A container conflict (running: hard, stopped: soft) or 0. */
static int
container_conflict (const struct skiff_image *img, const char *user, bool running, bool force,
                    struct skiff_error **err)
{
  if (user && running)
    return skiff_error_make_status (err, EXIT_CONFLICT, 0,
                                    "conflict: unable to delete %.12s (cannot be forced) - image "
                                    "is being used by running container %.12s",
                                    img->id, user);
  if (user && !force)
    return skiff_error_make_status (err, EXIT_CONFLICT, 0,
                                    "conflict: unable to delete %.12s (must be forced) - image "
                                    "is being used by stopped container %.12s",
                                    img->id, user);
  return 0;
}

/* Deletes img unless a conflict stands: a running container (hard), remaining names or a
 * stopped container (soft: force overrides).  quiet: the caller just removed the last name;
 * an image still in use then stays, untagged, without an error (docker's rules). */
static int
delete_unless_conflict (struct skiff_store *store, struct skiff_image *img, const char *user,
                        bool running, bool force, bool quiet, struct skiff_image_removal *out,
                        struct skiff_error **err)
{
  if (user && (running || !force) && quiet)
    return 0;
  if (user && running)
    return container_conflict (img, user, running, force, err);
  if (!force && img->names)
    return skiff_error_make_status (err, EXIT_CONFLICT, 0,
                                    "conflict: unable to delete %.12s (must be forced) - image "
                                    "is referenced in multiple repositories",
                                    img->id);
  int r = container_conflict (img, user, running, force, err);
  return r < 0 ? r : delete_locked (store, img, user != NULL, out, err);
}

static int
remove_locked (struct skiff_store *store, struct skiff_image *img, const char *text, bool force,
               struct skiff_image_removal *out, struct skiff_error **err)
{
  const char *name = is_id_text (img, text) ? NULL : matching_name (img, text);
  size_t n_names = skiff_strv_len (img->names);
  bool running;
  _cleanup_free_ char *user = skiff_image_user (store, img->id, &running);
  if (name)
    {
      if (!force && n_names == 1 && user)
        return skiff_error_make_status (err, EXIT_CONFLICT, 0,
                                        "conflict: unable to remove repository reference \"%s\" "
                                        "(must force) - container %.12s is using its referenced "
                                        "image %.12s",
                                        text, user, img->id);
      int r = untag_locked (store, img, name, &out->untagged, err);
      if (r < 0 || n_names > 1)
        return r;
      skiff_strv_free (img->names);
      img->names = NULL;
      return delete_unless_conflict (store, img, user, running, force, true, out, err);
    }
  if (n_names == 1)
    {
      /* by ID with one name: the name goes with the image, so only containers conflict */
      int r = container_conflict (img, user, running, force, err);
      if (r == 0)
        r = untag_all_locked (store, img, out, err);
      if (r < 0)
        return r;
    }
  return delete_unless_conflict (store, img, user, running, force, false, out, err);
}

int
skiff_image_remove (struct skiff_store *store, const char *text, bool force,
                    struct skiff_image_removal *out, struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  /* lookup under the lock: a tag added meanwhile would otherwise be deleted with the image and
   * left pointing nowhere */
  int r = skiff_store_lock (store, err);
  if (r < 0)
    return r;
  r = skiff_image_lookup (store, text, &img, err);
  if (r < 0 && err && *err)
    (*err)->exit_code = 1;
  if (r == 0)
    r = remove_locked (store, img, text, force, out, err);
  skiff_store_unlock (store);
  return r;
}

int
skiff_image_prune (struct skiff_store *store, bool all,
                   bool (*match) (const struct skiff_image *img, const void *data),
                   const void *data, struct skiff_image_removal *out, struct skiff_error **err)
{
  int r = skiff_store_lock (store, err);
  if (r < 0)
    return r;
  struct skiff_image **list = NULL;
  r = skiff_image_list (store, &list, err);
  for (size_t i = 0; r == 0 && list[i]; i++)
    {
      bool running;
      _cleanup_free_ char *user = skiff_image_user (store, list[i]->id, &running);
      if (user || (!all && list[i]->names) || (match && !match (list[i], data)))
        continue;
      r = delete_locked (store, list[i], false, out, err);
    }
  skiff_image_list_free (list);
  skiff_store_unlock (store);
  return r;
}
