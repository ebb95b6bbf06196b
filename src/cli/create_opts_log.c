/* run/create flags of the container's logging: --log-driver and --log-opt (the drivers and
 * their options are checked by the engine, src/monitor/log_config.c). */
#include "cli.h"
#include "cli/options.h"
#include "skiff/engine.h"

#define C struct skiff_cli_create_opts
const struct skiff_opt skiff_cli_log_options[] = {
  { .name = "log-driver",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (C, spec.log.driver, const char *),
    .help = "Logging driver for the container",
    .default_text = "\"k8s-file\"",
    .complete = "k8s-file|json-file|none|passthrough" },
  { .name = "log-opt",
    .type = SKIFF_OPT_STRINGS,
    .value_name = "list",
    .offset = SKIFF_OPT_FIELD (C, spec.log.opts, char **),
    .help = "Log driver options" },
  SKIFF_OPT_END,
};
#undef C
