/* A command group's dispatch (`volume`, `network`): its help, docker's `list` and `remove`
 * for `ls` and `rm`, the subcommand, or docker's "unknown command" (exit 125). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "skiff/error.h"

int
skiff_cli_group_dispatch (struct skiff_cli *cli, const struct skiff_cli_group *g, int argc,
                          char **argv, struct skiff_error **err)
{
  size_t skip = strlen (g->name) + 1; /* "network ls" -> "ls" */
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      printf ("Usage: skiff %s COMMAND\n\n%s\n\nCommands:\n", g->name, g->summary);
      for (size_t i = 0; i < g->n; i++)
        printf ("  %-*s %s\n", g->help_width, g->commands[i].name + skip, g->commands[i].summary);
      return 0;
    }
  const char *name = argv[1];
  if (strcmp (name, "list") == 0)
    name = "ls";
  else if (strcmp (name, "remove") == 0)
    name = "rm";
  for (size_t i = 0; i < g->n; i++)
    if (strcmp (g->commands[i].name + skip, name) == 0)
      {
        cli->command = &g->commands[i];
        return g->commands[i].run (cli, argc - 1, argv + 1, err);
      }
  return skiff_error_make_status (err, 125, 0,
                                  "unknown command \"%s\" for \"skiff %s\" (see 'skiff %s --help')",
                                  argv[1], g->name, g->name);
}

void
skiff_cli_keep_last_error (struct skiff_error **err, struct skiff_error *e)
{
  if (*err != NULL)
    {
      skiff_cli_print_error (*err);
      skiff_error_free (*err);
    }
  *err = e;
}
