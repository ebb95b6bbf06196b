/* skiff create: make a container from an image without starting it (status Created). */
#include <stdio.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/image.h"

int
cmd_create (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_cli_create_opts o = { 0 };
  struct skiff_store *store = NULL;
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_create_parse (cli, argc, argv, &o, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0 && o.detach)
    r = skiff_cli_bad_flag (cli, '?', argc, argv, err);
  else if (r == 0 && (r = skiff_cli_create_container (cli, &o, &store, &img, &c, err)) == 0)
    printf ("%s\n", c->config.id);
  skiff_cli_create_opts_clear (&o);
  return r;
}
