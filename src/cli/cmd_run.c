/* skiff run: create a container from an image and run it in the foreground (stdio inherited,
 * signals forwarded, exit status passed through), or with -d under a monitor. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/log.h"

/* -a: the streams asked for (stdin also with -i); without -a stdout and stderr, stdin with -i */
static unsigned
attached (const struct skiff_cli_create_opts *o)
{
  unsigned a = o->attach ? o->attach : 6u;
  return o->spec.interactive ? a | 1u : a;
}

/* Foreground without -t: we are PID 1's parent; stdin only with -i (docker: else none), the
 * streams not attached go to /dev/null. */
static int
run_foreground (struct skiff_store *store, const struct skiff_cli_create_opts *o,
                struct skiff_container **c, struct skiff_error **err)
{
  unsigned a = attached (o);
  _cleanup_close_ int null_fd = a == 7u ? -1 : open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (a != 7u && null_fd < 0)
    return skiff_error_make (err, errno, "open /dev/null");
  /* pipes rather than our terminal (see stdio_relay.c) */
  struct skiff_cli_stdio pipes;
  int r = skiff_cli_stdio_open (&pipes, a & 1u, err);
  if (r < 0)
    return r;
  struct skiff_engine_start_opts so = {
    .mode = SKIFF_ENGINE_FOREGROUND,
    .stdin_fd = a & 1u ? pipes.child[0] : null_fd,
    .stdout_fd = a & 2u ? pipes.child[1] : null_fd,
    .stderr_fd = a & 4u ? pipes.child[2] : null_fd,
    .preserve_fds = o->preserve_fds,
    .pidfile = o->pidfile,
  };
  pid_t pid = 0;
  if (o->sig_proxy)
    skiff_cli_sig_proxy_start ();
  r = skiff_engine_run (store, &o->spec, &so, c, &pid, err);
  skiff_cli_stdio_close_child (&pipes);
  if (r < 0 && pid <= 0)
    {
      skiff_cli_stdio_close (&pipes);
      skiff_cli_sig_proxy_stop ();
      return r;
    }
  skiff_cli_sig_proxy_target (pid);
  struct skiff_error *relay_err = NULL, *warning = NULL;
  if (skiff_cli_stdio_relay (&pipes, pid, &relay_err) < 0)
    skiff_error_log_drop (&relay_err, SKIFF_LOG_WARN);
  skiff_cli_stdio_close (&pipes);
  /* (r < 0 here: it runs but its pidfile could not be written; it is waited for all the same) */
  _cleanup_error_ struct skiff_error *wait_err = NULL;
  int code = skiff_engine_wait_foreground (store, *c, pid, &warning, r < 0 ? &wait_err : err);
  skiff_cli_sig_proxy_stop ();
  /* the container's own status matters more than our bookkeeping: a failure to record it is
   * a warning, not a replacement of the exit code */
  if (warning)
    skiff_error_log_drop (&warning, SKIFF_LOG_WARN);
  return r < 0 ? r : code;
}

/* Foreground -t: under a monitor with our terminal attached, so the detach keys can leave it
 * running (a foreground parent cannot hand PID 1 over to anyone). */
static int
run_tty (struct skiff_store *store, const struct skiff_cli_create_opts *o,
         struct skiff_container **c, struct skiff_error **err)
{
  struct skiff_cli_attach_opts ao = {
    .no_stdin = !(attached (o) & 1u),
    .sig_proxy = o->sig_proxy,
    .detach_keys = o->proc.detach_keys,
  };
  struct skiff_engine_start_opts so;
  _cleanup_close_ int sock = -1;
  int r = skiff_cli_attach_pair (o->spec.tty, &so, &sock, err);
  if (r < 0)
    return r;
  so.pidfile = o->pidfile;
  r = skiff_engine_run (store, &o->spec, &so, c, NULL, err);
  close (so.attach_fd);
  return r < 0 ? r : skiff_cli_attach_started (*c, sock, &ao, err);
}

/* -d: the monitor runs it; print the full ID once PID 1 runs. */
static int
run_detached (struct skiff_store *store, const struct skiff_cli_create_opts *o,
              struct skiff_container **c, struct skiff_error **err)
{
  struct skiff_engine_start_opts so = { .mode = SKIFF_ENGINE_DETACHED, .pidfile = o->pidfile };
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
  if (r < 0 || (r = skiff_cli_network_join_userns (cli, &o.spec.network, err)) < 0
      || (r = skiff_cli_store (cli, &store, err)) < 0)
    goto out;
  if (o.detach)
    r = run_detached (store, &o, &c, err);
  else
    r = o.spec.tty ? run_tty (store, &o, &c, err) : run_foreground (store, &o, &c, err);
  if (r < 0 && c != NULL)
    skiff_engine_discard (store, c);
out:
  skiff_cli_create_opts_clear (&o);
  return r;
}
