/* skiff exec: run a command in a running container (its namespaces, root, cgroups, user and
 * capabilities), in the foreground with the command's exit status, on a terminal of the
 * container's own devpts with -t, or detached with -d. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/events.h"
#include "skiff/detach_keys.h"
#include "skiff/selfexe.h"
#include "skiff/strv.h"
#include "skiff/terminal.h"
#include "skiff/xalloc.h"

struct exec_opts
{
  struct skiff_cli_process_opts proc; /* first: the shared table's offsets */
  bool detach, privileged, latest;
  unsigned preserve_fds;
  const char *container;
  char *latest_id; /* --latest: the newest container */
  char **args;
};

static const struct skiff_opt exec_options[] = {
  SKIFF_OPT_B ("detach", 'd', struct exec_opts, detach,
               "Detached mode: run command in the background"),
  SKIFF_OPT_B ("latest", 'l', struct exec_opts, latest,
               "Act on the latest container skiff is aware of"),
  { .name = "preserve-fds",
    .type = SKIFF_OPT_FUNC,
    .value_name = "uint",
    .offset = SKIFF_OPT_FIELD (struct exec_opts, preserve_fds, unsigned),
    .parse = skiff_cli_parse_preserve_fds,
    .help = "Pass N additional file descriptors to the container" },
  SKIFF_OPT_B ("privileged", 0, struct exec_opts, privileged,
               "Give extended privileges to the command"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_exec_groups[]
    = { skiff_cli_process_options, exec_options, NULL };

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct exec_opts *o,
             struct skiff_opts_result *res, struct skiff_error **err)
{
  int r = skiff_cli_parse (cli, argc, argv, o, res, err);
  if (r != 0)
    return r;
  /* with --latest every positional is the command */
  if (res->nargs < (o->latest ? 1u : 2u))
    return skiff_cli_usage_error (cli, err, "\"skiff exec\" requires at least %s.",
                                  o->latest ? "1 argument" : "2 arguments");
  if (o->proc.user && (r = skiff_cli_user_flag (cli, o->proc.user, err)) < 0)
    return r;
  if (o->preserve_fds && (o->detach || o->proc.tty))
    return skiff_error_make_status (err, 125, 0,
                                    "--preserve-fds with %s is not supported by skiff yet",
                                    o->detach ? "-d" : "-t");
  if ((r = skiff_cli_check_preserve_fds (o->preserve_fds, err)) < 0)
    return r;
  if (o->latest && (r = skiff_cli_latest_id (cli, &o->latest_id, err)) < 0)
    return r;
  o->container = o->latest ? o->latest_id : res->args[0];
  o->args = res->args + (o->latest ? 0 : 1);
  return 0;
}

/* After a detach the process keeps its terminal: closing the last master fd would hang it up.
 * A small child of ours holds the master and drains what the process writes until it is done
 * (docker's shim keeps it open likewise, and exec output is not logged). */
static void
keep_terminal (int master)
{
  pid_t keeper = fork ();
  if (keeper != 0)
    return;
  char buf[4096];
  ssize_t n;
  /* nothing else of ours: whoever reads our output must see EOF when we exit */
  int null_fd = open ("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3 && null_fd >= 0; fd++)
    dup2 (null_fd, fd);
  if (master > 3)
    close_range (3, (unsigned)master - 1, 0);
  close_range ((unsigned)master + 1, ~0U, 0);
  setsid ();
  while ((n = read (master, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    ;
  _exit (0);
}

/* -t: relay between our terminal and the process's, raw mode while it runs. */
static int
relay_tty (const struct exec_opts *o, struct skiff_detach_keys *keys, pid_t pid, int master,
           struct skiff_error **err)
{
  int r = 0;
  bool is_tty = isatty (STDIN_FILENO);
  struct skiff_relay relay = {
    .in_fd = o->proc.interactive ? STDIN_FILENO : -1,
    .out_fd = STDOUT_FILENO,
    .master_fd = master,
    .winsize_fd = is_tty ? STDIN_FILENO : -1,
    .keys = o->proc.interactive ? keys : NULL,
  };
  enum skiff_relay_end why = SKIFF_RELAY_EOF;
  signal (SIGPIPE, SIG_IGN); /* a closed output ends the relay with an error instead */
  if (is_tty && o->proc.interactive && (r = skiff_term_make_raw (STDIN_FILENO, err)) < 0)
    return r;
  r = skiff_term_relay (&relay, &why, err);
  skiff_term_restore ();
  if (r == 0 && why == SKIFF_RELAY_DETACHED)
    keep_terminal (master);
  else if (r == 0)
    r = skiff_engine_wait_process (pid, err);
  return r;
}

static void
fill_spec (const struct exec_opts *o, int null_fd, const struct skiff_cli_stdio *pipes, int *master,
           struct skiff_exec_spec *spec)
{
  *spec = (struct skiff_exec_spec){
    .args = o->args,
    .env = o->proc.env,
    .env_files = o->proc.env_files,
    .workdir = o->proc.workdir,
    .user = o->proc.user,
    .privileged = o->privileged,
    .tty = o->proc.tty,
    .interactive = o->proc.interactive,
    .detach = o->detach,
    .preserve_fds = o->preserve_fds,
    .terminal_master = master,
    .stdin_fd = o->proc.interactive && !o->detach ? pipes->child[0] : null_fd,
    .stdout_fd = o->detach ? null_fd : pipes->child[1],
    .stderr_fd = o->detach ? null_fd : pipes->child[2],
  };
  struct winsize ws = { 0 };
  if (o->proc.tty && !o->detach)
    skiff_cli_console_size (&ws);
  spec->rows = ws.ws_row;
  spec->cols = ws.ws_col;
}

static int
run_exec (const struct exec_opts *o, const struct skiff_container *c,
          struct skiff_detach_keys *keys, const char *root, struct skiff_error **err)
{
  int r;
  /* opened now: once the process runs, our root is the container's */
  _cleanup_close_ int events = skiff_events_open (root);
  _cleanup_close_ int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0)
    return skiff_error_make (err, errno, "open /dev/null");
  _cleanup_close_ int master = -1;
  /* without -t: pipes rather than our terminal (see stdio_relay.c) */
  struct skiff_cli_stdio pipes = { { -1, -1, -1 }, { -1, -1, -1 } };
  if (!o->proc.tty && !o->detach
      && (r = skiff_cli_stdio_open (&pipes, o->proc.interactive, err)) < 0)
    return r;
  struct skiff_exec_spec spec;
  fill_spec (o, null_fd, &pipes, &master, &spec);
  pid_t pid = 0;
  if (!o->detach)
    skiff_cli_sig_proxy_start ();
  r = skiff_engine_exec (c, &spec, &pid, err);
  if (r == 0) /* the journal fd: we are in the container's root now */
    skiff_events_container_fd (events, c, "exec_start", NULL, 0);
  skiff_cli_stdio_close_child (&pipes);
  if (r < 0 || o->detach)
    {
      skiff_cli_stdio_close (&pipes);
      if (!o->detach)
        skiff_cli_sig_proxy_stop ();
      return r; /* -d: the process outlives us, adopted by init once we exit */
    }
  skiff_cli_sig_proxy_target (pid);
  if (o->proc.tty)
    r = relay_tty (o, keys, pid, master, err);
  else if ((r = skiff_cli_stdio_relay (&pipes, pid, err)) == 0)
    r = skiff_engine_wait_process (pid, err);
  if (r >= 0)
    skiff_events_container_fd (events, c, "exec_die", "exitCode", r);
  skiff_cli_stdio_close (&pipes);
  skiff_cli_sig_proxy_stop ();
  return r;
}

int
cmd_exec (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct exec_opts o = { 0 };
  struct skiff_command self;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_detach_keys keys = { 0 };
  skiff_cli_own_table (cli, skiff_cli_exec_groups, true, &self);
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = parse_flags (cli, argc, argv, &o, &res, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  /* before joining anything (rootless: the container's user namespace), see selfexe.h */
  else if (r == 0 && (r = skiff_selfexe_sealed (err)) == 0
           && (r = skiff_detach_keys_parse (
                   o.proc.detach_keys ? o.proc.detach_keys : SKIFF_DETACH_KEYS_DEFAULT, &keys, err))
                  == 0
           && (r = skiff_cli_open_running (cli, o.container, &c, err)) == 0)
    r = c->state.paused ? skiff_error_make_status (err, 125, 0,
                                                   "Container %s is paused, unpause the "
                                                   "container before exec",
                                                   c->config.id)
                        : run_exec (&o, c, &keys, cli->store.root, err);
  skiff_detach_keys_free (&keys);
  free (o.proc.env);
  free (o.proc.env_files);
  free (o.latest_id);
  return r;
}
