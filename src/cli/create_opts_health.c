/* run/create's health check flags (docker's --health-*, --no-healthcheck; podman's
 * --health-on-failure).  Durations are Go's (time.ParseDuration); the values are checked by
 * the engine (skiff_engine_spec_check) with docker's texts. */
#include <stdint.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/health.h"

static int
parse_duration (const char *flag, const char *value, void *field, struct skiff_error **err)
{
  struct skiff_error *e = NULL;
  int64_t ns;
  if (skiff_health_parse_duration (value, &ns, &e) < 0)
    {
      int r = skiff_error_make_status (err, 125, 0, "invalid argument \"%s\" for \"--%s\" flag: %s",
                                       value, flag, e->msg);
      skiff_error_free (e);
      return r;
    }
  *(int64_t *)field = ns;
  return 0;
}

static int
parse_interval (const char *value, void *field, struct skiff_error **err)
{
  return parse_duration ("health-interval", value, field, err);
}

static int
parse_timeout (const char *value, void *field, struct skiff_error **err)
{
  return parse_duration ("health-timeout", value, field, err);
}

static int
parse_start_period (const char *value, void *field, struct skiff_error **err)
{
  return parse_duration ("health-start-period", value, field, err);
}

#define C struct skiff_cli_create_opts
#define DURATION(name_, field_, parser_, help_)                                                    \
  {                                                                                                \
    .name = name_, .type = SKIFF_OPT_FUNC, .value_name = "duration",                               \
    .offset = SKIFF_OPT_FIELD (C, spec.health.field_, int64_t), .parse = parser_, .help = help_,   \
    .default_text = "0s"                                                                           \
  }
const struct skiff_opt skiff_cli_health_options[] = {
  SKIFF_OPT_S ("health-cmd", 0, C, spec.health.cmd, "Command to run to check health"),
  DURATION ("health-interval", interval_ns, parse_interval,
            "Time between running the check (ms|s|m|h)"),
  { .name = "health-on-failure",
    .type = SKIFF_OPT_STRING,
    .offset = SKIFF_OPT_FIELD (C, spec.health.on_failure, const char *),
    .value_name = "string",
    .help = "action to take once the container turns unhealthy",
    .complete = "none|kill|restart|stop" },
  SKIFF_OPT_I ("health-retries", 0, C, spec.health.retries,
               "Consecutive failures needed to report unhealthy"),
  DURATION ("health-start-period", start_period_ns, parse_start_period,
            "Start period for the container to initialize before starting health-retries "
            "countdown (ms|s|m|h)"),
  DURATION ("health-timeout", timeout_ns, parse_timeout,
            "Maximum time to allow one check to run (ms|s|m|h)"),
  SKIFF_OPT_B ("no-healthcheck", 0, C, spec.health.none,
               "Disable any container-specified HEALTHCHECK"),
  SKIFF_OPT_END,
};
#undef DURATION
#undef C
