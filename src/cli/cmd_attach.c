/* skiff attach: connect our stdio to a running detached container through its monitor's
 * attach socket; also the attaching half of `start -a` and `run -it` (skiff_cli_attach). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/detach_keys.h"
#include "skiff/terminal.h"
#include "skiff/xalloc.h"

struct attach_args
{
  struct skiff_cli_attach_opts opts;
  const char *container;
};

/* "false"/"true" values of --sig-proxy=BOOL, as pflag accepts them. */
static int
parse_bool (const char *flag, const char *v, bool *out, struct skiff_error **err)
{
  static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
  static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    if (strcmp (v, yes[i]) == 0 || strcmp (v, no[i]) == 0)
      {
        *out = strcmp (v, yes[i]) == 0;
        return 0;
      }
  return skiff_error_make_status (err, 125, 0,
                                  "invalid argument \"%s\" for \"%s\" flag: strconv.ParseBool: "
                                  "parsing \"%s\": invalid syntax",
                                  v, flag, v);
}

int
skiff_cli_parse_sig_proxy (const char *value, bool *out, struct skiff_error **err)
{
  *out = true;
  return value ? parse_bool ("--sig-proxy", value, out, err) : 0;
}

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct attach_args *a,
             struct skiff_error **err)
{
  enum
  {
    OPT_DETACH_KEYS = 256,
    OPT_NO_STDIN,
    OPT_SIG_PROXY,
    OPT_HELP,
  };
  static const struct option opts[] = {
    { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
    { "no-stdin", no_argument, NULL, OPT_NO_STDIN },
    { "sig-proxy", optional_argument, NULL, OPT_SIG_PROXY },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
  };
  int c, r;
  a->opts.sig_proxy = true;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_DETACH_KEYS: a->opts.detach_keys = optarg; break;
      case OPT_NO_STDIN: a->opts.no_stdin = true; break;
      case OPT_SIG_PROXY:
        if ((r = skiff_cli_parse_sig_proxy (optarg, &a->opts.sig_proxy, err)) < 0)
          return r;
        break;
      case OPT_HELP: return 1;
      default: return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (argc - optind != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff attach\" requires exactly 1 argument.");
  a->container = argv[optind];
  return 0;
}

/* Whether the container runs on a terminal: its PID 1's stdin is a pty of its devpts
 * (config.json does not record -t). */
static bool
has_tty (const struct skiff_container *c)
{
  char path[64], target[PATH_MAX];
  snprintf (path, sizeof path, "/proc/%d/fd/0", (int)c->state.pid);
  ssize_t n = readlink (path, target, sizeof target - 1);
  if (n < 0)
    return false;
  target[n] = '\0';
  return strncmp (target, "/dev/pts/", 9) == 0 || strcmp (target, "/dev/console") == 0;
}

static int
connect_monitor (struct skiff_cli *cli, const struct skiff_container *c, int *sock,
                 struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("containers/%s", c->config.id);
  _cleanup_free_ char *dir = skiff_store_runpath (&cli->store, rel);
  struct skiff_error *e = NULL;
  if (skiff_cli_attach_connect (dir, sock, &e) == 0)
    return 0;
  int errnum = e->errnum;
  skiff_error_free (e);
  if (errnum == ENOENT || errnum == ECONNREFUSED)
    return skiff_error_make_status (err, 125, 0,
                                    "cannot attach to container %s: it has no monitor (it runs "
                                    "in the foreground of its `skiff run`)",
                                    c->config.id);
  return skiff_error_make (err, errnum, "connect to the monitor of container %s", c->config.id);
}

/* The container went away without a word from the monitor: its recorded exit code. */
static int
closed_exit_code (struct skiff_cli *cli, const struct skiff_container *c, struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *now = NULL;
  if (skiff_container_load (&cli->store, c->config.id, &now, NULL) == 0
      && now->state.status == SKIFF_CONTAINER_EXITED)
    return now->state.exit_code;
  return skiff_error_make (err, EPIPE, "the monitor of container %s closed the connection",
                           c->config.id);
}

int
skiff_cli_attach (struct skiff_cli *cli, const struct skiff_container *c,
                  const struct skiff_cli_attach_opts *o, struct skiff_error **err)
{
  struct skiff_detach_keys keys = { 0 };
  _cleanup_close_ int sock = -1;
  int r = skiff_detach_keys_parse (o->detach_keys ? o->detach_keys : SKIFF_DETACH_KEYS_DEFAULT,
                                   &keys, err);
  if (r < 0 || (r = connect_monitor (cli, c, &sock, err)) < 0)
    goto out;
  struct skiff_cli_attach_io io = { .sock = sock, .in_fd = o->no_stdin ? -1 : STDIN_FILENO,
                                    .out_fd = STDOUT_FILENO, .err_fd = STDERR_FILENO,
                                    .tty = has_tty (c), .keys = &keys };
  if (io.tty && io.in_fd >= 0 && isatty (io.in_fd)
      && (r = skiff_term_make_raw (io.in_fd, err)) < 0)
    goto out;
  if (o->sig_proxy && !io.tty)
    {
      skiff_cli_sig_proxy_start ();
      skiff_cli_sig_proxy_target (c->state.pid);
    }
  enum skiff_cli_attach_end why = SKIFF_CLI_ATTACH_CLOSED;
  int code = 0;
  r = skiff_cli_attach_relay (&io, &why, &code, err);
  skiff_term_restore ();
  skiff_cli_sig_proxy_stop ();
  if (r == 0)
    r = why == SKIFF_CLI_ATTACH_EXITED    ? code
        : why == SKIFF_CLI_ATTACH_DETACHED ? 0
                                           : closed_exit_code (cli, c, err);
out:
  skiff_detach_keys_free (&keys);
  return r;
}

int
cmd_attach (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct attach_args a = { 0 };
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = parse_flags (cli, argc, argv, &a, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_open_running (cli, a.container, &c, err)) < 0)
    return r;
  return skiff_cli_attach (cli, c, &a.opts, err);
}
