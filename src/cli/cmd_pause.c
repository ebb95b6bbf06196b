/* skiff pause / unpause: freeze or thaw all processes of containers (cgroup freezer). */
#include <stdio.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/events.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/strv.h"

struct pause_opts
{
  struct skiff_cli_targets t;
};

/* what pause and unpause share */
static const struct skiff_opt selection_options[] = {
  { .name = "cidfile",
    .type = SKIFF_OPT_STRINGS,
    .value_name = "stringArray",
    .offset = SKIFF_OPT_FIELD (struct pause_opts, t.cidfiles, char **),
    .help = "Read the container ID from the file",
    .complete = "file" },
  SKIFF_CLI_TARGETS_FILTER (struct pause_opts, t.filters, 'f'),
  SKIFF_OPT_B ("latest", 'l', struct pause_opts, t.latest, "Act on the latest created container"),
  SKIFF_OPT_END,
};
static const struct skiff_opt pause_options[] = {
  SKIFF_OPT_B ("all", 'a', struct pause_opts, t.all, "Pause all running containers"),
  SKIFF_OPT_END,
};
static const struct skiff_opt unpause_options[] = {
  SKIFF_OPT_B ("all", 'a', struct pause_opts, t.all, "Unpause all paused containers"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_pause_groups[] = { pause_options, selection_options, NULL };
const struct skiff_opt *const skiff_cli_unpause_groups[]
    = { unpause_options, selection_options, NULL };

static int
pause_one (struct skiff_store *store, const char *text, void *data, struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r == 0 && (r = skiff_container_set_paused (c, *(bool *)data, err)) == 0)
    skiff_events_container (store, c, *(bool *)data ? "pause" : "unpause", NULL);
  if (r == 0)
    printf ("%s\n", text);
  return r;
}

static bool
is_unpaused (const struct skiff_container *c)
{
  return c->state.status == SKIFF_CONTAINER_RUNNING && !c->state.paused;
}

static int
run (struct skiff_cli *cli, int argc, char **argv, bool paused, struct skiff_error **err)
{
  struct pause_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_strv_ char **targets = NULL;
  struct skiff_store *store;
  int r = skiff_cli_targets_parse (cli, argc, argv, &o, &o.t,
                                   paused ? is_unpaused : skiff_cli_is_paused, &res, &store,
                                   &targets, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0)
    r = skiff_cli_each_container (store, targets, pause_one, &paused);
  skiff_cli_parse_clear (cli, &o, &res);
  return r;
}

int
cmd_pause (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  return run (cli, argc, argv, true, err);
}

int
cmd_unpause (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  return run (cli, argc, argv, false, err);
}
