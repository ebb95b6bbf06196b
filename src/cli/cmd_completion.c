/* skiff completion bash|zsh|fish: prints the completion script for that shell, generated from
 * the command and option tables (completion.c). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli/completion.h"
#include "cli/options.h"
#include "skiff/cleanup.h"

static const struct skiff_opt completion_options[] = { SKIFF_OPT_END };
const struct skiff_opt *const skiff_cli_completion_groups[] = { completion_options, NULL };

int
cmd_completion (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, NULL, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  if (res.nargs != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff completion\" requires exactly 1 argument.");
  struct skiff_completion_input in;
  skiff_cli_completion_input (&in);
  _cleanup_free_ char *script = NULL;
  if ((r = skiff_completion_script (res.args[0], &in, &script, err)) < 0)
    return r;
  fputs (script, stdout);
  return 0;
}
