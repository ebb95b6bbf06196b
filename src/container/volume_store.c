/* The volume store: <root>/volumes/<name>/{volume.json,_data/} (skiff/volume.h). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/json.h"
#include "skiff/mount.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/volume.h"
#include "skiff/xalloc.h"

void
skiff_volume_free (struct skiff_volume *v)
{
  if (v == NULL)
    return;
  free (v->name);
  free (v->driver);
  free (v->created);
  skiff_strv_free (v->labels);
  skiff_strv_free (v->options);
  free (v->dir);
  free (v->data);
  free (v);
}

static char *
volume_dir (struct skiff_store *store, const char *name)
{
  _cleanup_free_ char *rel = skiff_path_join ("volumes", name);
  return skiff_store_path (store, rel);
}

char *
skiff_volume_copy_marker (const struct skiff_volume *v)
{
  return skiff_path_join (v->dir, "copied-up");
}

/* The record as stored (and, with the paths, as inspect shows it). */
static void
gen_volume (yajl_gen g, const struct skiff_volume *v, bool for_inspect)
{
  char *none[] = { NULL };
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Name", v->name);
  skiff_json_gen_key_string (g, "Driver", v->driver);
  if (for_inspect)
    skiff_json_gen_key_string (g, "Mountpoint", v->data);
  skiff_json_gen_key_string (g, "CreatedAt", v->created);
  skiff_json_gen_key_map (g, "Labels", v->labels ? v->labels : none);
  if (for_inspect)
    skiff_json_gen_key_string (g, "Scope", "local");
  skiff_json_gen_key_map (g, "Options", v->options ? v->options : none);
  if (!for_inspect)
    skiff_json_gen_key_bool (g, "Anonymous", v->anonymous);
  yajl_gen_map_close (g);
}

char *
skiff_volume_to_json (const struct skiff_volume *v)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  gen_volume (g, v, true);
  return skiff_json_gen_finish (g, NULL);
}

/* Writes the new record in a temp dir and renames it in (caller holds the store lock). */
static int
make_record (struct skiff_store *store, const struct skiff_volume *v, struct skiff_error **err)
{
  _cleanup_free_ char *tmp = NULL;
  _cleanup_free_ char *prefix = xasprintf ("vol.%s", v->name);
  int r = skiff_store_mktemp (store, prefix, &tmp, err);
  if (r < 0)
    return r;
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  gen_volume (g, v, false);
  size_t len;
  _cleanup_free_ char *json = skiff_json_gen_finish (g, &len);
  _cleanup_free_ char *rec = skiff_path_join (tmp, "volume.json");
  _cleanup_free_ char *data = skiff_path_join (tmp, "_data");
  _cleanup_free_ char *parent = skiff_store_path (store, "volumes");
  if ((r = skiff_fs_write_atomic (rec, json, len, 0600, SKIFF_WRITE_DURABLE, err)) == 0
      && mkdir (data, 0755) < 0)
    r = skiff_error_make (err, errno, "mkdir %s", data);
  if (r == 0 && (r = skiff_fs_mkdir_p (parent, 0700, err)) == 0 && rename (tmp, v->dir) < 0)
    r = skiff_error_make (err, errno, "rename %s to %s", tmp, v->dir);
  if (r == 0)
    r = skiff_fs_fsync_parent (v->dir, err);
  else
    skiff_fs_rm_rf (tmp, NULL);
  return r;
}

static void
fill_paths (struct skiff_store *store, struct skiff_volume *v)
{
  v->dir = volume_dir (store, v->name);
  v->data = skiff_path_join (v->dir, "_data");
}

int
skiff_volume_create (struct skiff_store *store, const struct skiff_volume_create_opts *opts,
                     struct skiff_volume **out, bool *existed, struct skiff_error **err)
{
  char id[SKIFF_CONTAINER_ID_LEN + 1];
  int r;
  if (opts->name == NULL && (r = skiff_container_new_id (id, err)) < 0)
    return r;
  const char *name = opts->name ? opts->name : id;
  if (!skiff_mount_volume_name_valid (name))
    return (skiff_error_make_status (err, 125, 0,
                                     "create %s: \"%s\" includes invalid characters for a local "
                                     "volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed",
                                     name, name),
            -EINVAL);
  if ((r = skiff_store_lock (store, err)) < 0)
    return r;
  *existed = false;
  r = skiff_volume_load (store, name, out, NULL);
  if (r == 0)
    *existed = true;
  else
    {
      struct timespec now;
      clock_gettime (CLOCK_REALTIME, &now);
      struct skiff_volume *v = xzalloc (sizeof *v);
      v->name = xstrdup (name);
      v->driver = xstrdup ("local");
      v->created = skiff_time_format (&now);
      v->labels = skiff_strv_dup (opts->labels);
      v->options = skiff_strv_dup (opts->options);
      v->anonymous = opts->anonymous;
      fill_paths (store, v);
      if ((r = make_record (store, v, err)) < 0)
        skiff_volume_free (v);
      else
        *out = v;
    }
  skiff_store_unlock (store);
  return r;
}

