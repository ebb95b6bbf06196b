/* skiff import FILE|- [REPOSITORY[:TAG]] */
#include <stdio.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/image.h"
#include "skiff/interrupt.h"
#include "skiff/strv.h"

int
cmd_import (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct option opts[] = {
    { "change", required_argument, NULL, 'c' },
    { "message", required_argument, NULL, 'm' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  _cleanup_strv_ char **changes = NULL;
  const char *message = NULL;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":c:m:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'c':
        skiff_strv_push (&changes, optarg);
        break;
      case 'm':
        message = optarg;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  int nargs = argc - optind;
  if (nargs < 1 || nargs > 2)
    return skiff_cli_usage_error (cli, err,
                                  "\"skiff import\" requires at least 1 and at most 2 "
                                  "arguments");
  struct skiff_store *store;
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *id = NULL;
  const struct skiff_import_options io = { .changes = changes, .message = message };
  skiff_interrupt_catch ();
  r = skiff_image_import_opts (store, argv[optind], nargs == 2 ? argv[optind + 1] : NULL, &io, &id,
                               err);
  if (r < 0)
    {
      skiff_interrupt_reraise (); /* undone: now die of the signal, as without the handler */
      return r;
    }
  printf ("sha256:%s\n", id);
  return 0;
}
