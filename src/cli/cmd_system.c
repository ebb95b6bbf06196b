/* skiff system check [-r|--repair] [--verify] */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/image.h"
#include "skiff/strv.h"

static int
cmd_system_check (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  enum
  {
    OPT_VERIFY = 256,
  };
  static const struct option opts[] = {
    { "repair", no_argument, NULL, 'r' },
    { "verify", no_argument, NULL, OPT_VERIFY },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  bool repair = false, verify = false;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":rh", opts, NULL)) != -1)
    switch (c)
      {
      case 'r':
        repair = true;
        break;
      case OPT_VERIFY:
        verify = true;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  struct skiff_store *store;
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  _cleanup_strv_ char **problems = NULL;
  r = skiff_image_check (store, repair, verify, &problems, err);
  if (r == 0)
    r = skiff_container_check (store, repair, &problems, err);
  if (r < 0)
    return r;
  for (size_t i = 0; problems && problems[i]; i++)
    printf ("%s%s\n", problems[i], repair ? " (repaired)" : "");
  return problems && !repair ? 1 : 0;
}

static const struct skiff_command system_commands[] = {
  { "system check", cmd_system_check, "Check the store for consistency", "[OPTIONS]",
    "  -r, --repair   Remove what is broken\n"
    "      --verify   Also read every layer's files and compare them with what was unpacked\n" },
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
