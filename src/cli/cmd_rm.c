/* skiff rm: remove containers; a running one only with -f (SIGKILL, wait, remove).  Like
 * docker, every argument is tried, each failure is reported, and the exit status is 1 if any
 * failed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/monitor.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct rm_opts
{
  bool force, all, volumes;
};

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct rm_opts *o,
             struct skiff_error **err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "all", no_argument, NULL, 'a' },
    { "volumes", no_argument, NULL, 'v' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":favh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f': o->force = true; break;
      case 'a': o->all = true; break;
      case 'v': o->volumes = true; break; /* anonymous volumes: none exist yet */
      case 'h': return 1;
      default: return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc && !o->all)
    return skiff_cli_usage_error (cli, err, "\"skiff rm\" requires at least 1 argument.");
  return 0;
}

/* rm -f of a running container: SIGKILL, then wait for the exit to be recorded and the
 * monitor to be gone, without holding the container lock (the monitor needs it).  True when
 * the container is gone then (--rm: its monitor removed it). */
static bool
kill_running (struct skiff_store *store, const char *text)
{
  struct skiff_error *e = NULL;
  _cleanup_container_ struct skiff_container *c = NULL;
  bool gone = false;
  if (skiff_cli_load_container (store, text, &c, &e) == 0
      && (c->state.status == SKIFF_CONTAINER_RUNNING || c->state.status == SKIFF_CONTAINER_RESTARTING))
    {
      /* stop with SIGKILL and no grace period: also ends a restart loop, even one that
       * respawns meanwhile */
      free (c->config.stop_signal);
      c->config.stop_signal = xstrdup ("KILL");
      if (skiff_monitor_stop (store, c, 0, NULL, &e) == 0)
        skiff_monitor_wait_monitor (c, &e);
      /* only its own --rm counts: gone through a parallel rm, it is "No such container" */
      _cleanup_free_ char *cfg = skiff_path_join (c->dir, "config.json");
      gone = c->config.auto_remove && !skiff_fs_exists (cfg);
    }
  skiff_error_free (e);
  return gone;
}

static int
remove_one (struct skiff_store *store, const char *text, void *data, struct skiff_error **err)
{
  const struct rm_opts *o = data;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r < 0)
    return r;
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  _cleanup_free_ char *cfg = skiff_path_join (c->dir, "config.json");
  /* Re-checked under the lock: of parallel removals one wins, the others find it gone
   * (docker: "No such container"); so does one racing an --rm container's own cleanup. */
  if (!skiff_fs_exists (cfg))
    r = skiff_error_make_status (err, 125, 0, "No such container: %s", text);
  else if ((r = skiff_container_state_reload (c, err)) == 0
           && (c->state.status == SKIFF_CONTAINER_RUNNING
               || c->state.status == SKIFF_CONTAINER_RESTARTING))
    r = o->force ? skiff_error_make (err, 0, "cannot remove container \"/%s\": could not kill it",
                                     c->config.name)
                 : skiff_error_make (err, 0,
                                     "cannot remove container \"/%s\": container is %s: stop the "
                                     "container before removing or force remove",
                                     c->config.name, skiff_container_state_word (&c->state));
  else if (r == 0)
    r = skiff_container_remove (store, c, err);
  skiff_lock_release (lock);
  if (r == 0)
    printf ("%s\n", text);
  return r;
}

int
cmd_rm (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct rm_opts o = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **all = NULL;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  if (o.all && (r = skiff_container_list_ids (store, &all, err)) < 0)
    return r;

  char **targets = o.all ? all : argv + optind;
  /* kills first, from outside the user namespace (rootless: reaches any container user); the
   * removal of files owned by mapped ids needs to be inside it */
  size_t n = skiff_strv_len (targets);
  _cleanup_free_ bool *gone = xzalloc ((n + 1) * sizeof *gone);
  for (size_t i = 0; o.force && i < n; i++)
    gone[i] = kill_running (store, targets[i]);
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  int status = 0;
  for (size_t i = 0; i < n; i++)
    {
      char *one[] = { targets[i], NULL };
      if (gone[i]) /* removed by its own --rm meanwhile: removed all the same (docker) */
        printf ("%s\n", targets[i]);
      else if (skiff_cli_each_container (store, one, remove_one, &o) != 0)
        status = 1;
    }
  return status;
}
