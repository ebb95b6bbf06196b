/* skiff system prune [-a] [-f] [--volumes] [--filter]: docker's, in its order: stopped
 * containers, then (--volumes) anonymous volumes no container uses (docker 23+), then dangling
 * images (-a: every image no container uses); each removal's report, then "Total reclaimed
 * space".  Filters are prune's (until, label, label!), applied to each kind; until does not go
 * with --volumes (docker's error).  skiff has no user-defined networks or build cache. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/logfile.h"
#include "skiff/strv.h"
#include "skiff/volume.h"
#include "skiff/xalloc.h"

struct prune_opts
{
  bool all, force, volumes;
  char **filters;
};

static const struct skiff_opt prune_options[] = {
  SKIFF_OPT_B ("all", 'a', struct prune_opts, all,
               "Remove all unused images not just dangling ones"),
  { .name = "filter",
    .type = SKIFF_OPT_FUNC,
    .value_name = "filter",
    .offset = SKIFF_OPT_FIELD (struct prune_opts, filters, char **),
    .parse = skiff_cli_parse_filter,
    .flags = SKIFF_OPT_OWNS_STRV,
    .help = "Provide filter values (e.g. \"label=<key>=<value>\")" },
  SKIFF_OPT_B ("force", 'f', struct prune_opts, force, "Do not prompt for confirmation"),
  SKIFF_OPT_B ("volumes", 0, struct prune_opts, volumes, "Prune anonymous volumes"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_system_prune_groups[] = { prune_options, NULL };

static bool
confirm (const struct prune_opts *o)
{
  printf ("WARNING! This will remove:\n  - all stopped containers\n%s  - %s\n\n"
          "Are you sure you want to continue? [y/N] ",
          o->volumes ? "  - all anonymous volumes not used by at least one container\n" : "",
          o->all ? "all images without at least one container associated to them"
                 : "all dangling images");
  fflush (stdout);
  char line[16] = "";
  return fgets (line, sizeof line, stdin) != NULL && (line[0] == 'y' || line[0] == 'Y');
}

/* The filter's value when its key is key ("label=a=b" -> "a=b"), else NULL. */
static const char *
filter_value (const char *filter, const char *key)
{
  size_t n = strlen (key);
  return strncmp (filter, key, n) == 0 && filter[n] == '=' ? filter + n + 1 : NULL;
}

static bool
image_has_label (const struct skiff_image *img, const char *v)
{
  size_t lk = strcspn (v, "=");
  for (char **l = img->config.labels; l && l[0] && l[1]; l += 2)
    if (strlen (l[0]) == lk && strncmp (l[0], v, lk) == 0)
      return v[lk] == '\0' || strcmp (l[1], v + lk + 1) == 0;
  return false;
}

/* Does the image pass every prune filter (label, label!, until: created before)? */
static bool
image_selected (const struct skiff_image *img, char *const *filters)
{
  struct timespec now, until, created = { 0 };
  clock_gettime (CLOCK_REALTIME, &now);
  for (size_t i = 0; filters && filters[i]; i++)
    {
      const char *v;
      _cleanup_error_ struct skiff_error *e = NULL;
      if ((v = filter_value (filters[i], "label")) && !image_has_label (img, v))
        return false;
      if ((v = filter_value (filters[i], "label!")) && image_has_label (img, v))
        return false;
      if ((v = filter_value (filters[i], "until"))
          && (skiff_logfile_parse_time (v, &now, &until, &e) < 0
              || skiff_time_parse (img->created ? img->created : "", &created) < 0
              || created.tv_sec >= until.tv_sec))
        return false;
    }
  return true;
}

