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
#include "skiff/detach_keys.h"
#include "skiff/sandbox.h"
#include "skiff/selfexe.h"
#include "skiff/strv.h"
#include "skiff/terminal.h"
#include "skiff/xalloc.h"

struct exec_opts
{
  bool detach, interactive, tty, privileged;
  const char *workdir;
  const char *user;
  const char *detach_keys;
  char **env;       /* -e, borrowed */
  char **env_files; /* --env-file, borrowed */
  const char *container;
  char **args;
};

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct exec_opts *o,
             struct skiff_error **err)
{
  enum
  {
    OPT_ENV_FILE = 256,
    OPT_PRIVILEGED,
    OPT_DETACH_KEYS,
    OPT_HELP,
  };
  static const struct option opts[] = {
    { "detach", no_argument, NULL, 'd' },
    { "interactive", no_argument, NULL, 'i' },
    { "tty", no_argument, NULL, 't' },
    { "env", required_argument, NULL, 'e' },
    { "env-file", required_argument, NULL, OPT_ENV_FILE },
    { "workdir", required_argument, NULL, 'w' },
    { "user", required_argument, NULL, 'u' },
    { "privileged", no_argument, NULL, OPT_PRIVILEGED },
    { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
  };
  int c, r;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:dite:w:u:", opts, NULL)) != -1)
    switch (c)
      {
      case 'd':
        o->detach = true;
        break;
      case 'i':
        o->interactive = true;
        break;
      case 't':
        o->tty = true;
        break;
      case 'e':
        skiff_cli_push_borrowed (&o->env, optarg);
        break;
      case OPT_ENV_FILE:
        skiff_cli_push_borrowed (&o->env_files, optarg);
        break;
      case 'w':
        o->workdir = optarg;
        break;
      case 'u':
        o->user = optarg;
        if ((r = skiff_cli_user_flag (cli, optarg, err)) < 0)
          return r;
        break;
      case OPT_PRIVILEGED:
        o->privileged = true;
        break;
      case OPT_DETACH_KEYS:
        o->detach_keys = optarg;
        break;
      case OPT_HELP:
        return 1;
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (argc - optind < 2)
    return skiff_cli_usage_error (cli, err, "\"skiff exec\" requires at least 2 arguments.");
  o->container = argv[optind];
  o->args = argv + optind + 1;
  return 0;
}

/* Docker: the container's environment (TERM=xterm first with -t, so the container's own TERM
 * wins), then env-file lines and -e values replacing same keys in place. */
static int
exec_env (const struct exec_opts *o, const struct skiff_container *c, char ***out,
          struct skiff_error **err)
{
  _cleanup_strv_builder_ struct skiff_strv_builder env = { 0 };
  int r;
  if (o->tty)
    skiff_strv_builder_push (&env, "TERM=xterm");
  for (size_t i = 0; c->config.env && c->config.env[i]; i++)
    skiff_strv_builder_push (&env, c->config.env[i]);
  if ((r = skiff_cli_user_env (o->env_files, o->env, &env, err)) < 0)
    return r;
  *out = skiff_container_build_env (NULL, env.v, c->config.hostname);
  return 0;
}

static int
wait_exit (pid_t pid, struct skiff_error **err)
{
  int status = 0;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return skiff_error_make (err, errno, "waitpid %d", (int)pid);
  return skiff_sandbox_exit_code (status);
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
    .in_fd = o->interactive ? STDIN_FILENO : -1,
    .out_fd = STDOUT_FILENO,
    .master_fd = master,
    .winsize_fd = is_tty ? STDIN_FILENO : -1,
    .keys = o->interactive ? keys : NULL,
  };
  enum skiff_relay_end why = SKIFF_RELAY_EOF;
  signal (SIGPIPE, SIG_IGN); /* a closed output ends the relay with an error instead */
  if (is_tty && o->interactive && (r = skiff_term_make_raw (STDIN_FILENO, err)) < 0)
    return r;
  r = skiff_term_relay (&relay, &why, err);
  skiff_term_restore ();
  if (r == 0 && why == SKIFF_RELAY_DETACHED)
    keep_terminal (master);
  else if (r == 0)
    r = wait_exit (pid, err);
  return r;
}

static void
fill_config (const struct exec_opts *o, const struct skiff_container *c, char **env,
             const char *cwd, int null_fd, const struct skiff_cli_stdio *pipes, int *master,
             struct skiff_sandbox_config *sc)
{
  memset (sc, 0, sizeof *sc);
  sc->argv = o->args;
  sc->env = env;
  sc->cwd = cwd;
  sc->user = o->user ? o->user : c->config.user;
  sc->privileged = o->privileged;
  sc->terminal = o->tty && !o->detach;
  sc->terminal_master = master;
  struct winsize ws = { 0 };
  if (sc->terminal)
    skiff_cli_console_size (&ws);
  sc->terminal_rows = ws.ws_row;
  sc->terminal_cols = ws.ws_col;
  sc->stdin_fd = o->interactive && !o->detach ? pipes->child[0] : null_fd;
  sc->stdout_fd = o->detach ? null_fd : pipes->child[1];
  sc->stderr_fd = o->detach ? null_fd : pipes->child[2];
}

static int
run_exec (const struct exec_opts *o, const struct skiff_container *c,
          struct skiff_detach_keys *keys, struct skiff_error **err)
{
  _cleanup_strv_ char **env = NULL;
  _cleanup_free_ char *cwd = NULL;
  int r = exec_env (o, c, &env, err);
  if (r < 0 || (r = skiff_container_workdir (o->workdir, c->config.workdir, &cwd, err)) < 0)
    return r;
  _cleanup_close_ int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0)
    return skiff_error_make (err, errno, "open /dev/null");
  _cleanup_close_ int master = -1;
  /* without -t: pipes rather than our terminal (see stdio_relay.c) */
  struct skiff_cli_stdio pipes = { { -1, -1, -1 }, { -1, -1, -1 } };
  if (!o->tty && !o->detach && (r = skiff_cli_stdio_open (&pipes, o->interactive, err)) < 0)
    return r;
  struct skiff_sandbox_config sc;
  fill_config (o, c, env, cwd, null_fd, &pipes, &master, &sc);
  pid_t pid = 0;
  if (!o->detach)
    skiff_cli_sig_proxy_start ();
  r = skiff_sandbox_exec_in (c->state.pid, &sc, &pid, err);
  skiff_cli_stdio_close_child (&pipes);
  if (r < 0 || o->detach)
    {
      skiff_cli_stdio_close (&pipes);
      return r; /* -d: the process outlives us, adopted by init once we exit */
    }
  skiff_cli_sig_proxy_target (pid);
  if (sc.terminal)
    r = relay_tty (o, keys, pid, master, err);
  else if ((r = skiff_cli_stdio_relay (&pipes, pid, err)) == 0)
    r = wait_exit (pid, err);
  skiff_cli_stdio_close (&pipes);
  skiff_cli_sig_proxy_stop ();
  return r;
}

int
cmd_exec (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct exec_opts o = { 0 };
  struct skiff_detach_keys keys = { 0 };
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  /* before joining anything (rootless: the container's user namespace), see selfexe.h */
  else if (r == 0 && (r = skiff_selfexe_sealed (err)) == 0
           && (r = skiff_detach_keys_parse (
                   o.detach_keys ? o.detach_keys : SKIFF_DETACH_KEYS_DEFAULT, &keys, err))
                  == 0
           && (r = skiff_cli_open_running (cli, o.container, &c, err)) == 0)
    r = c->state.paused ? skiff_error_make_status (err, 125, 0,
                                                   "Container %s is paused, unpause the "
                                                   "container before exec",
                                                   c->config.id)
                        : run_exec (&o, c, &keys, err);
  skiff_detach_keys_free (&keys);
  free (o.env);
  free (o.env_files);
  return r;
}
