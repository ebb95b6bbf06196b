/* skiff save [-o FILE] [--format docker-archive|oci-archive] IMAGE... */
#include <unistd.h>

#include "cli.h"
#include "skiff/image.h"

int
cmd_save (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  enum
  {
    OPT_FORMAT = 256,
  };
  static const struct option opts[] = {
    { "output", required_argument, NULL, 'o' },
    { "format", required_argument, NULL, OPT_FORMAT },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  const char *output = NULL, *format = NULL;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":o:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'o':
        output = optarg;
        break;
      case OPT_FORMAT:
        format = optarg;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff save\" requires at least 1 argument");
  if (output == NULL && isatty (STDOUT_FILENO))
    return skiff_error_make_status (err, 125, 0,
                                    "cowardly refusing to save to a terminal. Use the -o flag "
                                    "or redirect");
  struct skiff_store *store;
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  return skiff_image_save (store, argv + optind, format, output, err);
}
