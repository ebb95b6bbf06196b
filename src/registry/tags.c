/* The distribution API's lists: a repository's tags, GET /v2/<repo>/tags/list ({"name": ...,
 * "tags": [...]}), for `pull --all-tags` and `search --list-tags`; a registry's repositories,
 * GET /v2/_catalog ({"repositories": [...]}), for `search`.  Both sorted, every page of them
 * (the Link header's rel="next"). */
#include <stdlib.h>
#include <string.h>

#include "registry-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/registry.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* A Link header's next page: the URL between <> of its rel="next" entry (NULL: none). */
static char *
next_page (const char *link)
{
  for (const char *p = link; p && (p = strchr (p, '<')) != NULL;)
    {
      const char *end = strchr (p, '>');
      if (end == NULL)
        return NULL;
      const char *params = end + 1, *stop = strchr (params, ',');
      size_t plen = stop ? (size_t)(stop - params) : strlen (params);
      _cleanup_free_ char *attrs = xstrndup (params, plen);
      if (strstr (attrs, "rel=\"next\"") || strstr (attrs, "rel=next"))
        return xstrndup (p + 1, (size_t)(end - p - 1));
      p = stop;
    }
  return NULL;
}

/* One page: GET path; the array under key appended to *out, *next the following page. */
static int
get_page (struct skiff_registry_client *c, const char *path, const char *key, const char *what,
          char ***out, char **next, struct skiff_error **err)
{
  struct skiff_http_response resp = { 0 };
  const struct skiff_http_request req
      = { .method = "GET", .path = path, .accept = "application/json", .body_fd = -1 };
  int r = skiff_registry_request (c, &req, &resp, err);
  if (r < 0)
    skiff_error_prefix (err, "%s", what);
  else if (resp.status != 200)
    r = skiff_registry_status_error (c, what, &resp, err);
  yajl_val doc = NULL;
  _cleanup_strv_ char **items = NULL;
  if (r == 0)
    r = skiff_json_parse (resp.body ? resp.body : "", what, &doc, err);
  if (r == 0)
    r = skiff_json_get_strv (doc, key, what, &items, err);
  for (size_t i = 0; r == 0 && items && items[i]; i++)
    skiff_strv_push (out, items[i]);
  *next = r == 0 && resp.link ? next_page (resp.link) : NULL;
  if (doc != NULL)
    yajl_tree_free (doc);
  skiff_http_response_clear (&resp);
  return r;
}

/* GET path on client c, following the Link header's next pages (distribution's pagination;
 * at most MAX_PAGES, against a registry linking in circles); the array under key, sorted and
 * without duplicates (empty when null). */
#define MAX_PAGES 10000
static int
get_list (struct skiff_registry_client *c, const char *path, const char *key, const char *what,
          char ***out, struct skiff_error **err)
{
  *out = xzalloc (sizeof **out);
  _cleanup_free_ char *page = xstrdup (path);
  int r = 0;
  for (size_t n = 0; r == 0 && page; n++)
    {
      if (n == MAX_PAGES)
        {
          r = skiff_error_make (err, 0, "%s: more than %d pages", what, MAX_PAGES);
          break;
        }
      char *next = NULL;
      r = get_page (c, page, key, what, out, &next, err);
      free (page);
      page = next;
    }
  if (r < 0)
    {
      skiff_strv_free (steal_ptr (out));
      return r;
    }
  skiff_strv_sort (*out);
  size_t w = 0;
  for (size_t i = 0; (*out)[i]; i++)
    if (w == 0 || strcmp ((*out)[w - 1], (*out)[i]) != 0)
      (*out)[w++] = (*out)[i];
    else
      free ((*out)[i]);
  (*out)[w] = NULL;
  return 0;
}

int
skiff_registry_catalog (struct skiff_registry_client *c, char ***repos, struct skiff_error **err)
{
  _cleanup_free_ char *what = xasprintf ("searching registry %s", skiff_registry_client_host (c));
  return get_list (c, "/v2/_catalog", "repositories", what, repos, err);
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
