/* skiff image inspect IMAGE...  (also `skiff inspect` for images) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/log.h"
#include "skiff/cleanup.h"
#include "skiff/format.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/xalloc.h"

struct image_inspect_opts
{
  const char *format;
};

static const struct skiff_opt image_inspect_options[] = {
  SKIFF_OPT_S ("format", 'f', struct image_inspect_opts, format,
               "Format output using a custom template"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_image_inspect_groups[] = { image_inspect_options, NULL };

int
cmd_image_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct image_inspect_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  const char *format = o.format;
  if (res.nargs == 0)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument",
                                  cli->command->name);
  struct skiff_store *store;
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  size_t n = 0;
  struct skiff_image **imgs = xzalloc ((res.nargs + 1) * sizeof *imgs);
  const char *missing = NULL;
  for (size_t i = 0; i < res.nargs; i++)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      log_debug ("image inspect: looking up %s", res.args[i]);
      if (skiff_image_lookup (store, res.args[i], &imgs[n], &e) == 0)
        {
          n++;
          continue;
        }
      /* docker reports every missing name; the last one becomes the returned error */
      if (missing)
        fprintf (stderr, "Error: no such object: %s\n", missing);
      missing = res.args[i];
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
