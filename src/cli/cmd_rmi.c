/* skiff rmi [-f] [-a] IMAGE...;  skiff image prune [-a] [-f] */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static void
print_removal (const struct skiff_image_removal *rm, bool lower)
{
  for (size_t i = 0; rm->untagged && rm->untagged[i]; i++)
    {
      _cleanup_free_ char *f = skiff_reference_familiar_text (rm->untagged[i]);
      printf ("%s: %s\n", lower ? "untagged" : "Untagged", f);
    }
  for (size_t i = 0; rm->deleted && rm->deleted[i]; i++)
    printf ("%s: sha256:%s\n", lower ? "deleted" : "Deleted", rm->deleted[i]);
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
      int r = skiff_image_remove (store, names[i], force, &rm, &e);
      print_removal (&rm, false);
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

int
cmd_rmi (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "all", no_argument, NULL, 'a' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  bool force = false, all = false;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":fah", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        force = true;
        break;
      case 'a':
        all = true;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (all && optind < argc)
    return skiff_cli_usage_error (cli, err,
                                  "when using the --all switch, you may not pass any "
                                  "images names or IDs");
  if (!all && optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument",
                                  cli->command->name);
  struct skiff_store *store;
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  if (!all)
    return remove_each (store, argv + optind, force, err);
  _cleanup_strv_ char **ids = all_ids (store, err);
  if (ids == NULL)
    return -1;
  return remove_each (store, ids, force, err);
}

int
cmd_image_prune (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "force", no_argument, NULL, 'f' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  bool all = false, force = false;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":afh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = true;
        break;
      case 'f':
        force = true;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind < argc)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" accepts no arguments",
                                  cli->command->name);
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
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  struct skiff_image_removal rm = { 0 };
  r = skiff_image_prune (store, all, &rm, err);
  if (rm.untagged || rm.deleted)
    {
      printf ("Deleted Images:\n");
      print_removal (&rm, true);
      printf ("\n");
    }
  _cleanup_free_ char *size = skiff_human_size (rm.reclaimed);
  printf ("Total reclaimed space: %s\n", size);
  skiff_image_removal_clear (&rm);
  return r;
}
