/* skiff run: create a container from an image and run it in the foreground (stdio inherited,
 * signals forwarded, exit status passed through), or with -d under a monitor. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/monitor.h"
#include "skiff/sandbox.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* Foreground without -t: we are PID 1's parent; stdin only with -i (docker: else none). */
static int
start_and_wait (struct skiff_store *store, struct skiff_container *c,
                const struct skiff_image *img, const struct skiff_cli_create_opts *o,
                struct skiff_error **err)
{
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  _cleanup_close_ int null_fd = o->interactive ? -1 : open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (!o->interactive && null_fd < 0)
    return skiff_error_make (err, errno, "open /dev/null");
  /* pipes rather than our terminal (see stdio_relay.c) */
  struct skiff_cli_stdio pipes;
  int r = skiff_cli_stdio_open (&pipes, o->interactive, err);
  if (r < 0)
    return r;
  struct skiff_container_start_opts so = {
    .lowerdirs = lower, .userxattr = store->rootless,
    .stdin_fd = o->interactive ? pipes.child[0] : null_fd, .stdout_fd = pipes.child[1],
    .stderr_fd = pipes.child[2],
  };
  pid_t pid = 0;
  if (o->sig_proxy)
    skiff_cli_sig_proxy_start ();
  r = skiff_container_start (store, c, &so, &pid, err);
  skiff_cli_stdio_close_child (&pipes);
  if (r < 0)
    {
      skiff_cli_stdio_close (&pipes);
      skiff_cli_sig_proxy_stop ();
      return r;
    }
  skiff_cli_sig_proxy_target (pid);
  struct skiff_error *relay_err = NULL;
  if (skiff_cli_stdio_relay (&pipes, pid, &relay_err) < 0)
    skiff_error_log_drop (&relay_err, SKIFF_LOG_WARN);
  skiff_cli_stdio_close (&pipes);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        skiff_cli_sig_proxy_stop ();
        return skiff_error_make (err, errno, "waitpid %d", (int) pid);
      }
  skiff_cli_sig_proxy_stop ();
  /* The container's own status matters more than our bookkeeping: a failure to record it is
   * a warning, not a replacement of the exit code. */
  struct skiff_error *fin_err = NULL;
  int code = skiff_container_finish (store, c, status, &fin_err);
  if (code < 0)
    {
      skiff_error_log_drop (&fin_err, SKIFF_LOG_WARN);
      return skiff_sandbox_exit_code (status);
    }
  return code;
}

/* Foreground -t: under a monitor with our terminal attached, so the detach keys can leave it
 * running (a foreground parent cannot hand PID 1 over to anyone). */
static int
run_tty (struct skiff_store *store, struct skiff_container *c, const struct skiff_image *img,
         const struct skiff_cli_create_opts *o, struct skiff_error **err)
{
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  struct skiff_cli_attach_opts ao
      = { .no_stdin = !o->interactive, .sig_proxy = o->sig_proxy, .detach_keys = o->detach_keys };
  return skiff_cli_start_attached (store, c, lower, &ao, err);
}

/* -d: the monitor runs it; print the full ID once PID 1 runs. */
static int
run_detached (struct skiff_store *store, struct skiff_container *c, const struct skiff_image *img,
              struct skiff_error **err)
{
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  int r = skiff_monitor_launch (store, c, lower, err);
  if (r < 0)
    return r;
  printf ("%s\n", c->config.id);
  return 0;
}

int
cmd_run (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_cli_create_opts o = { 0 };
  struct skiff_store *store = NULL;
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_create_parse (cli, argc, argv, &o, err);
  if (r == 1)
    {
      skiff_cli_create_opts_clear (&o);
      return skiff_cli_help (cli);
    }
  if (r < 0 || (r = skiff_cli_create_container (cli, &o, &store, &img, &c, err)) < 0)
    goto out;
  if (o.detach)
    r = run_detached (store, c, img, err);
  else
    r = o.tty ? run_tty (store, c, img, &o, err) : start_and_wait (store, c, img, &o, err);
  if (r < 0 && c->config.auto_remove)
    {
      struct skiff_error *ignored = NULL;
      if (skiff_container_remove (store, c, &ignored) < 0)
        skiff_error_free (ignored);
    }
out:
  skiff_cli_create_opts_clear (&o);
  return r;
}
