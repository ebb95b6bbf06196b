/* skiff images [-a] [-q] [--no-trunc] [--digests] [REPOSITORY[:TAG]] */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/reference.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

enum
{
  COL_REPO,
  COL_TAG,
  COL_DIGEST,
  COL_ID,
  COL_CREATED,
  COL_SIZE,
  N_COLS
};

struct images_opts
{
  bool quiet, no_trunc, digests;
  const char *filter;
};

struct row
{
  char *cell[N_COLS];
  int64_t created; /* ns, for sorting */
};

static const char *const headers[N_COLS]
    = { "REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE" };

static void
print_table (struct row *rows, size_t n, bool digests)
{
  const char *hdr[N_COLS];
  size_t ncols = 0;
  for (int c = 0; c < N_COLS; c++)
    if (c != COL_DIGEST || digests)
      hdr[ncols++] = headers[c];
  char **cells = xzalloc ((n * ncols + 1) * sizeof *cells);
  for (size_t i = 0, k = 0; i < n; i++)
    for (int c = 0; c < N_COLS; c++)
      if (c != COL_DIGEST || digests)
        cells[k++] = rows[i].cell[c];
  skiff_cli_columns_print (stdout, hdr, ncols, cells, n);
  free (cells);
}

static int
by_created_desc (const void *a, const void *b)
{
  const struct row *x = a, *y = b;
  if (x->created != y->created)
    return x->created < y->created ? 1 : -1;
  int c = strcmp (x->cell[COL_REPO], y->cell[COL_REPO]);
  return c ? c : strcmp (x->cell[COL_TAG], y->cell[COL_TAG]);
}

/* "busybox" or "busybox:1.0" against a row's familiar repository and tag. */
static bool
matches_filter (const char *filter, const char *repo, const char *tag)
{
  if (filter == NULL)
    return true;
  const char *colon = strrchr (filter, ':');
  if (colon && strchr (colon, '/') == NULL)
    return strlen (repo) == (size_t) (colon - filter) && strncmp (filter, repo, colon - filter) == 0
           && strcmp (colon + 1, tag) == 0;
  return strcmp (filter, repo) == 0;
}

static void
add_row (struct row **rows, size_t *n, const struct skiff_image *img, const char *repo,
         const char *tag, const struct images_opts *o)
{
  struct timespec ts = { 0 };
  skiff_time_parse (img->created ? img->created : "", &ts);
  _cleanup_free_ char *ago = skiff_human_duration (time (NULL) - ts.tv_sec);
  *rows = xrealloc (*rows, (*n + 1) * sizeof **rows);
  struct row *r = &(*rows)[(*n)++];
  r->created = (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
  r->cell[COL_REPO] = xstrdup (repo);
  r->cell[COL_TAG] = xstrdup (tag);
  r->cell[COL_DIGEST] = xstrdup ("<none>");
  r->cell[COL_ID] = o->no_trunc ? xasprintf ("sha256:%s", img->id) : xstrndup (img->id, 12);
  r->cell[COL_CREATED] = ts.tv_sec ? xasprintf ("%s ago", ago) : xstrdup ("N/A");
  r->cell[COL_SIZE] = skiff_human_size (img->size);
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
  if (o->quiet)
    {
      for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp (rows[i].cell[COL_ID], rows[i - 1].cell[COL_ID]) != 0)
          printf ("%s\n", rows[i].cell[COL_ID]);
    }
  else
    print_table (rows, n, o->digests);
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < N_COLS; c++)
      free (rows[i].cell[c]);
  free (rows);
  skiff_image_list_free (list);
  return 0;
}

int
cmd_images (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  enum
  {
    OPT_NO_TRUNC = 256,
    OPT_DIGESTS,
  };
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
    { "digests", no_argument, NULL, OPT_DIGESTS },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  struct images_opts o = { 0 };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:aqh", opts, NULL)) != -1)
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
