/* manifest inspect REF: the manifest or index a registry serves for REF, as it sent it
 * (read-only: skiff has no local manifest lists). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/registry.h"

struct manifest_inspect_opts
{
  struct skiff_cli_registry_flags reg; /* first: the shared table's offsets */
};
static const struct skiff_opt *const inspect_groups[] = { skiff_cli_registry_options, NULL };

static int
cmd_manifest_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct manifest_inspect_opts o;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_registry_parse (cli, argc, argv, &o, sizeof o, 1, 1, &res, err);
  if (r != 0)
    return r < 0 ? r : 0;
  const char *ref = res.args[0];
  if (strncmp (ref, "docker://", 9) == 0)
    ref += 9;
  struct skiff_registry_opts ro;
  r = skiff_cli_registry_opts (&o.reg, false, &ro, err);
  _cleanup_free_ char *body = NULL;
  size_t len = 0;
  if (r == 0)
    r = skiff_registry_fetch_manifest (ref, &ro, &body, &len, err);
  skiff_cli_registry_opts_clear (&ro);
  if (r < 0)
    return r;
  fwrite (body, 1, len, stdout);
  if (len == 0 || body[len - 1] != '\n')
    putchar ('\n');
  return 0;
}

static const struct skiff_command manifest_commands[] = {
  { "manifest inspect", cmd_manifest_inspect,
    "Display the contents of a manifest list or image index in a registry", "[OPTIONS] IMAGE",
    inspect_groups },
};

int
cmd_manifest (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  size_t n = sizeof manifest_commands / sizeof manifest_commands[0];
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      printf ("Usage: skiff manifest COMMAND\n\nManipulate manifest lists and image "
              "indexes\n\nCommands:\n");
      for (size_t i = 0; i < n; i++)
        printf ("  %-10s %s\n", manifest_commands[i].name + 9, manifest_commands[i].summary);
      return 0;
    }
  for (size_t i = 0; i < n; i++)
    if (strcmp (manifest_commands[i].name + 9, argv[1]) == 0)
      {
        cli->command = &manifest_commands[i];
        return manifest_commands[i].run (cli, argc - 1, argv + 1, err);
      }
  return skiff_error_make_status (err, 125, 0,
                                  "unknown command \"%s\" for \"skiff manifest\" (see 'skiff "
                                  "manifest --help')",
                                  argv[1]);
}

const struct skiff_command *
skiff_cli_manifest_subcommands (size_t *n)
{
  *n = sizeof manifest_commands / sizeof manifest_commands[0];
  return manifest_commands;
}
