/* skiff run: create a container from an image and run it under a monitor, in the foreground
 * (attached, signals forwarded, exit status passed through) or with -d. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/detach_keys.h"
#include "skiff/engine.h"
#include "skiff/log.h"

/* -a: the streams asked for (stdin also with -i); without -a stdout and stderr, stdin with -i */
static unsigned
attached (const struct skiff_cli_create_opts *o)
{
  unsigned a = o->attach ? o->attach : 6u;
  return o->spec.interactive ? a | 1u : a;
}

/* Foreground, with or without -t: under a monitor (the parent of PID 1 in every mode, so it
 * is logged, and its exit, --rm and restarts do not depend on us) with us attached from the
 * start; our files and pipes are handed to the monitor, our terminal relayed.  The detach keys
 * (-t) leave it running. */
static int
run_attached (struct skiff_store *store, const struct skiff_cli_create_opts *o,
              struct skiff_container **c, struct skiff_error **err)
{
  unsigned a = attached (o);
  struct skiff_cli_attach_opts ao = {
    .no_stdin = !(a & 1u),
    .no_stdout = !(a & 2u),
    .no_stderr = !(a & 4u),
    .sig_proxy = o->sig_proxy,
    .detach_keys = o->proc.detach_keys,
  };
  struct skiff_engine_start_opts so;
  _cleanup_close_ int sock = -1;
  int r = skiff_cli_attach_pair (o->spec.tty, &ao, &so, &sock, err);
  if (r < 0)
    return r;
  so.preserve_fds = o->preserve_fds;
  r = skiff_engine_run (store, &o->spec, &so, c, NULL, err);
  close (so.attach_fd);
  return r < 0 ? r : skiff_cli_attach_started (*c, sock, &ao, err);
}

/* -d: the monitor runs it; print the full ID once PID 1 runs. */
static int
run_detached (struct skiff_store *store, const struct skiff_cli_create_opts *o,
              struct skiff_container **c, struct skiff_error **err)
{
  struct skiff_engine_start_opts so = { .mode = SKIFF_ENGINE_DETACHED };
  int r = skiff_engine_run (store, &o->spec, &so, c, NULL, err);
  if (r < 0)
    return r;
  printf ("%s\n", (*c)->config.id);
  return 0;
}

int
cmd_run (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_cli_create_opts o = { 0 };
  struct skiff_command self;
  struct skiff_store *store = NULL;
  skiff_cli_own_table (cli, skiff_cli_run_groups, true, &self);
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_create_parse (cli, argc, argv, &o, err);
  if (r == 1)
    {
      skiff_cli_create_opts_clear (&o);
      return skiff_cli_help (cli);
    }
  /* bad detach keys before anything is created; then docker/cli's CheckTty: exit 1 like its
   * plain errors */
  struct skiff_detach_keys keys = { 0 };
  if (r == 0 && !o.detach && o.spec.tty)
    r = skiff_detach_keys_parse (
        o.proc.detach_keys ? o.proc.detach_keys : SKIFF_DETACH_KEYS_DEFAULT, &keys, err);
  skiff_detach_keys_free (&keys); /* only checked here: the attach client parses them again */
  if (r == 0 && !o.detach && o.spec.tty && (attached (&o) & 1u) && !isatty (STDIN_FILENO))
    r = skiff_error_make_status (err, 1, 0, "the input device is not a TTY");
  if (r < 0 || (r = skiff_cli_network_join_userns (cli, &o.spec.network, err)) < 0
      || (r = skiff_cli_store (cli, &store, err)) < 0
      || (r = skiff_cli_pull_for_create (store, &o, err)) < 0)
    goto out;
  if (o.detach)
    r = run_detached (store, &o, &c, err);
  else
    {
      /* -a stdin: PID 1 gets stdin, as a foreground run always gave it (OpenStdin) */
      o.spec.interactive |= (o.attach & 1u) != 0;
      r = run_attached (store, &o, &c, err);
    }
  if (r < 0 && c != NULL)
    skiff_engine_discard (store, c);
out:
  skiff_cli_create_opts_clear (&o);
  return r;
}
