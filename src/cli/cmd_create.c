/* skiff create: make a container from an image without starting it (status Created). */
#include <stdio.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"

int
cmd_create (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_cli_create_opts o = { 0 };
  struct skiff_command self;
  struct skiff_store *store = NULL;
  skiff_cli_own_table (cli, skiff_cli_create_groups, true, &self);
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_create_parse (cli, argc, argv, &o, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0 && (r = skiff_cli_store (cli, &store, err)) == 0
           && (r = skiff_cli_pull_for_create (store, &o, err)) == 0
           && (r = skiff_engine_create (store, &o.spec, &c, err)) == 0)
    printf ("%s\n", c->config.id);
  skiff_cli_create_opts_clear (&o);
  return r;
}
