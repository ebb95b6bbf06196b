/* skiff logs: the container's k8s-file log; stdout lines to stdout, stderr lines to stderr. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/fs.h"
#include "skiff/logfile.h"

struct logs_opts
{
  bool follow;
  struct skiff_logfile_options lo;
};

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct logs_opts *o,
             struct skiff_error **err)
{
  enum
  {
    OPT_SINCE = 256,
    OPT_UNTIL,
    OPT_TAIL,
  };
  static const struct option opts[] = {
    { "follow", no_argument, NULL, 'f' },
    { "timestamps", no_argument, NULL, 't' },
    { "since", required_argument, NULL, OPT_SINCE },
    { "until", required_argument, NULL, OPT_UNTIL },
    { "tail", required_argument, NULL, 'n' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  o->lo.tail = -1;
  int c, r;
  char *end;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":ftn:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        o->follow = true;
        break;
      case 't':
        o->lo.timestamps = true;
        break;
      case OPT_SINCE:
        if ((r = skiff_logfile_parse_time (optarg, &now, &o->lo.since, err)) < 0)
          return r;
        o->lo.has_since = true;
        break;
      case OPT_UNTIL:
        if ((r = skiff_logfile_parse_time (optarg, &now, &o->lo.until, err)) < 0)
          return r;
        o->lo.has_until = true;
        break;
      case 'n':
        o->lo.tail = strtol (optarg, &end, 10);
        if (strcmp (optarg, "all") == 0)
          o->lo.tail = -1;
        else if (*end || end == optarg)
          return skiff_cli_usage_error (cli, err, "invalid argument \"%s\" for \"-n, --tail\" flag",
                                        optarg);
        break;
      case 'h':
        return 1;
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (argc - optind != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff logs\" requires exactly 1 argument.");
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
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, argv[optind], &c, err)) < 0)
    return r;
  _cleanup_free_ char *path = skiff_path_join (c->dir, "ctr.log");
  int fds[2] = { STDOUT_FILENO, STDERR_FILENO };
  struct skiff_logfile_sink sink = { skiff_logfile_sink_fds, fds };
  fflush (stdout);
  if (!skiff_fs_exists (path))
    return 0; /* never started under a monitor */
  return skiff_logfile_print (path, &o.lo, &sink, o.follow ? exited : NULL, c, err);
}
