/* skiff system check [-r|--repair] [--verify]; `system df` and `system prune` are in
 * cmd_system_df.c and cmd_system_prune.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/volume.h"

struct check_opts
{
  bool repair, verify;
};

static const struct skiff_opt check_options[] = {
  SKIFF_OPT_B ("repair", 'r', struct check_opts, repair, "Remove what is broken"),
  SKIFF_OPT_B ("verify", 0, struct check_opts, verify,
               "Also read every layer's files and compare them with what was unpacked"),
  SKIFF_OPT_END,
};
static const struct skiff_opt *const check_groups[] = { check_options, NULL };

static int
cmd_system_check (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct check_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  if (res.nargs > 0)
    return skiff_cli_usage_error (cli, err, "\"skiff system check\" accepts no arguments");
  bool repair = o.repair, verify = o.verify;
  struct skiff_store *store;
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  _cleanup_strv_ char **problems = NULL;
  log_debug ("system check: images%s, then containers%s", verify ? " (verifying layers)" : "",
             repair ? ", repairing" : "");
  r = skiff_image_check (store, repair, verify, &problems, err);
  if (r == 0)
    r = skiff_container_check (store, repair, &problems, err);
  if (r == 0) /* leases of containers whose process is gone (a SIGKILLed monitor) */
    r = skiff_network_check (store, repair, &problems, err);
  if (r == 0)
    r = skiff_volume_check (store, repair, &problems, err);
  if (r < 0)
    return r;
  for (size_t i = 0; problems && problems[i]; i++)
    printf ("%s%s\n", problems[i], repair ? " (repaired)" : "");
  return problems && !repair ? 1 : 0;
}

static const struct skiff_command system_commands[] = {
  { "system check", cmd_system_check, "Check the store for consistency", "[OPTIONS]",
    check_groups },
  { "system df", cmd_system_df, "Show docker disk usage", "[OPTIONS]", skiff_cli_system_df_groups },
  { "system prune", cmd_system_prune, "Remove unused data", "[OPTIONS]",
    skiff_cli_system_prune_groups },
};

int
cmd_system (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      printf ("Usage: skiff system COMMAND\n\nManage skiff\n\nCommands:\n");
      for (size_t i = 0; i < sizeof system_commands / sizeof system_commands[0]; i++)
        printf ("  %-10s %s\n", system_commands[i].name + 7, system_commands[i].summary);
      return 0;
    }
  for (size_t i = 0; i < sizeof system_commands / sizeof system_commands[0]; i++)
    if (strcmp (system_commands[i].name + 7, argv[1]) == 0)
      {
        cli->command = &system_commands[i];
        return system_commands[i].run (cli, argc - 1, argv + 1, err);
      }
  return skiff_error_make_status (err, 125, 0,
                                  "unknown command \"%s\" for \"skiff system\" (see 'skiff "
                                  "system --help')",
                                  argv[1]);
}

const struct skiff_command *
skiff_cli_system_subcommands (size_t *n)
{
  *n = sizeof system_commands / sizeof system_commands[0];
  return system_commands;
}
