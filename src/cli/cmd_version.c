#include <errno.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "cli.h"

int
cmd_version (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct option opts[] = { SKIFF_CLI_HELP_OPTION, { NULL, 0, NULL, 0 } };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":h", opts, NULL)) != -1)
    switch (c)
      {
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  struct utsname u;
  if (uname (&u) < 0)
    return skiff_error_make (err, errno, "uname");
  printf ("Version:      %s\nOS/Arch:      linux/%s\n", SKIFF_VERSION,
          u.machine[0] == 'x' ? "amd64" : u.machine);
  return 0;
}
