/* skiff save [-o FILE] [--format docker-archive|oci-archive] IMAGE...  Layers are written
 * uncompressed: podman's --uncompressed is what skiff does anyway, and its --compress
 * applies to the docker-dir format only, which skiff does not write. */
#include <unistd.h>

#include <stdio.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/events.h"
#include "skiff/log.h"
#include "skiff/image.h"

struct save_opts
{
  const char *output, *format;
  bool compress, uncompressed;
};

#define T struct save_opts
static const struct skiff_opt save_options[] = {
  SKIFF_OPT_B ("compress", 0, T, compress,
               "Compress tarball image layers when saving to a directory using the 'dir' "
               "transport"),
  { .name = "format",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (T, format, const char *),
    .help = "Save image to docker-archive or oci-archive",
    .default_text = "\"docker-archive\"",
    .complete = "docker-archive|oci-archive" },
  SKIFF_OPT_S ("output", 'o', T, output, "Write to a file, instead of STDOUT"),
  SKIFF_OPT_B ("uncompressed", 0, T, uncompressed,
               "Accept uncompressed layers when copying OCI images"),
  SKIFF_OPT_END,
};
#undef T
const struct skiff_opt *const skiff_cli_save_groups[] = { save_options, NULL };

int
cmd_save (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct save_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  if (res.nargs == 0)
    return skiff_cli_usage_error (cli, err, "\"skiff save\" requires at least 1 argument");
  if (o.compress)
    return skiff_error_make_status (err, 125, 0,
                                    "--compress can only be set when --format is 'docker-dir'");
  if (o.output == NULL && isatty (STDOUT_FILENO))
    return skiff_error_make_status (err, 125, 0,
                                    "cowardly refusing to save to a terminal. Use the -o flag "
                                    "or redirect");
  struct skiff_store *store;
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  log_debug ("save: %zu image(s) as %s to %s", res.nargs, o.format ? o.format : "docker-archive",
             o.output ? o.output : "stdout");
  r = skiff_image_save (store, res.args, o.format, o.output, STDOUT_FILENO, err);
  for (size_t i = 0; r == 0 && i < res.nargs; i++)
    skiff_events_image (store, res.args[i], res.args[i], "save");
  return r;
}
