/* The network commands' engine: who uses a network, rm (refused while used, -f removes the
 * users first), prune, ls's filters, connect and disconnect (written to the container's
 * networks.json under its lock; a running container gets or loses the interface at once and
 * the names on the network follow). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/humanize.h"
#include "skiff/lock.h"
#include "skiff/netdef.h"
#include "skiff/network.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* The IDs of the containers (any state) whose networks include network. */
static char **
users_of (struct skiff_store *store, const char *network)
{
  _cleanup_strv_ char **ids = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  char **out = NULL;
  if (skiff_container_list_ids (store, &ids, &e) < 0)
    return NULL;
  for (size_t i = 0; ids && ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      _cleanup_error_ struct skiff_error *gone = NULL;
      if (skiff_container_load (store, ids[i], &c, &gone) == 0
          && skiff_net_members_has (c, network))
        skiff_strv_push (&out, ids[i]);
    }
  return out;
}

/* -f: the users go first (as podman's network rm -f) */
static int
remove_users (struct skiff_store *store, char *const *ids, struct skiff_error **err)
{
  for (size_t i = 0; ids && ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      struct skiff_error *gone = NULL;
      int r = skiff_container_load (store, ids[i], &c, &gone);
      skiff_error_free (gone);
      if (r == 0 && (r = skiff_engine_remove (store, c, true, err)) < 0)
        return r;
    }
  return 0;
}

static int
remove_def (struct skiff_store *store, const struct skiff_netdef *d, struct skiff_error **err)
{
  return skiff_netdef_remove (store, d, err);
}

int
skiff_engine_network_remove (struct skiff_store *store, const char *name_or_id, bool force,
                             char **removed, struct skiff_error **err)
{
  struct skiff_netdef d = { 0 };
  struct skiff_error *missing = NULL;
  int r = skiff_netdef_load (store, name_or_id, 1, &d, &missing);
  if (r == -ENOENT && force) /* docker's -f: a missing network is no error */
    {
      skiff_error_free (missing);
      *removed = NULL;
      return 0;
    }
  if (r < 0)
    {
      *err = missing;
      return r;
    }
  _cleanup_strv_ char **users = d.is_default ? NULL : users_of (store, d.name);
  if (users && !force)
    {
      _cleanup_strv_ char **names = NULL;
      for (size_t i = 0; users[i]; i++)
        {
          _cleanup_container_ struct skiff_container *c = NULL;
          _cleanup_error_ struct skiff_error *gone = NULL;
          if (skiff_container_load (store, users[i], &c, &gone) == 0)
            skiff_strv_push (&names, c->config.name);
        }
      _cleanup_free_ char *list = skiff_strv_join (names ? names : users, ", ");
      r = skiff_error_make_status (err, 2, 0,
                                   "network %s is in use by container(s): %s (network rm -f "
                                   "removes them)",
                                   d.name, list);
    }
  if (r == 0 && force)
    r = remove_users (store, users, err);
  if (r == 0 && (r = remove_def (store, &d, err)) == 0)
    *removed = xstrdup (d.name);
  skiff_netdef_clear (&d);
  return r;
}

int
skiff_engine_network_create (struct skiff_store *store, const struct skiff_netdef_request *req,
                             struct skiff_netdef *out, struct skiff_error **err)
{
  _cleanup_strv_ char **labels = skiff_engine_kv_pairs (req->labels);
  _cleanup_strv_ char **opts = skiff_engine_kv_pairs (req->opts);
  struct skiff_netdef_request kv = *req;
  kv.labels = labels;
  kv.opts = opts;
  return skiff_netdef_create (store, &kv, out, err);
}

/* ---- filters ---- */

static const char *const filter_keys[]
    = { "name=", "driver=", "label=", "label!=", "id=", "type=", "until=", NULL };

int
skiff_engine_network_filter_check (char *const *filters, bool prune, struct skiff_error **err)
{
  for (size_t i = 0; filters && filters[i]; i++)
    {
      bool ok = false;
      for (size_t k = 0; filter_keys[k] && !ok; k++)
        ok = strncmp (filters[i], filter_keys[k], strlen (filter_keys[k])) == 0
             && (prune ? strncmp (filters[i], "label", 5) == 0 || k == 6 : k != 6);
      struct timespec ts;
      if (ok && strncmp (filters[i], "until=", 6) == 0
          && skiff_time_parse (filters[i] + 6, &ts) < 0)
        ok = false;
      if (!ok)
        return skiff_error_make_status (err, 125, 0, "invalid filter '%s'", filters[i]);
    }
  return 0;
}

static bool
label_match (const struct skiff_netdef *d, const char *want)
{
  const char *eq = strchr (want, '=');
  size_t klen = eq ? (size_t)(eq - want) : strlen (want);
  for (size_t i = 0; d->labels && d->labels[i] && d->labels[i + 1]; i += 2)
    if (strlen (d->labels[i]) == klen && strncmp (d->labels[i], want, klen) == 0)
      return eq == NULL || strcmp (d->labels[i + 1], eq + 1) == 0;
  return false;
}

/* Each key given must match (values of one key: any of them), docker's rule. */
static bool
key_match (const struct skiff_netdef *d, char *const *filters, const char *key)
{
  bool seen = false, any = false;
  size_t n = strlen (key);
  for (size_t i = 0; filters && filters[i]; i++)
    {
      const char *v = filters[i] + n;
      if (strncmp (filters[i], key, n) != 0)
        continue;
      seen = true;
      struct timespec until, created;
      if (strcmp (key, "name=") == 0)
        any = any || strstr (d->name, v) != NULL;
      else if (strcmp (key, "driver=") == 0)
        any = any || strcmp (v, "bridge") == 0;
      else if (strcmp (key, "id=") == 0)
        any = any || strncmp (d->id, v, strlen (v)) == 0;
      else if (strcmp (key, "type=") == 0)
        any = any || strcmp (v, d->is_default ? "builtin" : "custom") == 0;
      else if (strcmp (key, "label=") == 0)
        any = any || label_match (d, v);
      else if (strcmp (key, "label!=") == 0)
        return !label_match (d, v);
      else if (strcmp (key, "until=") == 0)
        any = any
              || (skiff_time_parse (v, &until) == 0 && d->created
                  && skiff_time_parse (d->created, &created) == 0 && created.tv_sec < until.tv_sec);
    }
  return !seen || any;
}

bool
skiff_engine_network_match (const struct skiff_netdef *d, char *const *filters)
{
  for (size_t k = 0; filter_keys[k]; k++)
    if (!key_match (d, filters, filter_keys[k]))
      return false;
  return true;
}

int
skiff_engine_network_prune (struct skiff_store *store, char *const *filters, char ***removed,
                            struct skiff_error **err)
{
  struct skiff_netdef *all = NULL;
  int r = skiff_netdef_list (store, &all, err);
  for (size_t i = 0; r == 0 && all[i].name[0]; i++)
    {
      if (all[i].is_default || !skiff_engine_network_match (&all[i], filters))
        continue;
      _cleanup_strv_ char **users = users_of (store, all[i].name);
      if (users == NULL && (r = remove_def (store, &all[i], err)) == 0)
        skiff_strv_push (removed, all[i].name);
    }
  skiff_netdefs_free (all);
  return r;
}
