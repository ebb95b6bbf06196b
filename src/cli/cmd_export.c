/* skiff export (container export): a container's filesystem as a tar archive, to stdout or
 * -o FILE. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/interrupt.h"

struct export_opts
{
  const char *output;
};

static const struct skiff_opt export_options[] = {
  SKIFF_OPT_S ("output", 'o', struct export_opts, output, "Write to a file, instead of STDOUT"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_export_groups[] = { export_options, NULL };

int
cmd_export (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct export_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_container_ struct skiff_container *c = NULL;
  struct skiff_store *store;
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && res.nargs != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff export\" requires exactly 1 argument.");
  if (r == 0 && o.output == NULL && isatty (STDOUT_FILENO))
    return skiff_error_make_status (err, 125, 0,
                                    "cowardly refusing to save to a terminal. Use the -o flag "
                                    "or redirect");
  if (r < 0 || (r = skiff_cli_store (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, res.args[0], &c, err)) < 0)
    return r;
  struct skiff_cli_output out;
  if ((r = skiff_cli_output_open (o.output, &out, err)) < 0)
    return r;
  r = skiff_engine_export (store, c, out.fd, err);
  if (r < 0)
    {
      skiff_cli_output_abort (&out);
      return r;
    }
  return skiff_cli_output_commit (&out, err);
}
