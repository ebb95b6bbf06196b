/* skiff import FILE|- [REPOSITORY[:TAG]] */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/events.h"
#include "skiff/log.h"
#include "skiff/cleanup.h"
#include "skiff/image.h"
#include "skiff/interrupt.h"
#include "skiff/strv.h"

struct import_opts
{
  char **changes;
  const char *message;
};

static const struct skiff_opt import_options[] = {
  { .name = "change",
    .shorthand = 'c',
    .type = SKIFF_OPT_STRINGS,
    .value_name = "list",
    .offset = SKIFF_OPT_FIELD (struct import_opts, changes, char **),
    .help = "Apply Dockerfile instruction to the created image" },
  SKIFF_OPT_S ("message", 'm', struct import_opts, message,
               "Set commit message for imported image"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_import_groups[] = { import_options, NULL };

int
cmd_import (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct import_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  _cleanup_free_ char **changes = o.changes;
  const char *message = o.message;
  size_t nargs = res.nargs;
  if (nargs < 1 || nargs > 2)
    return skiff_cli_usage_error (cli, err,
                                  "\"skiff import\" requires at least 1 and at most 2 "
                                  "arguments");
  struct skiff_store *store;
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  log_debug ("import: reading %s", res.args[0]);
  _cleanup_free_ char *id = NULL;
  const struct skiff_import_options io
      = { .changes = changes, .message = message, .input_fd = STDIN_FILENO };
  skiff_interrupt_catch ();
  r = skiff_image_import_opts (store, res.args[0], nargs == 2 ? res.args[1] : NULL, &io, &id, err);
  if (r < 0)
    {
      skiff_interrupt_reraise (); /* undone: now die of the signal, as without the handler */
      return r;
    }
  printf ("sha256:%s\n", id);
  skiff_events_image (store, id, nargs == 2 ? res.args[1] : NULL, "import");
  return 0;
}
