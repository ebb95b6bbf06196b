/* skiff images [OPTIONS] [REPOSITORY[:TAG]]: the rows docker prints, podman's --sort and
 * --noheading, both engines' --filter keys (image_filters.c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli/options.h"
#include "image_filters.h"
#include "skiff/log.h"
#include "skiff/cleanup.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/reference.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define DEFAULT_TABLE "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
#define DIGESTS_TABLE                                                                              \
  "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"

struct images_opts
{
  bool all, quiet, no_trunc, digests, noheading;
  const char *format, *sort;
  char **filters;
  const char *name; /* the REPOSITORY[:TAG] argument */
  struct skiff_image_filters *match;
};

#define T struct images_opts
static const struct skiff_opt images_options[] = {
  SKIFF_OPT_B ("all", 'a', T, all, "Show all images (default hides intermediate images)"),
  SKIFF_OPT_B ("digests", 0, T, digests, "Show digests"),
  { .name = "filter",
    .shorthand = 'f',
    .type = SKIFF_OPT_STRINGS,
    .value_name = "filter",
    .offset = SKIFF_OPT_FIELD (T, filters, char **),
    .help = "Filter output based on conditions provided" },
  SKIFF_OPT_S ("format", 0, T, format, "Format output using a custom template"),
  SKIFF_OPT_B ("no-trunc", 0, T, no_trunc, "Don't truncate output"),
  SKIFF_OPT_B ("noheading", 'n', T, noheading, "Do not print column headings"),
  SKIFF_OPT_B ("quiet", 'q', T, quiet, "Only show image IDs"),
  { .name = "sort",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (T, sort, const char *),
    .help = "Sort by tag, created, id, repository, size",
    .default_text = "\"created\"",
    .complete = "created|id|repository|size|tag" },
  SKIFF_OPT_END,
};
#undef T
const struct skiff_opt *const skiff_cli_images_groups[] = { images_options, NULL };

struct row
{
  const struct skiff_image *img;
  char *repo, *tag, *id;
  int64_t created_ns; /* for sorting */
  time_t created;
};

static int
by_name (const struct row *x, const struct row *y)
{
  int c = strcmp (x->repo, y->repo);
  return c ? c : strcmp (x->tag, y->tag);
}

/* podman's images --sort: created newest first, the others ascending; ties by name. */
static int
by_created_desc (const void *a, const void *b)
{
  const struct row *x = a, *y = b;
  if (x->created_ns != y->created_ns)
    return x->created_ns < y->created_ns ? 1 : -1;
  return by_name (x, y);
}

static int
by_id (const void *a, const void *b)
{
  const struct row *x = a, *y = b;
  int c = strcmp (x->img->id, y->img->id);
  return c ? c : by_name (x, y);
}

static int
by_repository (const void *a, const void *b)
{
  return by_name (a, b);
}

static int
by_size (const void *a, const void *b)
{
  const struct row *x = a, *y = b;
  if (x->img->size != y->img->size)
    return x->img->size < y->img->size ? -1 : 1;
  return by_name (x, y);
}

static int
by_tag (const void *a, const void *b)
{
  const struct row *x = a, *y = b;
  int c = strcmp (x->tag, y->tag);
  return c ? c : strcmp (x->repo, y->repo);
}

static const struct
{
  const char *key;
  int (*compare) (const void *, const void *);
} sort_keys[] = {
  { "created", by_created_desc },
  { "id", by_id },
  { "repository", by_repository },
  { "size", by_size },
  { "tag", by_tag },
};

static int
sort_function (const char *key, int (**out) (const void *, const void *), struct skiff_error **err)
{
  for (size_t i = 0; i < sizeof sort_keys / sizeof sort_keys[0]; i++)
    if (strcmp (key, sort_keys[i].key) == 0)
      {
        *out = sort_keys[i].compare;
        return 0;
      }
  return skiff_error_make_status (err, 125, 0,
                                  "\"%s\" is not a valid field for sorting. Choose from: "
                                  "created, id, repository, size, tag",
                                  key);
}

/* "busybox", "docker.io/library/busybox" or "busybox:1.0" against a row's familiar repository
 * and tag: the filter is normalised as a reference; without a tag it matches every tag. */
static bool
matches_filter (const char *filter, const char *repo, const char *tag)
{
  if (filter == NULL)
    return true;
  struct skiff_reference ref;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_reference_parse (filter, &ref, &e) < 0)
    return false;
  const char *slash = strrchr (filter, '/');
  bool has_tag = strchr (slash ? slash : filter, ':') != NULL;
  _cleanup_free_ char *want = skiff_reference_familiar_name (&ref);
  bool r = strcmp (want, repo) == 0 && (!has_tag || (ref.tag && strcmp (ref.tag, tag) == 0));
  skiff_reference_clear (&ref);
  return r;
}

static void
add_row (struct row **rows, size_t *n, const struct skiff_image *img, const char *repo,
         const char *tag, const struct images_opts *o)
{
  struct timespec ts = { 0 };
  skiff_time_parse (img->created ? img->created : "", &ts);
  *rows = xrealloc (*rows, (*n + 1) * sizeof **rows);
  struct row *r = &(*rows)[(*n)++];
  r->img = img;
  r->created = ts.tv_sec;
  r->created_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  r->repo = xstrdup (repo);
  r->tag = xstrdup (tag);
  r->id = o->no_trunc ? xasprintf ("sha256:%s", img->id) : xstrndup (img->id, 12);
}

