/* skiff run: create a container from an image and run it in the foreground (stdio inherited,
 * signals forwarded, exit status passed through), or with -d under a monitor. */
#include <errno.h>
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

static volatile sig_atomic_t proxy_pid;

static void
forward_signal (int sig)
{
  pid_t pid = proxy_pid;
  if (pid > 0)
    kill (pid, sig);
}

static const int proxied_signals[]
    = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

static void
set_sig_proxy (bool on)
{
  struct sigaction sa = { 0 };
  sa.sa_handler = on ? forward_signal : SIG_DFL;
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < sizeof proxied_signals / sizeof proxied_signals[0]; i++)
    sigaction (proxied_signals[i], &sa, NULL);
}

static int
start_and_wait (struct skiff_store *store, struct skiff_container *c,
                const struct skiff_image *img, struct skiff_error **err)
{
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  struct skiff_container_start_opts so = {
    .lowerdirs = lower, .userxattr = store->rootless, .stdin_fd = -1, .stdout_fd = -1,
    .stderr_fd = -1,
  };
  pid_t pid = 0;
  set_sig_proxy (true); /* before the spawn: a Ctrl-C right after it still reaches PID 1 */
  int r = skiff_container_start (store, c, &so, &pid, err);
  if (r < 0)
    {
      set_sig_proxy (false);
      return r;
    }
  proxy_pid = pid;
  int status = 0;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        set_sig_proxy (false);
        return skiff_error_make (err, errno, "waitpid %d", (int) pid);
      }
  proxy_pid = 0;
  set_sig_proxy (false);
  /* The container's own status matters more than our bookkeeping: a failure to record it is
   * a warning, not a replacement of the exit code. */
  struct skiff_error *fin_err = NULL;
  int code = skiff_container_finish (store, c, status, &fin_err);
  if (code < 0)
    {
      log_warn ("%s", fin_err->msg);
      skiff_error_free (fin_err);
      return skiff_sandbox_exit_code (status);
    }
  return code;
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
  r = o.detach ? run_detached (store, c, img, err) : start_and_wait (store, c, img, err);
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
