/* skiff rmi [-f] [-a] IMAGE...;  skiff image prune [-a] [-f] */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "image_filters.h"
#include "skiff/events.h"
#include "skiff/log.h"
#include "skiff/cleanup.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_cli_print_image_removal (const struct skiff_image_removal *rm, bool lower)
{
  for (size_t i = 0; rm->untagged && rm->untagged[i]; i++)
    {
      _cleanup_free_ char *f = skiff_reference_familiar_text (rm->untagged[i]);
      printf ("%s: %s\n", lower ? "untagged" : "Untagged", f);
    }
  for (size_t i = 0; rm->deleted && rm->deleted[i]; i++)
    printf ("%s: sha256:%s\n", lower ? "deleted" : "Deleted", rm->deleted[i]);
}

/* untag and delete, as docker reports a removal */
static void
removal_events (struct skiff_store *store, const struct skiff_image_removal *rm)
{
  for (size_t i = 0; rm->untagged && rm->untagged[i]; i++)
    {
      _cleanup_free_ char *f = skiff_reference_familiar_text (rm->untagged[i]);
      skiff_events_image (store, f, f, "untag");
    }
  for (size_t i = 0; rm->deleted && rm->deleted[i]; i++)
    skiff_events_image (store, rm->deleted[i], NULL, "delete");
}

/* All image IDs, for rmi -a. */
static char **
all_ids (struct skiff_store *store, struct skiff_error **err)
{
  struct skiff_image **list = NULL;
  if (skiff_image_list (store, &list, err) < 0)
    return NULL;
  char **ids = xzalloc (sizeof *ids);
  for (size_t i = 0; list[i]; i++)
    skiff_strv_push (&ids, list[i]->id);
  skiff_image_list_free (list);
  return ids;
}

/* Removes each image; errors of all but the last failing one are printed here. */
static int
remove_each (struct skiff_store *store, char *const *names, bool force, struct skiff_error **err)
{
  int ret = 0;
  for (size_t i = 0; names[i]; i++)
    {
      struct skiff_image_removal rm = { 0 };
      struct skiff_error *e = NULL;
      log_debug ("rmi: removing %s%s", names[i], force ? " (forced)" : "");
      int r = skiff_image_remove (store, names[i], force, &rm, &e);
      skiff_cli_print_image_removal (&rm, false);
      removal_events (store, &rm);
      skiff_image_removal_clear (&rm);
      fflush (stdout);
      if (r < 0)
        {
          skiff_error_log_drop (err, SKIFF_LOG_ERROR);
          *err = e;
          ret = r;
        }
    }
  return ret;
}

struct rmi_opts
{
  bool all, force;
};

static const struct skiff_opt rmi_options[] = {
  SKIFF_OPT_B ("all", 'a', struct rmi_opts, all, "Remove all images"),
  SKIFF_OPT_B ("force", 'f', struct rmi_opts, force, "Force removal of the image"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_rmi_groups[] = { rmi_options, NULL };

int
cmd_rmi (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct rmi_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  bool all = o.all, force = o.force;
  if (all && res.nargs > 0)
    return skiff_cli_usage_error (cli, err,
                                  "when using the --all switch, you may not pass any "
                                  "images names or IDs");
  if (!all && res.nargs == 0)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument",
                                  cli->command->name);
  struct skiff_store *store;
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  if (!all)
    return remove_each (store, res.args, force, err);
  _cleanup_strv_ char **ids = all_ids (store, err);
  if (ids == NULL)
    return -1;
  return remove_each (store, ids, force, err);
}

struct prune_opts
{
  bool all, force;
  char **filters;
};

static const struct skiff_opt prune_options[] = {
  SKIFF_OPT_B ("all", 'a', struct prune_opts, all,
               "Remove all unused images, not just dangling ones"),
  { .name = "filter",
    .type = SKIFF_OPT_STRINGS,
    .value_name = "filter",
    .offset = SKIFF_OPT_FIELD (struct prune_opts, filters, char **),
    .help = "Provide filter values (e.g. until=<timestamp>)" },
  SKIFF_OPT_B ("force", 'f', struct prune_opts, force, "Do not prompt for confirmation"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_image_prune_groups[] = { prune_options, NULL };

static bool
prune_match (const struct skiff_image *img, const void *filters)
{
  return skiff_image_filters_match_image (filters, img);
}

int
cmd_image_prune (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct prune_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  bool all = o.all, force = o.force;
  _cleanup_image_filters_ struct skiff_image_filters *match = NULL;
  if (res.nargs > 0)
    r = skiff_cli_usage_error (cli, err, "\"skiff %s\" accepts no arguments", cli->command->name);
  else
    r = skiff_image_prune_filters_new (o.filters, &all, &match, err);
  free (o.filters);
  if (r < 0)
    return r;
  if (!force)
    {
      printf ("WARNING! This will remove all %s.\nAre you sure you want to continue? [y/N] ",
              all ? "images without at least one container associated to them" : "dangling images");
      fflush (stdout);
      char answer[16] = "";
      if (fgets (answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
        return 0;
    }
  struct skiff_store *store;
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  log_debug ("image prune: removing %s", all ? "unused images" : "dangling images");
  struct skiff_image_removal rm = { 0 };
  r = skiff_image_prune (store, all, prune_match, match, &rm, err);
  if (rm.untagged || rm.deleted)
    {
      printf ("Deleted Images:\n");
      skiff_cli_print_image_removal (&rm, true);
      printf ("\n");
    }
  _cleanup_free_ char *size = skiff_human_size (rm.reclaimed);
  printf ("Total reclaimed space: %s\n", size);
  skiff_image_removal_clear (&rm);
  return r;
}
