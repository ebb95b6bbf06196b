/* skiff logs: the container's k8s-file log (with the files rotated out of it, oldest first);
 * stdout lines to stdout, stderr lines to stderr. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/fs.h"
#include "skiff/logfile.h"

struct logs_opts
{
  bool follow, timestamps;
  bool names; /* podman: names instead of IDs before the lines of several containers; logs
               * takes one container, whose lines get no prefix in podman either */
  const char *since, *until, *tail;
  struct skiff_logfile_options lo;
};

static const struct skiff_opt logs_options[] = {
  SKIFF_OPT_B ("follow", 'f', struct logs_opts, follow, "Follow log output"),
  SKIFF_OPT_B ("names", 0, struct logs_opts, names, "Output the container name in the log"),
  SKIFF_OPT_S ("since", 0, struct logs_opts, since,
               "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 "
               "minutes)"),
  { .name = "tail",
    .shorthand = 'n',
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (struct logs_opts, tail, const char *),
    .help = "Number of lines to show from the end of the logs",
    .default_text = "\"all\"" },
  SKIFF_OPT_B ("timestamps", 't', struct logs_opts, timestamps, "Show timestamps"),
  SKIFF_OPT_S ("until", 0, struct logs_opts, until,
               "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for "
               "42 minutes)"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_logs_groups[] = { logs_options, NULL };

/* The values of --since, --until and --tail, once parsed. */
static int
check_values (struct skiff_cli *cli, struct logs_opts *o, struct skiff_error **err)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  int r;
  o->lo.timestamps = o->timestamps;
  o->lo.tail = -1;
  if (o->since && (r = skiff_logfile_parse_time (o->since, &now, &o->lo.since, err)) < 0)
    return r;
  if (o->until && (r = skiff_logfile_parse_time (o->until, &now, &o->lo.until, err)) < 0)
    return r;
  o->lo.has_since = o->since != NULL;
  o->lo.has_until = o->until != NULL;
  if (o->tail && strcmp (o->tail, "all") != 0)
    {
      char *end;
      o->lo.tail = strtol (o->tail, &end, 10);
      if (*end || end == o->tail)
        return skiff_cli_usage_error (cli, err, "invalid argument \"%s\" for \"-n, --tail\" flag",
                                      o->tail);
    }
  return 0;
}

/* -f ends when the container is no longer running. */
static bool
exited (void *data)
{
  struct skiff_container *c = data;
  struct skiff_error *e = NULL;
  _cleanup_free_ char *cfg = skiff_path_join (c->dir, "config.json");
  if (!skiff_fs_exists (cfg) || skiff_container_state_reload (c, &e) < 0)
    {
      skiff_error_free (e);
      return true;
    }
  return c->state.status != SKIFF_CONTAINER_RUNNING;
}

int
cmd_logs (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct logs_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && res.nargs != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff logs\" requires exactly 1 argument.");
  if (r < 0 || (r = check_values (cli, &o, err)) < 0
      || (r = skiff_cli_store_outside (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, res.args[0], &c, err)) < 0)
    return r;
  struct skiff_log_config lc;
  if ((r = skiff_log_config_parse (c->config.log_driver, c->config.log_opts, &lc, err)) < 0)
    return r;
  _cleanup_free_ char *path = skiff_log_config_path (&lc, c->dir);
  if (path == NULL) /* none, passthrough: docker's words, exit 1 */
    return skiff_error_make_status (err, 1, 0, "%s", SKIFF_LOG_NOT_READABLE);
  int fds[2] = { STDOUT_FILENO, STDERR_FILENO };
  struct skiff_logfile_sink sink = { skiff_logfile_sink_fds, fds };
  fflush (stdout);
  if (!skiff_fs_exists (path))
    return 0; /* never started */
  return skiff_logfile_print (path, &o.lo, &sink, o.follow ? exited : NULL, c, err);
}
