/* skiff pause / unpause: freeze or thaw all processes of containers (cgroup freezer). */
#include <stdio.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"

static int
pause_one (struct skiff_store *store, const char *text, void *data, struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r == 0 && (r = skiff_container_set_paused (c, *(bool *)data, err)) == 0)
    printf ("%s\n", text);
  return r;
}

static int
run (struct skiff_cli *cli, int argc, char **argv, bool paused, struct skiff_error **err)
{
  struct skiff_store *store;
  int r = skiff_cli_simple_flags (cli, argc, argv, 1, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  return skiff_cli_each_container (store, argv + optind, pause_one, &paused);
}

int
cmd_pause (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  return run (cli, argc, argv, true, err);
}

int
cmd_unpause (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  return run (cli, argc, argv, false, err);
}
