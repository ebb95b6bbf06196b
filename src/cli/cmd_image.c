/* skiff image SUBCOMMAND: the image management group (podman/docker "image" namespace). */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/log.h"
#include "skiff/image.h"

static int
cmd_image_exists (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, NULL, &res, err);
  if (r != 0)
    return r > 0 ? skiff_cli_help (cli) : r;
  if (res.nargs != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff image exists\" requires exactly 1 argument");
  struct skiff_store *store;
  r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  _cleanup_image_ struct skiff_image *img = NULL;
  struct skiff_error *e = NULL;
  log_debug ("image exists: looking up %s", res.args[0]);
  r = skiff_image_lookup (store, res.args[0], &img, &e);
  if (r == -ENOENT)
    {
      skiff_error_free (e);
      return 1;
    }
  if (r < 0)
    {
      *err = e;
      return r;
    }
  return 0;
}

static const struct skiff_command image_commands[] = {
  { "image exists", cmd_image_exists, "Check if an image exists in local storage", "IMAGE",
    skiff_cli_no_flags_groups },
  { "image history", cmd_history, "Show the history of an image", "[OPTIONS] IMAGE",
    skiff_cli_history_groups },
  { "image import", cmd_import, "Import a tarball to create a filesystem image",
    "[OPTIONS] FILE|- [REPOSITORY[:TAG]]", skiff_cli_import_groups },
  { "image inspect", cmd_image_inspect, "Display detailed information on one or more images",
    "[OPTIONS] IMAGE [IMAGE...]", skiff_cli_image_inspect_groups },
  { "image load", cmd_load, "Load an image from a tar archive or STDIN", "[OPTIONS]",
    skiff_cli_load_groups },
  { "image ls", cmd_images, "List images", "[OPTIONS] [REPOSITORY[:TAG]]",
    skiff_cli_images_groups },
  { "image prune", cmd_image_prune, "Remove unused images", "[OPTIONS]",
    skiff_cli_image_prune_groups },
  { "image rm", cmd_rmi, "Remove one or more images", "[OPTIONS] IMAGE [IMAGE...]",
    skiff_cli_rmi_groups },
  { "image save", cmd_save,
    "Save one or more images to a tar archive (streamed to STDOUT by default)",
    "[OPTIONS] IMAGE [IMAGE...]", skiff_cli_save_groups },
  { "image tag", cmd_tag, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
    "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", skiff_cli_no_flags_groups },
  { "image untag", cmd_untag, "Remove a name from an image", "IMAGE [NAME...]",
    skiff_cli_no_flags_groups },
};

static const struct skiff_command *
find_sub (const char *name)
{
  static const struct
  {
    const char *alias, *name;
  } aliases[] = { { "list", "ls" }, { "remove", "rm" }, { "rmi", "rm" } };
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcmp (name, aliases[i].alias) == 0)
      name = aliases[i].name;
  for (size_t i = 0; i < sizeof image_commands / sizeof image_commands[0]; i++)
    if (strcmp (image_commands[i].name + 6, name) == 0)
      return &image_commands[i];
  return NULL;
}

static void
print_image_help (void)
{
  printf ("Usage: skiff image COMMAND\n\nManage images\n\nCommands:\n");
  for (size_t i = 0; i < sizeof image_commands / sizeof image_commands[0]; i++)
    printf ("  %-10s %s\n", image_commands[i].name + 6, image_commands[i].summary);
}

int
cmd_image (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_image_help ();
      return 0;
    }
  const struct skiff_command *sub = find_sub (argv[1]);
  if (sub == NULL)
    return skiff_error_make_status (err, 125, 0,
                                    "unknown command \"%s\" for \"skiff image\" (see 'skiff "
                                    "image --help')",
                                    argv[1]);
  cli->command = sub;
  return sub->run (cli, argc - 1, argv + 1, err);
}

const struct skiff_command *
skiff_cli_image_subcommands (size_t *n)
{
  *n = sizeof image_commands / sizeof image_commands[0];
  return image_commands;
}
