/* run/create flags of podman's that docker lacks: --tz, --timeout, --pidfile (spec.podman). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/engine.h"
#include "skiff/error.h"

/* pflag's uint: strconv.ParseUint(value, 0, 64) and its texts (a sign is a syntax error). */
static int
parse_timeout (const char *value, void *field, struct skiff_error **err)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull (value, &end, 0);
  bool syntax = *value == '\0' || *end || *value == '-' || *value == '+';
  if (syntax || errno || v > UINT32_MAX)
    return skiff_error_make_status (
        err, 125, 0,
        "invalid argument \"%s\" for \"--timeout\" flag: strconv.ParseUint: parsing \"%s\": %s",
        value, value, syntax ? "invalid syntax" : "value out of range");
  *(unsigned *)field = (unsigned)v;
  return 0;
}

#define C struct skiff_cli_create_opts
const struct skiff_opt skiff_cli_podman_options[] = {
  SKIFF_OPT_S ("pidfile", 0, C, spec.podman.pidfile, "Write the container process ID to the file"),
  { .name = "timeout",
    .type = SKIFF_OPT_FUNC,
    .value_name = "uint",
    .offset = SKIFF_OPT_FIELD (C, spec.podman.timeout, unsigned),
    .parse = parse_timeout,
    .help = "Maximum length of time a container is allowed to run. The container will be killed "
            "automatically after the time expires." },
  SKIFF_OPT_S ("tz", 0, C, spec.podman.tz, "Set timezone in container"),
  SKIFF_OPT_END,
};
#undef C
