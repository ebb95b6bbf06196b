/* skiff attach: connect our stdio to a running detached container through its monitor's
 * attach socket; also the attaching half of `start -a` and `run -it` (skiff_cli_attach). */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/detach_keys.h"
#include "skiff/log.h"
#include "skiff/monitor.h"
#include "skiff/terminal.h"
#include "skiff/xalloc.h"

struct attach_args
{
  struct skiff_cli_attach_opts opts;
  bool latest;
};

static const struct skiff_opt attach_options[] = {
  SKIFF_OPT_S ("detach-keys", 0, struct attach_args, opts.detach_keys,
               "Override the key sequence for detaching a container"),
  SKIFF_OPT_B ("latest", 'l', struct attach_args, latest,
               "Act on the latest container skiff is aware of"),
  SKIFF_OPT_B ("no-stdin", 0, struct attach_args, opts.no_stdin, "Do not attach STDIN"),
  { .name = "sig-proxy",
    .type = SKIFF_OPT_BOOL,
    .offset = SKIFF_OPT_FIELD (struct attach_args, opts.sig_proxy, bool),
    .help = "Proxy all received signals to the process",
    .default_text = "true" },
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_attach_groups[] = { attach_options, NULL };

/* The container went away without a word from the monitor: its recorded exit code. */
static int
closed_exit_code (struct skiff_container *c, struct skiff_error **err)
{
  if (skiff_container_state_reload (c, NULL) == 0 && c->state.status == SKIFF_CONTAINER_EXITED)
    return c->state.exit_code;
  return skiff_error_make (err, EPIPE, "the monitor of container %s closed the connection",
                           c->config.id);
}

/* Relays between our stdio and the monitor on sock. */
static int
attach_sock (struct skiff_container *c, int sock, const struct skiff_cli_attach_opts *o,
             struct skiff_error **err)
{
  struct skiff_detach_keys keys = { 0 };
  int r = skiff_detach_keys_parse (o->detach_keys ? o->detach_keys : SKIFF_DETACH_KEYS_DEFAULT,
                                   &keys, err);
  if (r < 0)
    return r;
  struct skiff_cli_attach_io io = { .sock = sock,
                                    .in_fd = o->no_stdin ? -1 : STDIN_FILENO,
                                    .out_fd = STDOUT_FILENO,
                                    .err_fd = STDERR_FILENO,
                                    .tty = c->config.tty,
                                    .keys = &keys };
  enum skiff_cli_attach_end why = SKIFF_CLI_ATTACH_CLOSED;
  int code = 0;
  skiff_cli_term_guard ();
  if (io.tty && io.in_fd >= 0 && isatty (io.in_fd) && (r = skiff_term_make_raw (io.in_fd, err)) < 0)
    goto out;
  if (o->sig_proxy && !io.tty)
    {
      skiff_cli_sig_proxy_start ();
      skiff_cli_sig_proxy_target (c->state.pid);
    }
  r = skiff_cli_attach_relay (&io, &why, &code, err);
  skiff_term_restore ();
  skiff_cli_sig_proxy_stop ();
  if (r == 0 && why == SKIFF_CLI_ATTACH_EXITED)
    log_debug ("attach: the monitor of %.12s reports exit code %d", c->config.id, code);
  if (r == 0)
    r = why == SKIFF_CLI_ATTACH_EXITED     ? code
        : why == SKIFF_CLI_ATTACH_DETACHED ? 0
                                           : closed_exit_code (c, err);
out:
  skiff_detach_keys_free (&keys);
  return r;
}

int
skiff_cli_attach (struct skiff_store *store, struct skiff_container *c,
                  const struct skiff_cli_attach_opts *o, struct skiff_error **err)
{
  _cleanup_close_ int sock = skiff_monitor_attach_connect (store, c->config.id, err);
  if (sock == -ENOENT || sock == -ECONNREFUSED)
    {
      skiff_error_free (steal_ptr (err));
      return skiff_error_make_status (err, 125, 0,
                                      "cannot attach to container %s: it has no monitor (it "
                                      "runs in the foreground of its `skiff run`)",
                                      c->config.id);
    }
  if (sock < 0)
    return sock;
  return attach_sock (c, sock, o, err);
}

int
skiff_cli_attach_pair (bool tty, struct skiff_cli_attach_opts *o,
                       struct skiff_engine_start_opts *so, int *sock, struct skiff_error **err)
{
  int sp[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return skiff_error_make (err, errno, "socketpair");
  struct winsize ws = { 0 };
  if (tty)
    skiff_cli_console_size (&ws);
  *so = (struct skiff_engine_start_opts){
    .mode = SKIFF_ENGINE_ATTACHED,
    .attach_fd = sp[1],
    .rows = ws.ws_row,
    .cols = ws.ws_col,
    .stdin_fd = -1,
    .stdout_fd = -1,
    .stderr_fd = -1,
  };
  /* files and pipes pass through (a terminal never does: see stdio_relay.c) */
  if (!tty && !o->no_stdin && !isatty (STDIN_FILENO))
    {
      so->stdin_fd = STDIN_FILENO;
      o->no_stdin = true;
    }
  bool skip[2] = { o->no_stdout, o->no_stderr || tty };
  for (int i = 0; i < 2; i++)
    if (skip[i])
      so->quiet |= 1u << i;
    else if (!isatty (STDOUT_FILENO + i))
      {
        *(i == 0 ? &so->stdout_fd : &so->stderr_fd) = STDOUT_FILENO + i;
        so->quiet |= 1u << i;
      }
  *sock = sp[0];
  return 0;
}

int
skiff_cli_attach_started (struct skiff_container *c, int sock,
                          const struct skiff_cli_attach_opts *o, struct skiff_error **err)
{
  return attach_sock (c, sock, o, err);
}

int
skiff_cli_start_attached (struct skiff_store *store, struct skiff_container *c,
                          const struct skiff_cli_attach_opts *o, struct skiff_error **err)
{
  struct skiff_engine_start_opts so;
  _cleanup_close_ int sock = -1;
  struct skiff_cli_attach_opts ao = *o;
  int r = skiff_cli_attach_pair (c->config.tty, &ao, &so, &sock, err);
  if (r < 0)
    return r;
  r = skiff_engine_start (store, c, &so, NULL, err);
  close (so.attach_fd);
  return r < 0 ? r : attach_sock (c, sock, &ao, err);
}

int
cmd_attach (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct attach_args a = { .opts.sig_proxy = true };
  _cleanup_container_ struct skiff_container *c = NULL;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_free_ char *latest = NULL;
  int r = skiff_cli_parse (cli, argc, argv, &a, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0)
    r = skiff_cli_one_container (cli, a.latest, res.nargs, &latest, err);
  if (r < 0 || (r = skiff_cli_open_running (cli, latest ? latest : res.args[0], &c, err)) < 0)
    return r;
  if (c->state.paused)
    return skiff_error_make_status (err, 125, 0,
                                    "You cannot attach to a paused container, unpause it first");
  return skiff_cli_attach (&cli->store, c, &a.opts, err);
}
