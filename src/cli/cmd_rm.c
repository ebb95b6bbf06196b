/* skiff rm: remove containers; a running one only with -f (SIGKILL, wait, remove).  Like
 * docker, every argument is tried, each failure is reported, and the exit status is 1 if any
 * failed. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/monitor.h"
#include "skiff/strv.h"
#include "skiff/volume.h"
#include "skiff/xalloc.h"

struct rm_opts
{
  bool force, volumes; /* --volumes: the container's anonymous volumes too */
  bool depend;         /* podman: dependents first; skiff containers have none yet (no --link) */
  int time;            /* -t: stop with the stop signal and this grace period; -1: SIGKILL */
  struct skiff_cli_targets t;
  struct skiff_store *outside; /* where kill_running signals from */
};

/* podman's -t is a uint: Go's ParseUint wording */
static int
parse_uint (const char *value, void *field, struct skiff_error **err)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul (value, &end, 10);
  const char *why = *value == '\0' || *end != '\0' || *value == '-' || *value == '+'
                        ? "invalid syntax"
                    : errno == ERANGE || v > INT_MAX ? "value out of range"
                                                     : NULL;
  if (why != NULL)
    return skiff_error_make_status (err, 125, 0,
                                    "invalid argument \"%s\" for \"-t, --time\" flag: "
                                    "strconv.ParseUint: parsing \"%s\": %s",
                                    value, value, why);
  *(int *)field = (int)v;
  return 0;
}