int
skiff_volume_load (struct skiff_store *store, const char *name, struct skiff_volume **out,
                   struct skiff_error **err)
{
  if (!skiff_mount_volume_name_valid (name))
    return (skiff_error_make_status (err, 1, 0, "no such volume: %s", name), -ENOENT);
  _cleanup_volume_ struct skiff_volume *v = xzalloc (sizeof *v);
  v->name = xstrdup (name);
  fill_paths (store, v);
  _cleanup_free_ char *rec = skiff_path_join (v->dir, "volume.json");
  if (!skiff_fs_exists (rec))
    return (skiff_error_make_status (err, 1, 0, "no such volume: %s", name), -ENOENT);
  _cleanup_yajl_val_ yajl_val root = NULL;
  int r = skiff_json_parse_file (rec, &root, err);
  if (r < 0 || (r = skiff_json_get_string (root, "Driver", rec, &v->driver, err)) < 0
      || (r = skiff_json_get_string (root, "CreatedAt", rec, &v->created, err)) < 0
      || (r = skiff_json_get_string_map (root, "Labels", rec, &v->labels, err)) < 0
      || (r = skiff_json_get_string_map (root, "Options", rec, &v->options, err)) < 0
      || (r = skiff_json_get_bool (root, "Anonymous", rec, &v->anonymous, err)) < 0)
    return r;
  if (v->driver == NULL)
    v->driver = xstrdup ("local");
  if (v->created == NULL)
    v->created = xstrdup ("");
  *out = steal_ptr (&v);
  return 0;
}

int
skiff_volume_list (struct skiff_store *store, char ***names, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "volumes");
  struct skiff_strv_builder b = { 0 };
  DIR *d = opendir (dir);
  if (d == NULL && errno != ENOENT)
    return skiff_error_make (err, errno, "open %s", dir);
  for (struct dirent *e; d != NULL && (e = readdir (d)) != NULL;)
    if (e->d_name[0] != '.' && skiff_mount_volume_name_valid (e->d_name))
      skiff_strv_builder_push (&b, e->d_name);
  if (d != NULL)
    closedir (d);
  *names = skiff_strv_builder_steal (&b);
  skiff_strv_sort (*names);
  return 0;
}

int
skiff_volume_remove (struct skiff_store *store, const char *name, struct skiff_error **err)
{
  _cleanup_free_ char *dir = volume_dir (store, name);
  int r = skiff_store_lock (store, err);
  if (r < 0)
    return r;
  r = skiff_store_discard (store, "rmvol", dir, err);
  skiff_store_unlock (store);
  return r;
}

int
skiff_volume_check (struct skiff_store *store, bool repair, char ***problems,
                    struct skiff_error **err)
{
  _cleanup_strv_ char **names = NULL;
  int r = skiff_volume_list (store, &names, err);
  for (size_t i = 0; r == 0 && names[i]; i++)
    {
      _cleanup_volume_ struct skiff_volume *v = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_volume_load (store, names[i], &v, &e) == 0)
        {
          struct stat st;
          if (lstat (v->data, &st) == 0 && S_ISDIR (st.st_mode))
            continue;
          skiff_strv_push_owned (problems, xasprintf ("volume %s: no _data directory%s", names[i],
                                                      repair ? " (created)" : ""));
          if (repair && mkdir (v->data, 0755) < 0)
            return skiff_error_make (err, errno, "mkdir %s", v->data);
          continue;
        }
      skiff_strv_push_owned (
          problems, xasprintf ("volume %s: %s%s", names[i], e->msg, repair ? " (removed)" : ""));
      if (repair)
        r = skiff_volume_remove (store, names[i], err);
    }
  return r;
}
