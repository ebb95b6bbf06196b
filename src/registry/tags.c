/* `pull --all-tags`: a repository's tags from the distribution API's list,
 * GET /v2/<repo>/tags/list ({"name": ..., "tags": [...]}), sorted. */
#include <stdlib.h>
#include <string.h>

#include "registry-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/registry.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
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
  struct skiff_http_response resp = { 0 };
  const struct skiff_http_request req
      = { .method = "GET", .path = path, .accept = "application/json", .body_fd = -1 };
  if (r == 0 && (r = skiff_registry_request (c, &req, &resp, err)) < 0)
    skiff_error_prefix (err, "%s", what);
  else if (r == 0 && resp.status != 200)
    r = skiff_registry_status_error (c, what, &resp, err);
  yajl_val doc = NULL;
  if (r == 0)
    r = skiff_json_parse (resp.body ? resp.body : "", "tags list", &doc, err);
  if (r == 0)
    r = skiff_json_get_strv (doc, "tags", what, tags, err);
  if (r == 0 && *tags == NULL)
    *tags = xzalloc (sizeof **tags); /* "tags": null: a repository without tags */
  if (r == 0)
    {
      qsort (*tags, skiff_strv_len (*tags), sizeof **tags, cmp_str);
      *name = xstrdup (ref.name);
    }
  if (doc != NULL)
    yajl_tree_free (doc);
  skiff_http_response_clear (&resp);
  skiff_registry_ref_clear (&ref);
  return r;
}
