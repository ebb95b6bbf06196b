/* What create decides about a container's network: the mode (the default, a container's full
 * ID for container:), --add-host and --dns* as given, links resolved to their targets. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/network.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* A container named by the user: its full ID, or docker's "No such container: X". */
static int
container_id (struct skiff_store *store, const char *text, char **id, struct skiff_error **err)
{
  return skiff_container_lookup (store, text, id, err);
}

static int
resolve_mode (struct skiff_store *store, const struct skiff_container_spec *spec,
              struct skiff_network_config *cfg, struct skiff_error **err)
{
  /* rootless the default is none, but --link means the default bridge (docker's) */
  bool bridge = !store->rootless || spec->network.links != NULL;
  struct skiff_network_mode mode = { .kind = bridge ? SKIFF_NET_BRIDGE : SKIFF_NET_NONE };
  int r;
  if (spec->network.mode && (r = skiff_network_mode_parse (spec->network.mode, &mode, err)) < 0)
    return r;
  switch (mode.kind)
    {
    case SKIFF_NET_BRIDGE:
      /* a missing network is docker's "not found" in either mode */
      if ((r = skiff_engine_network_endpoint (store, spec, mode.arg, cfg, err)) < 0)
        return r;
      return 0;
    case SKIFF_NET_CONTAINER:
      {
        _cleanup_free_ char *id = NULL;
        if (spec->hostname)
          return skiff_error_make_status (err, 125, 0,
                                          "conflicting options: hostname and the network mode");
        if ((r = container_id (store, mode.arg, &id, err)) < 0)
          return r;
        cfg->mode = xasprintf ("container:%s", id);
        return 0;
      }
    case SKIFF_NET_NS:
      cfg->mode = xasprintf ("ns:%s", mode.arg);
      return 0;
    case SKIFF_NET_HOST:
      cfg->mode = xstrdup ("host");
      return 0;
    case SKIFF_NET_PASTA:
      cfg->mode = xstrdup ("pasta");
      return 0;
    case SKIFF_NET_NONE:
    default:
      cfg->mode = xstrdup ("none");
      return 0;
    }
}

/* --link name[:alias] -> "<target id>:<alias>"; a missing target fails here (docker's text). */
static int
resolve_links (struct skiff_store *store, char *const *links, struct skiff_network_config *cfg,
               struct skiff_error **err)
{
  for (size_t i = 0; links && links[i]; i++)
    {
      const char *colon = strchr (links[i], ':');
      _cleanup_free_ char *name
          = colon ? xstrndup (links[i], (size_t)(colon - links[i])) : xstrdup (links[i]);
      const char *alias = colon ? colon + 1 : name;
      if (name[0] == '/')
        memmove (name, name + 1, strlen (name));
      _cleanup_free_ char *id = NULL;
      if (container_id (store, name, &id, err) < 0)
        return skiff_error_prefix (err, "could not get container for %s", name);
      skiff_strv_push_owned (&cfg->links,
                             xasprintf ("%s:%s", id, alias[0] == '/' ? alias + 1 : alias));
    }
  return 0;
}

int
skiff_engine_network_config (struct skiff_store *store, const struct skiff_container_spec *spec,
                             struct skiff_network_config *cfg, struct skiff_error **err)
{
  int r = resolve_mode (store, spec, cfg, err);
  if (r == 0)
    r = skiff_engine_network_endpoint_none (spec, cfg, err);
  if (r < 0)
    return r;
  if (spec->network.links && strcmp (cfg->mode, "bridge") != 0)
    return skiff_error_make_status (
        err, 125, 0, "--link needs the default bridge network, not \"%s\"", cfg->mode);
  if ((r = resolve_links (store, spec->network.links, cfg, err)) < 0)
    return r;
  cfg->extra_hosts = skiff_strv_dup (spec->network.add_hosts);
  cfg->no_hosts = spec->network.no_hosts;
  cfg->dns = skiff_strv_dup (spec->network.dns);
  cfg->dns_search = skiff_strv_dup (spec->network.dns_search);
  cfg->dns_option = skiff_strv_dup (spec->network.dns_option);
  return 0;
}

