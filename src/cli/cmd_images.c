/* skiff images [-a] [-q] [--no-trunc] [--digests] [--format F] [REPOSITORY[:TAG]] */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
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
  bool quiet, no_trunc, digests;
  const char *filter;
  const char *format;
};

struct row
{
  const struct skiff_image *img;
  char *repo, *tag, *id;
  int64_t created_ns; /* for sorting */
  time_t created;
};

static int
by_created_desc (const void *a, const void *b)
{
  const struct row *x = a, *y = b;
  if (x->created_ns != y->created_ns)
    return x->created_ns < y->created_ns ? 1 : -1;
  int c = strcmp (x->repo, y->repo);
  return c ? c : strcmp (x->tag, y->tag);
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
  if (img->names == NULL && o->filter == NULL)
    add_row (rows, n, img, "<none>", "<none>", o);
  for (size_t i = 0; img->names && img->names[i]; i++)
    {
      struct skiff_reference ref;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_reference_parse (img->names[i], &ref, &e) < 0)
        continue;
      _cleanup_free_ char *repo = skiff_reference_familiar_name (&ref);
      const char *tag = ref.tag ? ref.tag : "<none>";
      if (matches_filter (o->filter, repo, tag))
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
  return skiff_cli_format_rows (o->format, o->digests ? DIGESTS_TABLE : DEFAULT_TABLE, header_json,
                                objs, n, err);
}

static int
list_images (struct skiff_store *store, const struct images_opts *o, struct skiff_error **err)
{
  struct skiff_image **list = NULL;
  int r = skiff_image_list (store, &list, err);
  if (r < 0)
    return r;
  struct row *rows = NULL;
  size_t n = 0;
  for (size_t i = 0; list[i]; i++)
    image_rows (&rows, &n, list[i], o);
  if (n > 0)
    qsort (rows, n, sizeof *rows, by_created_desc);
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
  enum
  {
    OPT_NO_TRUNC = 256,
    OPT_DIGESTS,
    OPT_FORMAT,
  };
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
    { "digests", no_argument, NULL, OPT_DIGESTS },
    { "format", required_argument, NULL, OPT_FORMAT },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  struct images_opts o = { 0 };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":aqh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        break; /* no intermediate images exist: every image is listed */
      case 'q':
        o.quiet = true;
        break;
      case OPT_NO_TRUNC:
        o.no_trunc = true;
        break;
      case OPT_DIGESTS:
        o.digests = true;
        break;
      case OPT_FORMAT:
        o.format = optarg;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (argc - optind > 1)
    return skiff_cli_usage_error (cli, err, "\"skiff images\" requires at most 1 argument");
  o.filter = optind < argc ? argv[optind] : NULL;
  struct skiff_store *store;
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  return list_images (store, &o, err);
}
