/* skiff search [OPTIONS] TERM: podman's search.  TERM is REGISTRY/TEXT (one registry;
 * "REGISTRY/" lists all) or TEXT (each unqualified-search registry of skiff.conf).  As podman,
 * a registry's v1 search API is asked first (its results' descriptions, stars and marks);
 * one without it is searched in its v2 catalog, a repository matching when its name contains
 * TEXT, with no description, stars or marks (empty, 0).  --filter applies to each result.
 * --list-tags: the tags of the one repository TERM names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/json.h"
#include "skiff/registry.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct search_opts
{
  struct skiff_cli_registry_flags reg; /* first: the shared table's offsets */
  char **filters;
  const char *format;
  int limit;
  bool compatible, list_tags, no_trunc;
};

#define T struct search_opts
static const struct skiff_opt search_options[] = {
  SKIFF_OPT_B ("compatible", 0, T, compatible,
               "List stars, official and automated columns (Docker compatibility)"),
  SKIFF_OPT_SA ("filter", 'f', T, filters, "Filter output based on conditions provided"),
  SKIFF_OPT_S ("format", 0, T, format, "Pretty-print output using a Go template"),
  SKIFF_OPT_I ("limit", 0, T, limit, "Max number of search results"),
  SKIFF_OPT_B ("list-tags", 0, T, list_tags, "List the tags of the input registry"),
  SKIFF_OPT_B ("no-trunc", 0, T, no_trunc, "Don't truncate output"),
  SKIFF_OPT_END,
};
#undef T
const struct skiff_opt *const skiff_cli_search_groups[]
    = { skiff_cli_registry_options, search_options, NULL };

/* docker's search filters: stars=N (at least), is-official=BOOL, is-automated=BOOL. */
struct search_filter
{
  long stars;              /* at least this many (0: any) */
  int official, automated; /* -1: any, else the mark wanted */
};

static int
parse_filters (char *const *filters, struct search_filter *sf, struct skiff_error **err)
{
  *sf = (struct search_filter){ .stars = 0, .official = -1, .automated = -1 };
  for (size_t i = 0; filters && filters[i]; i++)
    {
      const char *f = filters[i], *eq = strchr (f, '=');
      const char *v = eq ? eq + 1 : "";
      size_t k = eq ? (size_t)(eq - f) : strlen (f);
      char *end;
      if (k == 5 && strncmp (f, "stars", 5) == 0)
        {
          sf->stars = strtol (v, &end, 10);
          if (*v == '\0' || *end != '\0')
            return skiff_error_make (err, 0, "invalid filter \"stars=%s\", should be an integer",
                                     v);
        }
      else if ((k == 11 && strncmp (f, "is-official", 11) == 0)
               || (k == 12 && strncmp (f, "is-automated", 12) == 0))
        {
          if (strcmp (v, "true") != 0 && strcmp (v, "false") != 0)
            return skiff_error_make (err, 0, "invalid filter \"%s\", should be a boolean", f);
          *(k == 11 ? &sf->official : &sf->automated) = strcmp (v, "true") == 0;
        }
      else
        return skiff_error_make (err, 0, "invalid filter \"%.*s\"", (int)k, f);
    }
  return 0;
}

static bool
filter_passes (const struct search_filter *sf, int64_t stars, bool official, bool automated)
{
  return stars >= sf->stars && (sf->official < 0 || sf->official == official)
         && (sf->automated < 0 || sf->automated == automated);
}

static yajl_val
row (const char *index, const char *name, const char *tag, const struct skiff_search_result *res)
{
  yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Index", index);
  skiff_json_gen_key_string (g, "Name", name);
  skiff_json_gen_key_string (g, "Description", res && res->description ? res->description : "");
  skiff_json_gen_key_int (g, "Stars", res ? res->stars : 0);
  skiff_json_gen_key_string (g, "Official", res && res->official ? "[OK]" : "");
  skiff_json_gen_key_string (g, "Automated", res && res->automated ? "[OK]" : "");
  skiff_json_gen_key_string (g, "Tag", tag ? tag : "");
  yajl_gen_map_close (g);
  yajl_val v = skiff_cli_gen_tree (g);
  yajl_gen_free (g);
  return v;
}

static void
add_row (yajl_val **rows, size_t *n, yajl_val v)
{
  *rows = xrealloc (*rows, (*n + 2) * sizeof **rows);
  (*rows)[(*n)++] = v;
}