/* docker: with --network host the container has the host's name unless -h says otherwise. */
char *
skiff_engine_network_hostname (const struct skiff_network_config *cfg)
{
  char name[256];
  if (strcmp (cfg->mode, "host") != 0 || gethostname (name, sizeof name - 1) < 0)
    return NULL;
  name[sizeof name - 1] = '\0';
  return xstrdup (name);
}

/* The names of the containers whose links point at c (caller frees). */
static char **
link_parents (struct skiff_store *store, const struct skiff_container *c)
{
  _cleanup_strv_ char **ids = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  char **names = NULL;
  if (skiff_container_list_ids (store, &ids, &e) < 0)
    return NULL;
  size_t idlen = strlen (c->config.id);
  for (size_t i = 0; ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *p = NULL;
      _cleanup_error_ struct skiff_error *gone = NULL;
      if (strcmp (ids[i], c->config.id) == 0 || skiff_container_load (store, ids[i], &p, &gone) < 0)
        continue;
      for (size_t j = 0; p->config.network.links && p->config.network.links[j]; j++)
        if (strncmp (p->config.network.links[j], c->config.id, idlen) == 0
            && p->config.network.links[j][idlen] == ':')
          {
            skiff_strv_push (&names, p->config.name);
            break;
          }
    }
  return names;
}

int
skiff_engine_network_check_remove (struct skiff_store *store, const struct skiff_container *c,
                                   struct skiff_error **err)
{
  _cleanup_strv_ char **parents = link_parents (store, c);
  if (parents == NULL)
    return 0;
  _cleanup_free_ char *list = skiff_strv_join (parents, ", ");
  return skiff_error_make (err, 0,
                           "container %s has dependent containers which must be removed before "
                           "it: %s (their --link)",
                           c->config.name, list);
}

/* Whether the container args[j] names is a link target of the one args[i] names. */
static bool
links_to (char *const *ids, struct skiff_container *const *cs, size_t i, size_t j)
{
  size_t n = ids[j] ? strlen (ids[j]) : 0;
  for (size_t k = 0; cs[i] && n && cs[i]->config.network.links && cs[i]->config.network.links[k];
       k++)
    if (strncmp (cs[i]->config.network.links[k], ids[j], n) == 0
        && cs[i]->config.network.links[k][n] == ':')
      return true;
  return false;
}

char **
skiff_engine_start_order (struct skiff_store *store, char *const *args)
{
  size_t n = skiff_strv_len (args), done = 0;
  _cleanup_strv_ char **ids = xzalloc ((n + 1) * sizeof (char *));
  struct skiff_container **cs = xzalloc ((n + 1) * sizeof *cs);
  _cleanup_free_ bool *out = xzalloc ((n + 1) * sizeof (bool));
  char **order = xzalloc ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_error_ struct skiff_error *e = NULL; /* reported when it is started */
      if (skiff_container_lookup (store, args[i], &ids[i], &e) == 0
          && skiff_container_load (store, ids[i], &cs[i], &e) < 0)
        cs[i] = NULL;
    }
  /* the first not yet placed whose targets among args are placed; a cycle: the first left */
  while (done < n)
    {
      size_t pick = n;
      for (size_t i = 0; i < n && pick == n; i++)
        {
          bool ready = !out[i];
          for (size_t j = 0; j < n && ready; j++)
            ready = out[j] || j == i || !links_to (ids, cs, i, j);
          if (ready)
            pick = i;
        }
      for (size_t i = 0; i < n && pick == n; i++)
        if (!out[i])
          pick = i;
      out[pick] = true;
      order[done++] = args[pick];
    }
  for (size_t i = 0; i < n; i++)
    skiff_container_free (cs[i]);
  free (cs);
  return order;
}
