/* skiff healthcheck run CONTAINER (podman): runs the container's health check once now and
 * records the result as the monitor's checks are recorded.  Exit 0 when healthy; otherwise
 * the status is printed and the exit is 1 (podman's healthcheck run). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/health.h"
#include "skiff/selfexe.h"

static int
cmd_healthcheck_run (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_parse (cli, argc, argv, NULL, &res, err);
  if (r != 0)
    return r > 0 ? skiff_cli_help (cli) : r;
  if (res.nargs != 1)
    return skiff_cli_usage_error (cli, err,
                                  "\"skiff healthcheck run\" requires exactly 1 argument");
  /* the probe joins the container as `exec` does: from a sealed copy (see selfexe.h) */
  enum skiff_health_status status = SKIFF_HEALTH_STARTING;
  if ((r = skiff_selfexe_sealed (err)) < 0
      || (r = skiff_cli_open_running (cli, res.args[0], &c, err)) < 0)
    return r;
  if (c->state.paused)
    return skiff_error_make_status (err, 125, 0, "container %s is paused", c->config.id);
  if ((r = skiff_engine_healthcheck_run (&cli->store, c, &status, err)) < 0)
    return r;
  if (status == SKIFF_HEALTH_HEALTHY)
    return 0;
  printf ("%s\n", skiff_health_status_name (status));
  return 1;
}

static const struct skiff_command healthcheck_commands[] = {
  { "healthcheck run", cmd_healthcheck_run, "Run the health check of a container", "CONTAINER",
    skiff_cli_no_flags_groups },
};
#define N_HEALTHCHECK_COMMANDS (sizeof healthcheck_commands / sizeof healthcheck_commands[0])

const struct skiff_command *
skiff_cli_healthcheck_subcommands (size_t *n)
{
  *n = N_HEALTHCHECK_COMMANDS;
  return healthcheck_commands;
}

int
cmd_healthcheck (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct skiff_cli_group group = { "healthcheck", "Manage health checks of containers",
                                                healthcheck_commands, N_HEALTHCHECK_COMMANDS, 10 };
  return skiff_cli_group_dispatch (cli, &group, argc, argv, err);
}
