/* skiff load [-i FILE] [-q] */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/image.h"
#include "skiff/interrupt.h"
#include "skiff/strv.h"

int
cmd_load (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct option opts[] = {
    { "input", required_argument, NULL, 'i' },
    { "quiet", no_argument, NULL, 'q' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  const char *input = "-";
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":i:qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'i':
        input = optarg;
        break;
      case 'q':
        break; /* no progress output to suppress */
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind < argc)
    return skiff_cli_usage_error (cli, err, "\"skiff load\" accepts no arguments");
  if (strcmp (input, "-") == 0 && isatty (STDIN_FILENO))
    return skiff_error_make_status (err, 125, 0, "requested load from stdin, but stdin is empty");
  struct skiff_store *store;
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  _cleanup_strv_ char **loaded = NULL;
  skiff_interrupt_catch ();
  r = skiff_image_load_archive (store, input, &loaded, err);
  if (r < 0)
    {
      skiff_interrupt_reraise (); /* undone: now die of the signal, as without the handler */
      return r;
    }
  for (size_t i = 0; loaded && loaded[i]; i++)
    printf ("Loaded image%s: %s\n", strncmp (loaded[i], "sha256:", 7) == 0 ? " ID" : "", loaded[i]);
  return 0;
}
