/* skiff load [-i FILE] [-q] */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/events.h"
#include "skiff/log.h"
#include "skiff/cleanup.h"
#include "skiff/image.h"
#include "skiff/interrupt.h"
#include "skiff/strv.h"

struct load_opts
{
  const char *input;
  bool quiet; /* no progress output to suppress */
};

static const struct skiff_opt load_options[] = {
  SKIFF_OPT_S ("input", 'i', struct load_opts, input,
               "Read from tar archive file, instead of STDIN"),
  SKIFF_OPT_B ("quiet", 'q', struct load_opts, quiet, "Suppress the load output"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_load_groups[] = { load_options, NULL };

int
cmd_load (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct load_opts o = { .input = "-" };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  const char *input = o.input;
  if (res.nargs > 0)
    return skiff_cli_usage_error (cli, err, "\"skiff load\" accepts no arguments");
  if (strcmp (input, "-") == 0 && isatty (STDIN_FILENO))
    return skiff_error_make_status (err, 125, 0, "requested load from stdin, but stdin is empty");
  struct skiff_store *store;
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  _cleanup_strv_ char **loaded = NULL;
  log_debug ("load: reading the archive %s", strcmp (input, "-") == 0 ? "from stdin" : input);
  skiff_interrupt_catch ();
  r = skiff_image_load_archive (store, input, STDIN_FILENO, &loaded, err);
  if (r < 0)
    {
      skiff_interrupt_reraise (); /* undone: now die of the signal, as without the handler */
      return r;
    }
  for (size_t i = 0; loaded && loaded[i]; i++)
    printf ("Loaded image%s: %s\n", strncmp (loaded[i], "sha256:", 7) == 0 ? " ID" : "", loaded[i]);
  for (size_t i = 0; loaded && loaded[i]; i++)
    skiff_events_image (store, loaded[i], loaded[i], "load");
  return 0;
}
