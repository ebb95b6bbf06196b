/* volume rm and prune: a volume some container's record names is in use (created, running or
 * stopped alike, as docker: a stopped container can start again). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/volume.h"
#include "skiff/xalloc.h"

int
skiff_engine_volume_remove (struct skiff_store *store, const char *name, bool force,
                            struct skiff_error **err)
{
  _cleanup_volume_ struct skiff_volume *v = NULL;
  _cleanup_error_ struct skiff_error *missing = NULL;
  int r = skiff_volume_load (store, name, &v, &missing);
  if (r < 0)
    {
      if (force && r == -ENOENT)
        return 0;
      *err = steal_ptr (&missing);
      return r;
    }
  _cleanup_strv_ char **users = NULL;
  if ((r = skiff_volume_users (store, name, &users, err)) < 0)
    return r;
  if (users != NULL)
    {
      _cleanup_free_ char *ids = skiff_strv_join (users, ", ");
      return (skiff_error_make_status (err, 1, 0, "remove %s: volume is in use - [%s]", name, ids),
              -EBUSY);
    }
  return skiff_volume_remove (store, name, err);
}

/* label=K, label=K=V, label!=...: docker's volume prune filters */
static bool
label_match (const struct skiff_volume *v, const char *want)
{
  const char *eq = strchr (want, '=');
  size_t klen = eq ? (size_t)(eq - want) : strlen (want);
  for (size_t i = 0; v->labels && v->labels[i] && v->labels[i + 1]; i += 2)
    if (strlen (v->labels[i]) == klen && strncmp (v->labels[i], want, klen) == 0)
      return eq == NULL || strcmp (v->labels[i + 1], eq + 1) == 0;
  return false;
}

static bool
volume_filter (const struct skiff_volume *v, char *const *filters, bool in_use)
{
  for (size_t i = 0; filters && filters[i]; i++)
    {
      const char *f = filters[i];
      if (strncmp (f, "label=", 6) == 0 && !label_match (v, f + 6))
        return false;
      if (strncmp (f, "label!=", 7) == 0 && label_match (v, f + 7))
        return false;
      if (strncmp (f, "name=", 5) == 0 && strstr (v->name, f + 5) == NULL)
        return false;
      if (strncmp (f, "driver=", 7) == 0 && strcmp (v->driver, f + 7) != 0)
        return false;
      if (strcmp (f, "dangling=true") == 0 && in_use)
        return false;
      if (strcmp (f, "dangling=false") == 0 && !in_use)
        return false;
    }
  return true;
}

int
skiff_engine_volume_filter_check (char *const *filters, struct skiff_error **err)
{
  static const char *const keys[] = { "label=", "label!=", "name=", "driver=", "dangling=" };
  for (size_t i = 0; filters && filters[i]; i++)
    {
      bool ok = false;
      for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        ok |= strncmp (filters[i], keys[k], strlen (keys[k])) == 0;
      if (strncmp (filters[i], "dangling=", 9) == 0)
        ok = strcmp (filters[i] + 9, "true") == 0 || strcmp (filters[i] + 9, "false") == 0;
      if (!ok)
        return (skiff_error_make_status (err, 125, 0, "invalid filter '%s'", filters[i]), -EINVAL);
    }
  return 0;
}

void
skiff_engine_volumes_free (struct skiff_engine_volume *v)
{
  for (size_t i = 0; v && v[i].volume; i++)
    skiff_volume_free (v[i].volume);
  free (v);
}

int
skiff_engine_volume_select (struct skiff_store *store, char *const *filters,
                            struct skiff_engine_volume **out, struct skiff_error **err)
{
  _cleanup_strv_ char **names = NULL;
  int r = skiff_engine_volume_filter_check (filters, err);
  if (r == 0)
    r = skiff_volume_list (store, &names, err);
  size_t n = 0;
  struct skiff_engine_volume *sel = xzalloc ((skiff_strv_len (names) + 1) * sizeof *sel);
  for (size_t i = 0; r == 0 && names[i]; i++)
    {
      _cleanup_volume_ struct skiff_volume *v = NULL;
      _cleanup_strv_ char **users = NULL;
      _cleanup_error_ struct skiff_error *gone = NULL;
      if (skiff_volume_load (store, names[i], &v, &gone) < 0)
        continue; /* removed meanwhile */
      if ((r = skiff_volume_users (store, names[i], &users, err)) < 0)
        break;
      if (!volume_filter (v, filters, users != NULL))
        continue;
      sel[n].in_use = users != NULL;
      sel[n++].volume = steal_ptr (&v);
    }
  if (r < 0)
    {
      skiff_engine_volumes_free (sel);
      return r;
    }
  *out = sel;
  return 0;
}

int
skiff_engine_volume_prune (struct skiff_store *store, bool all, char *const *filters,
                           char ***removed, struct skiff_error **err)
{
  struct skiff_engine_volume *sel = NULL;
  int r = skiff_engine_volume_select (store, filters, &sel, err);
  for (size_t i = 0; r == 0 && sel[i].volume; i++)
    {
      const struct skiff_volume *v = sel[i].volume;
      if (sel[i].in_use || (!all && !v->anonymous))
        continue;
      if ((r = skiff_volume_remove (store, v->name, err)) == 0)
        skiff_strv_push (removed, v->name);
    }
  skiff_engine_volumes_free (sel);
  return r;
}

int
skiff_engine_volume_create (struct skiff_store *store, const char *name, char *const *labels,
                            char *const *opts, struct skiff_volume **out, struct skiff_error **err)
{
  _cleanup_strv_ char **label_kv = skiff_engine_kv_pairs (labels);
  _cleanup_strv_ char **opt_kv = skiff_engine_kv_pairs (opts);
  for (size_t i = 0; opt_kv && opt_kv[i]; i += 2)
    if (strcmp (opt_kv[i], "type") != 0 && strcmp (opt_kv[i], "device") != 0
        && strcmp (opt_kv[i], "o") != 0)
      return (skiff_error_make_status (err, 125, 0, "invalid option key: \"%s\"", opt_kv[i]),
              -EINVAL);
  struct skiff_volume_create_opts vo = { .name = name, .labels = label_kv, .options = opt_kv };
  bool existed;
  return skiff_volume_create (store, &vo, out, &existed, err);
}
