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
#include "skiff/lock.h"
#include "skiff/strv.h"

struct rm_opts
{
  bool force, all;
};

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct rm_opts *o,
             struct skiff_error **err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "all", no_argument, NULL, 'a' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:fah", opts, NULL)) != -1)
    switch (c)
      {
      case 'f': o->force = true; break;
      case 'a': o->all = true; break;
      case 'h': return 1;
      default: return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc && !o->all)
    return skiff_cli_usage_error (cli, err, "\"skiff rm\" requires at least 1 argument.");
  return 0;
}

/* SIGKILL the recorded process and wait until it is gone (reaped by its parent). */
static int
kill_and_wait (const struct skiff_container *c, struct skiff_error **err)
{
  pid_t pid = c->state.pid;
  unsigned long long start = c->state.pid_start;
  if (!skiff_container_pid_alive (pid, start))
    return 0;
  if (kill (pid, SIGKILL) < 0 && errno != ESRCH)
    return skiff_error_make (err, errno, "kill container %s", c->config.id);
  const struct timespec tick = { 0, 2 * 1000 * 1000 };
  for (int i = 0; i < 15000; i++) /* 30 s */
    {
      if (!skiff_container_pid_alive (pid, start))
        return 0;
      nanosleep (&tick, NULL);
    }
  return skiff_error_make (err, ETIMEDOUT, "container %s did not exit after SIGKILL",
                           c->config.id);
}

static int
remove_one (struct skiff_store *store, const char *text, bool force, struct skiff_error **err)
{
  _cleanup_free_ char *id = NULL;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_container_lookup (store, text, &id, err);
  if (r < 0 || (r = skiff_container_load (store, id, &c, err)) < 0)
    return r;
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  /* Re-read under the lock: it may have been started meanwhile. */
  skiff_container_free (steal_ptr (&c));
  r = skiff_container_load (store, id, &c, err);
  if (r == 0 && c->state.status == SKIFF_CONTAINER_RUNNING)
    {
      if (!force)
        r = skiff_error_make (err, 0,
                              "cannot remove container \"/%s\": container is running: stop the "
                              "container before removing or force remove",
                              c->config.name);
      else
        r = kill_and_wait (c, err);
    }
  if (r == 0)
    r = skiff_container_remove (store, c, err);
  skiff_lock_release (lock);
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
  if (r < 0 || (r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  if (o.all && (r = skiff_container_list_ids (store, &all, err)) < 0)
    return r;

  char **targets = o.all ? all : argv + optind;
  int status = 0;
  for (size_t i = 0; targets[i]; i++)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      if (remove_one (store, targets[i], o.force, &e) < 0)
        {
          fflush (stdout);
          fprintf (stderr, "skiff: %s\n", e->msg);
          status = 1;
          continue;
        }
      printf ("%s\n", targets[i]);
    }
  return status;
}
