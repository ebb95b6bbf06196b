#include <errno.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "cli.h"
#include "cli/options.h"

const struct skiff_opt *const skiff_cli_version_groups[] = { NULL };

int
cmd_version (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, NULL, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  struct utsname u;
  if (uname (&u) < 0)
    return skiff_error_make (err, errno, "uname");
  printf ("Version:      %s\nOS/Arch:      linux/%s\n", SKIFF_VERSION,
          u.machine[0] == 'x' ? "amd64" : u.machine);
  return 0;
}
