/* The port flags of run and create (their own option group): -p/--publish, -P/--publish-all,
 * --expose.  Checked by skiff_ports_spec_check (skiff/ports.h). */
#include <stdlib.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/engine.h"

#define C struct skiff_cli_create_opts
const struct skiff_opt skiff_cli_ports_options[] = {
  { .name = "expose",
    .type = SKIFF_OPT_STRINGS,
    .offset = SKIFF_OPT_FIELD (C, spec.ports.expose, char **),
    .value_name = "list",
    .help = "Expose a port or a range of ports" },
  { .name = "publish",
    .shorthand = 'p',
    .type = SKIFF_OPT_STRINGS,
    .offset = SKIFF_OPT_FIELD (C, spec.ports.publish, char **),
    .value_name = "list",
    .help = "Publish a container's port(s) to the host" },
  SKIFF_OPT_B ("publish-all", 'P', C, spec.ports.publish_all,
               "Publish all exposed ports to random ports"),
  SKIFF_OPT_END,
};
#undef C

void
skiff_cli_ports_opts_clear (struct skiff_ports_spec *spec)
{
  free (spec->publish);
  free (spec->expose);
}
