/* skiff image inspect IMAGE...  (also `skiff inspect` for images) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/format.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/xalloc.h"

int
cmd_image_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  enum
  {
    OPT_TYPE = 256,
  };
  const char *format = NULL;
  static const struct option opts[] = {
    { "type", required_argument, NULL, OPT_TYPE },
    { "format", required_argument, NULL, 'f' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:f:h", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_TYPE:
        if (strcmp (optarg, "image") != 0)
          return skiff_error_make_status (err, 125, 0, "\"%s\" is not a valid value for --type",
                                          optarg);
        break;
      case 'f':
        format = optarg;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument",
                                  cli->command->name);
  struct skiff_store *store;
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  size_t n = 0;
  struct skiff_image **imgs = xzalloc ((size_t)(argc - optind + 1) * sizeof *imgs);
  const char *missing = NULL;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_image_lookup (store, argv[i], &imgs[n], &e) == 0)
        {
          n++;
          continue;
        }
      /* docker reports every missing name; the last one becomes the returned error */
      if (missing)
        fprintf (stderr, "skiff: no such object: %s\n", missing);
      missing = argv[i];
    }
  yajl_val *objs = xzalloc ((n + 1) * sizeof *objs);
  for (size_t i = 0; r == 0 && i < n; i++)
    {
      _cleanup_free_ char *json = NULL;
      r = skiff_image_inspect_json (store, &imgs[i], 1, false, &json, err);
      if (r == 0)
        r = skiff_json_parse (json, "inspect", &objs[i], err);
    }
  if (r == 0)
    r = skiff_format_inspect (stdout, format, objs, n, err);
  for (size_t i = 0; i < n; i++)
    {
      skiff_image_free (imgs[i]);
      if (objs[i])
        yajl_tree_free (objs[i]);
    }
  free (imgs);
  free (objs);
  if (r == 0 && missing)
    return skiff_error_make_status (err, 1, 0, "no such object: %s", missing);
  return r;
}
