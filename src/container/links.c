/* Legacy links at start: each target must run on the default bridge; its address gives the
 * hosts line and, with its image's exposed ports and configured env, docker's variables.
 * Docker's texts (exit 125). */
#include <errno.h>
#include <string.h>

#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/image.h"
#include "skiff/keyindex.h"
#include "skiff/network.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static int
one_link (struct skiff_store *store, const struct skiff_container *c, const char *entry,
          char ***lines, struct skiff_strv_builder *env, struct skiff_error **err)
{
  const char *colon = strchr (entry, ':');
  if (colon == NULL)
    return skiff_error_make (err, 0, "%s: bad link \"%s\"", c->dir, entry);
  _cleanup_free_ char *id = xstrndup (entry, (size_t)(colon - entry));
  const char *alias = colon + 1;
  _cleanup_free_ char *link_name = xasprintf ("/%s/%s", c->config.name, alias);
  _cleanup_container_ struct skiff_container *t = NULL;
  _cleanup_error_ struct skiff_error *gone = NULL;
  if (skiff_container_load (store, id, &t, &gone) < 0)
    return skiff_error_make_status (err, 125, 0,
                                    "could not get container for %s: No such "
                                    "container: %s",
                                    id, id);
  struct skiff_network_endpoint ep;
  if (t->state.status != SKIFF_CONTAINER_RUNNING)
    return skiff_error_make_status (err, 125, 0,
                                    "Cannot link to a non running container: /%s AS %s",
                                    t->config.name, link_name);
  if (skiff_network_endpoint_of (store, t->config.id, &ep) < 0)
    return skiff_error_make_status (err, 125, 0,
                                    "Cannot link to %s, as it does not belong to the default "
                                    "network",
                                    t->config.name);
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_error_ struct skiff_error *no_image = NULL;
  char *const *ports = NULL;
  if (skiff_image_load (store, t->config.image_id, &img, &no_image) == 0)
    ports = img->config.exposed_ports;
  skiff_strv_push_owned (
      lines, skiff_network_link_hosts_line (ep.ip_text, alias, t->config.hostname, t->config.name));
  _cleanup_strv_ char **vars = skiff_network_link_env (link_name, ep.ip_text, ports, t->config.env);
  for (size_t i = 0; vars[i]; i++)
    skiff_strv_builder_push (env, vars[i]);
  return 0;
}

static size_t
key_len (const char *kv)
{
  const char *eq = strchr (kv, '=');
  return eq ? (size_t)(eq - kv) : strlen (kv);
}

/* The container's own env wins over a link's variable of the same name (docker's order);
 * indexed: a target's env may be huge. */
static char **
merge_env (char *const *own, char *const *links)
{
  _cleanup_key_index_ struct skiff_key_index ix = { 0 };
  for (size_t j = 0; own && own[j]; j++)
    skiff_key_index_set (&ix, own[j], key_len (own[j]), j);
  _cleanup_strv_builder_ struct skiff_strv_builder out = { 0 };
  for (size_t j = 0; own && own[j]; j++)
    skiff_strv_builder_push (&out, own[j]);
  for (size_t i = 0; links && links[i]; i++)
    if (skiff_key_index_find (&ix, links[i], key_len (links[i])) == SKIFF_KEY_INDEX_NONE)
      skiff_strv_builder_push (&out, links[i]);
  return skiff_strv_builder_steal (&out);
}

int
skiff_container_links_prepare (struct skiff_store *store, const struct skiff_container *c,
                               char ***lines, char ***env, struct skiff_error **err)
{
  _cleanup_strv_builder_ struct skiff_strv_builder vars = { 0 };
  for (size_t i = 0; c->config.network.links && c->config.network.links[i]; i++)
    {
      int r = one_link (store, c, c->config.network.links[i], lines, &vars, err);
      if (r < 0)
        return r;
    }
  if (vars.v != NULL)
    *env = merge_env (c->config.env, vars.v);
  return 0;
}