/* One registry's repositories matching text, at most limit (skiff_registry_search: its v1
 * search API, else its catalog), those the filters pass. */
static int
search_registry (const char *host, const char *text, int limit, const struct search_filter *sf,
                 const struct skiff_registry_opts *ro, yajl_val **rows, size_t *n,
                 struct skiff_error **err)
{
  struct skiff_search_result *res = NULL;
  size_t nres = 0;
  int r = skiff_registry_search (host, text, limit, ro, &res, &nres, err);
  for (size_t i = 0; r == 0 && i < nres; i++)
    if (filter_passes (sf, res[i].stars, res[i].official, res[i].automated))
      {
        _cleanup_free_ char *name = xasprintf ("%s/%s", host, res[i].name);
        add_row (rows, n, row (host, name, NULL, &res[i]));
      }
  skiff_search_results_free (res, nres);
  return r;
}

static int
list_tags (const char *term, int limit, const struct skiff_registry_opts *ro, yajl_val **rows,
           size_t *n, struct skiff_error **err)
{
  _cleanup_strv_ char **tags = NULL;
  _cleanup_free_ char *name = NULL;
  int r = skiff_registry_list_tags (term, ro, &tags, &name, err);
  const char *slash = name ? strchr (name, '/') : NULL;
  _cleanup_free_ char *index = slash ? xstrndup (name, (size_t)(slash - name)) : NULL;
  for (size_t i = 0; r == 0 && tags[i] && (int)i < limit; i++)
    add_row (rows, n, row (index ? index : "", name, tags[i], NULL));
  return r;
}

static int
run_search (const struct search_opts *o, const char *term, const struct search_filter *sf,
            const struct skiff_registry_opts *ro, yajl_val **rows, size_t *n,
            struct skiff_error **err)
{
  int limit = o->limit > 0 ? o->limit : 25;
  if (o->list_tags)
    {
      if (skiff_registry_names_tag (term))
        return skiff_error_make (err, 0, "reference \"%s\" must not have a tag for --list-tags",
                                 term);
      return list_tags (term, limit, ro, rows, n, err);
    }
  if (!skiff_registry_is_short_name (term))
    {
      size_t hl = strcspn (term, "/");
      _cleanup_free_ char *host = xstrndup (term, hl);
      return search_registry (host, term[hl] ? term + hl + 1 : "", limit, sf, ro, rows, n, err);
    }
  if (ro->search == NULL || ro->search[0] == NULL)
    return skiff_error_make (err, 0,
                             "no registries to search: name one (REGISTRY/%s) or set "
                             "unqualified_search in skiff.conf",
                             term);
  int r = 0;
  for (size_t i = 0; r == 0 && ro->search[i]; i++)
    r = search_registry (ro->search[i], term, limit, sf, ro, rows, n, err);
  return r;
}

int
cmd_search (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct search_opts o;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_registry_parse (cli, argc, argv, &o, sizeof o, 1, 1, &res, err);
  if (r != 0)
    return r < 0 ? r : 0;
  _cleanup_free_ char **filters = o.filters; /* the strings are argv's */
  struct search_filter sf;
  struct skiff_registry_opts ro;
  r = skiff_cli_registry_opts (&o.reg, false, &ro, err);
  if (r == 0)
    r = parse_filters (filters, &sf, err);
  yajl_val *rows = NULL;
  size_t n = 0;
  const char *term = res.args[0];
  if (strncmp (term, "docker://", 9) == 0)
    term += 9;
  if (r == 0)
    r = run_search (&o, term, &sf, &ro, &rows, &n, err);
  skiff_cli_registry_opts_clear (&ro);
  if (r == 0 && n > 0)
    return skiff_cli_format_rows (o.format,
                                  o.list_tags    ? "table {{.Name}}\t{{.Tag}}"
                                  : o.compatible ? "table {{.Name}}\t{{.Description}}\t{{.Stars}}"
                                                   "\t{{.Official}}\t{{.Automated}}"
                                                 : "table {{.Name}}\t{{.Description}}",
                                  "{\"Index\":\"INDEX\",\"Name\":\"NAME\",\"Description\":"
                                  "\"DESCRIPTION\",\"Stars\":\"STARS\",\"Official\":"
                                  "\"OFFICIAL\",\"Automated\":\"AUTOMATED\",\"Tag\":\"TAG\"}",
                                  rows, n, err);
  for (size_t i = 0; i < n; i++)
    yajl_tree_free (rows[i]);
  free (rows);
  return r;
}
