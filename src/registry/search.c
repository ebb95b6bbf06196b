/* `search` as podman's: the v1 search API first (GET /v1/search?q=TEXT&n=LIMIT: {"results":
 * [{"name", "description", "star_count", "is_official", "is_automated"}, ...]}), which
 * registries like docker's index offer with descriptions, stars and marks; a registry that
 * answers it with anything but 200 does not offer it, and its v2 catalog is searched instead
 * (on the same client: one connection, one ping). */
#include <stdlib.h>
#include <string.h>

#include "registry-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/registry.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_search_results_free (struct skiff_search_result *results, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (results[i].name);
      free (results[i].description);
    }
  free (results);
}

static int
parse_result (yajl_val v, const char *what, struct skiff_search_result *out,
              struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  int r = skiff_json_get_string (v, "name", what, &out->name, err);
  if (r == 0)
    r = skiff_json_get_string (v, "description", what, &out->description, err);
  if (r == 0)
    r = skiff_json_get_int (v, "star_count", what, &out->stars, err);
  if (r == 0)
    r = skiff_json_get_bool (v, "is_official", what, &out->official, err);
  if (r == 0)
    r = skiff_json_get_bool (v, "is_automated", what, &out->automated, err);
  if (r == 0 && (out->name == NULL || *out->name == '\0'))
    r = skiff_error_make (err, 0, "%s: a result without a name", what);
  return r;
}

/* The v1 search API's answer on c: *offered false when the registry does not serve it. */
static int
search_v1 (struct skiff_registry_client *c, const char *text, int limit, const char *what,
           bool *offered, struct skiff_search_result **results, size_t *n, struct skiff_error **err)
{
  _cleanup_free_ char *q = skiff_registry_url_escape (text);
  _cleanup_free_ char *path = xasprintf ("/v1/search?q=%s&n=%d", q, limit);
  struct skiff_http_response resp = { 0 };
  const struct skiff_http_request req
      = { .method = "GET", .path = path, .accept = "application/json", .body_fd = -1 };
  int r = skiff_registry_request (c, &req, &resp, err);
  if (r < 0 || resp.status != 200)
    {
      skiff_http_response_clear (&resp);
      return r < 0 ? skiff_error_prefix (err, "%s", what) : 0;
    }
  yajl_val doc = NULL;
  r = skiff_json_parse (resp.body ? resp.body : "", what, &doc, err);
  skiff_http_response_clear (&resp);
  if (r < 0)
    return r;
  yajl_val list = skiff_json_get (doc, "results");
  size_t len = YAJL_IS_ARRAY (list) ? list->u.array.len : 0;
  if (list && !YAJL_IS_ARRAY (list) && !YAJL_IS_NULL (list))
    r = skiff_error_make (err, 0, "%s: \"results\" is not an array", what);
  struct skiff_search_result *out = xzalloc ((len ? len : 1) * sizeof *out);
  size_t got = 0;
  for (size_t i = 0; r == 0 && i < len && (int)got < limit; i++)
    if ((r = parse_result (list->u.array.values[i], what, &out[got], err)) == 0)
      got++;
    else
      {
        free (out[got].name);
        free (out[got].description);
      }
  yajl_tree_free (doc);
  if (r < 0)
    {
      skiff_search_results_free (out, got);
      return r;
    }
  *offered = true;
  *results = out;
  *n = got;
  return 0;
}

/* The catalog's names containing text, as results without description, stars or marks. */
static int
search_catalog (struct skiff_registry_client *c, const char *text, int limit,
                struct skiff_search_result **results, size_t *n, struct skiff_error **err)
{
  _cleanup_strv_ char **repos = NULL;
  int r = skiff_registry_catalog (c, &repos, err);
  if (r < 0)
    return r;
  struct skiff_search_result *out = xzalloc ((skiff_strv_len (repos) + 1) * sizeof *out);
  size_t got = 0;
  for (size_t i = 0; repos[i] && (int)got < limit; i++)
    if (strstr (repos[i], text) != NULL)
      out[got++].name = xstrdup (repos[i]);
  *results = out;
  *n = got;
  return 0;
}

int
skiff_registry_search (const char *host, const char *text, int limit,
                       const struct skiff_registry_opts *opts, struct skiff_search_result **results,
                       size_t *n, struct skiff_error **err)
{
  *results = NULL;
  *n = 0;
  _cleanup_registry_client_ struct skiff_registry_client *c = NULL;
  int r = skiff_registry_client_new (host, NULL, false, opts, &c, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *what = xasprintf ("searching registry %s", host);
  bool offered = false;
  if (*text && (r = search_v1 (c, text, limit, what, &offered, results, n, err)) < 0)
    return r;
  return offered ? 0 : search_catalog (c, text, limit, results, n, err);
}