/* Images: prune's own selection without filters, else each selected unused image removed. */
static int
prune_images (struct skiff_store *store, const struct prune_opts *o, char *const *ctr_ids,
              struct skiff_image_removal *out, struct skiff_error **err)
{
  if (o->filters == NULL)
    return skiff_image_prune (store, o->all, NULL, NULL, out, err);
  _cleanup_strv_ char **used = NULL;
  for (size_t i = 0; ctr_ids && ctr_ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_container_load (store, ctr_ids[i], &c, &e) == 0)
        skiff_strv_push (&used, c->config.image_id);
    }
  struct skiff_image **list = NULL;
  int r = skiff_image_list (store, &list, err);
  for (size_t i = 0; r == 0 && list[i]; i++)
    {
      const struct skiff_image *img = list[i];
      if ((!o->all && img->names && img->names[0]) || skiff_strv_contains (used, img->id)
          || !image_selected (img, o->filters))
        continue;
      struct skiff_image_removal one = { 0 };
      if ((r = skiff_image_remove (store, img->id, true, &one, err)) == 0)
        {
          for (char **s = one.untagged; s && *s; s++)
            skiff_strv_push (&out->untagged, *s);
          for (char **s = one.deleted; s && *s; s++)
            skiff_strv_push (&out->deleted, *s);
          out->reclaimed += one.reclaimed;
        }
      skiff_image_removal_clear (&one);
    }
  skiff_image_list_free (list);
  return r;
}

static int
check_filters (struct skiff_store *store, const struct prune_opts *o, struct skiff_error **err)
{
  for (size_t i = 0; o->volumes && o->filters && o->filters[i]; i++)
    if (filter_value (o->filters[i], "until"))
      return skiff_error_make_status (err, 125, 0,
                                      "The \"until\" filter is not supported with \"--volumes\"");
  return skiff_cli_ps_filters_check (store, o->filters, skiff_cli_container_prune_filter_keys, err);
}

static int
run_prune (struct skiff_store *store, const struct prune_opts *o, struct skiff_error **err)
{
  _cleanup_strv_ char **ids = NULL;
  int r = skiff_container_list_ids (store, &ids, err);
  if (r < 0)
    return r;
  int64_t total = 0;
  _cleanup_strv_ char **deleted = skiff_cli_container_prune_run (store, ids, o->filters, &total);
  for (size_t i = 0; deleted && deleted[i]; i++)
    printf ("%s%s\n", i ? "" : "Deleted Containers:\n", deleted[i]);
  if (deleted)
    printf ("\n");
  if (o->volumes)
    {
      _cleanup_strv_ char **removed = NULL;
      struct skiff_engine_volume *before = NULL; /* their sizes, for the total */
      if ((r = skiff_engine_volume_select (store, NULL, &before, err)) < 0)
        return r;
      size_t nv = 0;
      while (before[nv].volume)
        nv++;
      _cleanup_free_ int64_t *sizes = xzalloc ((nv + 1) * sizeof *sizes);
      for (size_t i = 0; i < nv; i++)
        sizes[i] = before[i].in_use ? 0 : skiff_cli_tree_size (before[i].volume->data);
      if ((r = skiff_engine_volume_prune (store, false, o->filters, &removed, err)) == 0)
        for (size_t i = 0; i < nv; i++)
          if (skiff_strv_contains (removed, before[i].volume->name))
            total += sizes[i];
      skiff_engine_volumes_free (before);
      if (r < 0)
        return r;
      for (size_t i = 0; removed && removed[i]; i++)
        printf ("%s%s\n", i ? "" : "Deleted Volumes:\n", removed[i]);
      if (removed)
        printf ("\n");
    }
  _cleanup_strv_ char **left = NULL;
  if ((r = skiff_container_list_ids (store, &left, err)) < 0)
    return r;
  struct skiff_image_removal rm = { 0 };
  r = prune_images (store, o, left, &rm, err);
  if (rm.untagged || rm.deleted)
    {
      printf ("Deleted Images:\n");
      skiff_cli_print_image_removal (&rm, true);
      printf ("\n");
    }
  total += rm.reclaimed;
  skiff_image_removal_clear (&rm);
  _cleanup_free_ char *size = skiff_human_size (total);
  printf ("Total reclaimed space: %s\n", size);
  return r;
}

int
cmd_system_prune (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct prune_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  int r = skiff_cli_parse_no_args (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && (r = skiff_cli_store (cli, &store, err)) == 0
      && (r = check_filters (store, &o, err)) == 0 && (o.force || confirm (&o)))
    r = run_prune (store, &o, err);
  skiff_cli_parse_clear (cli, &o, &res);
  return r;
}
