/* A command group's dispatch (`skiff GROUP SUB ...`): its help, and the subcommand run with
 * cli->command set to its table entry (named "GROUP SUB"). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "skiff/error.h"

int
skiff_cli_group_dispatch (struct skiff_cli *cli, const char *group, const char *summary,
                          const struct skiff_command *subs, size_t n, int argc, char **argv,
                          struct skiff_error **err)
{
  size_t skip = strlen (group) + 1; /* "GROUP " */
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      printf ("Usage: skiff %s COMMAND\n\n%s\n\nCommands:\n", group, summary);
      for (size_t i = 0; i < n; i++)
        printf ("  %-10s %s\n", subs[i].name + skip, subs[i].summary);
      return 0;
    }
  for (size_t i = 0; i < n; i++)
    if (strcmp (subs[i].name + skip, argv[1]) == 0)
      {
        cli->command = &subs[i];
        return subs[i].run (cli, argc - 1, argv + 1, err);
      }
  return skiff_error_make_status (err, 125, 0,
                                  "unknown command \"%s\" for \"skiff %s\" (see 'skiff %s "
                                  "--help')",
                                  argv[1], group, group);
}
