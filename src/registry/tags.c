/* The distribution API's lists: a repository's tags, GET /v2/<repo>/tags/list ({"name": ...,
 * "tags": [...]}), for `pull --all-tags` and `search --list-tags`; a registry's repositories,
 * GET /v2/_catalog ({"repositories": [...]}), for `search`.  Both sorted. */
#include <stdlib.h>
#include <string.h>

#include "registry-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/registry.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* GET path on client c; the array under key, sorted (empty when null). */
static int
get_list (struct skiff_registry_client *c, const char *path, const char *key, const char *what,
          char ***out, struct skiff_error **err)
{
  *out = NULL;
  struct skiff_http_response resp = { 0 };
  const struct skiff_http_request req
      = { .method = "GET", .path = path, .accept = "application/json", .body_fd = -1 };
  int r = skiff_registry_request (c, &req, &resp, err);
  if (r < 0)
    skiff_error_prefix (err, "%s", what);
  else if (resp.status != 200)
    r = skiff_registry_status_error (c, what, &resp, err);
  yajl_val doc = NULL;
  if (r == 0)
    r = skiff_json_parse (resp.body ? resp.body : "", what, &doc, err);
  if (r == 0)
    r = skiff_json_get_strv (doc, key, what, out, err);
  if (r == 0 && *out == NULL)
    *out = xzalloc (sizeof **out);
  if (r == 0)
    skiff_strv_sort (*out);
  if (doc != NULL)
    yajl_tree_free (doc);
  skiff_http_response_clear (&resp);
  return r;
}

int
skiff_registry_catalog (const char *host, const struct skiff_registry_opts *opts, char ***repos,
                        struct skiff_error **err)
{
  *repos = NULL;
  _cleanup_registry_client_ struct skiff_registry_client *c = NULL;
  int r = skiff_registry_client_new (host, NULL, false, opts, &c, err);
  _cleanup_free_ char *what = xasprintf ("searching registry %s", host);
  return r < 0 ? r : get_list (c, "/v2/_catalog", "repositories", what, repos, err);
}

int
skiff_registry_list_tags (const char *text, const struct skiff_registry_opts *opts, char ***tags,
                          char **name, struct skiff_error **err)
{
  *tags = NULL;
  struct skiff_registry_ref ref;
  int r = skiff_registry_ref_parse (text, &ref, err);
  if (r < 0)
    return r;
  _cleanup_registry_client_ struct skiff_registry_client *c = NULL;
  r = skiff_registry_client_new (ref.host, ref.repo, false, opts, &c, err);
  _cleanup_free_ char *path = xasprintf ("/v2/%s/tags/list", ref.repo);
  _cleanup_free_ char *what = xasprintf ("listing the tags of %s", ref.name);
  if (r == 0)
    r = get_list (c, path, "tags", what, tags, err);
  if (r == 0)
    *name = xstrdup (ref.name);
  skiff_registry_ref_clear (&ref);
  return r;
}