static void
image_rows (struct row **rows, size_t *n, const struct skiff_image *img,
            const struct images_opts *o)
{
  if (!skiff_image_filters_match_image (o->match, img))
    return;
  if (img->names == NULL && o->name == NULL && !skiff_image_filters_have_reference (o->match))
    add_row (rows, n, img, "<none>", "<none>", o);
  for (size_t i = 0; img->names && img->names[i]; i++)
    {
      struct skiff_reference ref;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_reference_parse (img->names[i], &ref, &e) < 0)
        continue;
      _cleanup_free_ char *repo = skiff_reference_familiar_name (&ref);
      const char *tag = ref.tag ? ref.tag : "<none>";
      if (matches_filter (o->name, repo, tag)
          && skiff_image_filters_match_name (o->match, repo, tag))
        add_row (rows, n, img, repo, tag, o);
      skiff_reference_clear (&ref);
    }
}

static const char header_json[]
    = "{\"Containers\":\"CONTAINERS\",\"CreatedAt\":\"CREATED AT\",\"CreatedSince\":"
      "\"CREATED\",\"Digest\":\"DIGEST\",\"ID\":\"IMAGE ID\",\"Repository\":\"REPOSITORY\","
      "\"SharedSize\":\"SHARED SIZE\",\"Size\":\"SIZE\",\"Tag\":\"TAG\",\"UniqueSize\":"
      "\"UNIQUE SIZE\",\"VirtualSize\":\"VIRTUAL SIZE\"}";

/* One row as the object docker's templates see ({{.Repository}}, {{json .}}...). */
static yajl_val
row_object (const struct row *r)
{
  yajl_gen g = skiff_json_gen_new (false);
  _cleanup_free_ char *ago = skiff_human_duration (time (NULL) - r->created);
  _cleanup_free_ char *since = r->created ? xasprintf ("%s ago", ago) : xstrdup ("N/A");
  _cleanup_free_ char *size = skiff_human_size (r->img->size);
  char at[64] = "";
  struct tm tm;
  if (gmtime_r (&r->created, &tm))
    strftime (at, sizeof at, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Containers", "N/A");
  skiff_json_gen_key_string (g, "CreatedAt", at);
  skiff_json_gen_key_string (g, "CreatedSince", since);
  skiff_json_gen_key_string (g, "Digest", "<none>");
  skiff_json_gen_key_string (g, "ID", r->id);
  skiff_json_gen_key_string (g, "Repository", r->repo);
  skiff_json_gen_key_string (g, "SharedSize", "N/A");
  skiff_json_gen_key_string (g, "Size", size);
  skiff_json_gen_key_string (g, "Tag", r->tag);
  skiff_json_gen_key_string (g, "UniqueSize", "N/A");
  skiff_json_gen_key_string (g, "VirtualSize", size);
  yajl_gen_map_close (g);
  yajl_val v = skiff_cli_gen_tree (g);
  yajl_gen_free (g);
  return v;
}

static int
print_rows (struct row *rows, size_t n, const struct images_opts *o, struct skiff_error **err)
{
  yajl_val *objs = xzalloc ((n + 1) * sizeof *objs);
  for (size_t i = 0; i < n; i++)
    objs[i] = row_object (&rows[i]);
  return skiff_cli_format_rows (o->format, o->digests ? DIGESTS_TABLE : DEFAULT_TABLE,
                                o->noheading ? NULL : header_json, objs, n, err);
}

static int
list_images (struct skiff_store *store, struct images_opts *o, struct skiff_error **err)
{
  struct skiff_image **list = NULL;
  int (*compare) (const void *, const void *) = NULL;
  int r = sort_function (o->sort, &compare, err);
  if (r < 0)
    return r;
  r = skiff_image_filters_new (store, o->filters, &o->match, err);
  if (r < 0)
    return r;
  log_debug ("images: listing the store's images");
  r = skiff_image_list (store, &list, err);
  if (r < 0)
    return r;
  struct row *rows = NULL;
  size_t n = 0;
  for (size_t i = 0; list[i]; i++)
    image_rows (&rows, &n, list[i], o);
  if (n > 0)
    qsort (rows, n, sizeof *rows, compare);
  log_debug ("images: %zu rows after the filters", n);
  if (o->quiet && o->format == NULL)
    {
      _cleanup_strv_ char **seen = NULL;
      for (size_t i = 0; i < n; i++)
        if (!skiff_strv_contains (seen, rows[i].id))
          {
            printf ("%s\n", rows[i].id);
            skiff_strv_push (&seen, rows[i].id);
          }
    }
  else
    r = print_rows (rows, n, o, err);
  for (size_t i = 0; i < n; i++)
    {
      free (rows[i].repo);
      free (rows[i].tag);
      free (rows[i].id);
    }
  free (rows);
  skiff_image_list_free (list);
  return r;
}

int
cmd_images (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct images_opts o = { .sort = "created" };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  struct skiff_store *store;
  if (res.nargs > 1)
    r = skiff_cli_usage_error (cli, err, "\"skiff images\" requires at most 1 argument");
  else if ((r = skiff_cli_store (cli, &store, err)) == 0)
    {
      o.name = res.nargs ? res.args[0] : NULL;
      r = list_images (store, &o, err);
    }
  skiff_image_filters_free (o.match);
  free (o.filters);
  return r;
}