static const struct skiff_opt rm_options[] = {
  SKIFF_OPT_B ("all", 'a', struct rm_opts, t.all, "Remove all containers"),
  { .name = "cidfile",
    .type = SKIFF_OPT_STRINGS,
    .value_name = "stringArray",
    .offset = SKIFF_OPT_FIELD (struct rm_opts, t.cidfiles, char **),
    .help = "Read the container ID from the file",
    .complete = "file" },
  SKIFF_OPT_B ("depend", 0, struct rm_opts, depend,
               "Remove container and all containers that depend on the selected container"),
  SKIFF_CLI_TARGETS_FILTER (struct rm_opts, t.filters, 0),
  SKIFF_OPT_B ("force", 'f', struct rm_opts, force,
               "Force the removal of a running container (uses SIGKILL)"),
  SKIFF_OPT_B ("ignore", 'i', struct rm_opts, t.ignore,
               "Ignore errors when a specified container is missing"),
  SKIFF_OPT_B ("latest", 0, struct rm_opts, t.latest, "Act on the latest created container"),
  { .name = "time",
    .shorthand = 't',
    .type = SKIFF_OPT_FUNC,
    .value_name = "uint",
    .offset = SKIFF_OPT_FIELD (struct rm_opts, time, int),
    .parse = parse_uint,
    .help = "Seconds to wait for stop before killing the container" },
  SKIFF_OPT_B ("volumes", 'v', struct rm_opts, volumes,
               "Remove anonymous volumes associated with the container"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_rm_groups[] = { rm_options, NULL };

/* rm -f of a running container: SIGKILL, then wait for the exit to be recorded and the
 * monitor to be gone, without holding the container lock (the monitor needs it).  True when
 * the container is gone then (--rm: its monitor removed it). */
static bool
kill_running (struct skiff_store *store, const char *text, int timeout)
{
  struct skiff_error *e = NULL;
  _cleanup_container_ struct skiff_container *c = NULL;
  bool gone = false;
  if (skiff_cli_load_container (store, text, &c, &e) == 0
      && (c->state.status == SKIFF_CONTAINER_RUNNING
          || c->state.status == SKIFF_CONTAINER_RESTARTING))
    {
      /* stop with SIGKILL and no grace period (or -t: the stop signal and that grace period):
       * also ends a restart loop, even one that respawns meanwhile */
      if (timeout < 0)
        {
          free (c->config.stop_signal);
          c->config.stop_signal = xstrdup ("KILL");
        }
      if (skiff_engine_stop (store, c, timeout < 0 ? 0 : timeout, NULL, &e) == 0)
        skiff_engine_wait_monitor (c, &e);
      /* only its own --rm counts: gone through a parallel rm, it is "No such container" */
      _cleanup_free_ char *cfg = skiff_path_join (c->dir, "config.json");
      gone = c->config.auto_remove && !skiff_fs_exists (cfg);
    }
  skiff_error_free (e);
  return gone;
}

static int remove_one (struct skiff_store *store, const char *text, void *data,
                       struct skiff_error **err);

/* kills first, from outside the user namespace (rootless: reaches any container user); the
 * removal of files owned by mapped ids needs to be inside it */
static int
remove_all (struct skiff_cli *cli, struct skiff_store *outside, const struct rm_opts *o,
            char **targets, struct skiff_error **err)
{
  struct skiff_store *store;
  size_t n = skiff_strv_len (targets);
  _cleanup_free_ bool *gone = xzalloc ((n + 1) * sizeof *gone);
  for (size_t i = 0; o->force && i < n; i++)
    gone[i] = kill_running (outside, targets[i], o->time);
  int r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  int status = 0;
  for (size_t i = 0; i < n; i++)
    {
      char *one[] = { targets[i], NULL };
      if (gone[i]) /* removed by its own --rm meanwhile: removed all the same (docker) */
        printf ("%s\n", targets[i]);
      else if (skiff_cli_each_container (store, one, remove_one, (void *)o) != 0)
        status = 1;
    }
  return status;
}

/* Under the container lock: removed (1 printed), gone meanwhile, or an error.  -EBUSY (err
 * untouched) when -f finds it running: started since kill_running looked (a parallel run -d). */
static int
remove_locked (struct skiff_store *store, const char *text, const struct rm_opts *o,
               struct skiff_container *c, bool last_try, struct skiff_error **err)
{
  _cleanup_free_ char *cfg = skiff_path_join (c->dir, "config.json");
  /* Re-checked under the lock: of parallel removals one wins, the others find it gone
   * (docker: "No such container"); so does one racing an --rm container's own cleanup. */
  if (!skiff_fs_exists (cfg))
    return o->t.ignore ? 0 : skiff_error_make_status (err, 125, 0, "No such container: %s", text);
  int r = skiff_container_state_reload (c, err);
  if (r < 0)
    return r;
  if (c->state.status == SKIFF_CONTAINER_RUNNING || c->state.status == SKIFF_CONTAINER_RESTARTING)
    {
      if (o->force && !last_try)
        return -EBUSY;
      return o->force ? skiff_error_make (
                 err, 0, "cannot remove container \"/%s\": could not kill it", c->config.name)
                      : skiff_error_make (err, 0,
                                          "cannot remove container \"/%s\": container is %s: "
                                          "stop the container before removing or force remove",
                                          c->config.name, skiff_container_state_word (&c->state));
    }
  /* a link target stays while a linked container needs it (docker), unless -f */
  if (!o->force && (r = skiff_engine_network_check_remove (store, c, err)) < 0)
    return r;
  if ((r = skiff_container_remove (store, c, err)) == 0)
    printf ("%s\n", text);
  if (r == 0 && o->volumes) /* -v: its anonymous volumes, now that nothing uses them */
    skiff_container_remove_anon_volumes (store, c);
  return r;
}

static int
remove_one (struct skiff_store *store, const char *text, void *data, struct skiff_error **err)
{
  const struct rm_opts *o = data;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r == -ENOENT && o->t.ignore)
    {
      skiff_error_free (*err); /* removed meanwhile */
      *err = NULL;
      return 0;
    }
  if (r < 0)
    return r;
  for (int attempt = 0;; attempt++)
    {
      int lock = skiff_container_lock (c, err);
      if (lock < 0)
        return lock;
      r = remove_locked (store, text, o, c, attempt == 4, err);
      skiff_lock_release (lock);
      if (r != -EBUSY)
        return r;
      if (kill_running (o->outside, text, o->time))
        {
          printf ("%s\n", text); /* its own --rm removed it */
          return 0;
        }
    }
}

int
cmd_rm (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct rm_opts o = { .time = -1 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_strv_ char **targets = NULL;
  struct skiff_store *store;
  int r = skiff_cli_targets_parse (cli, argc, argv, &o, &o.t, NULL, &res, &store, &targets, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0)
    {
      o.outside = store;
      r = remove_all (cli, store, &o, targets, err);
    }
  skiff_cli_parse_clear (cli, &o, &res);
  return r;
}
