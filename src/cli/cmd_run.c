/* skiff run: create a container from an image and run it in the foreground, stdio inherited,
 * signals forwarded, exit status passed through. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/image.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

extern char **environ;

struct run_opts
{
  bool rm;
  const char *name;
  const char *cidfile;
  const char *workdir;
  const char *hostname;
  const char *entrypoint; /* NULL = not given */
  const char *user;
  char **env;       /* -e values in order (borrowed strings) */
  char **env_files; /* --env-file paths in order */
  const char *image;
  char **args; /* borrowed from argv */
};

static void
run_opts_clear (struct run_opts *o)
{
  free (o->env);
  free (o->env_files);
}

static void
push_borrowed (char ***v, char *s)
{
  size_t n = skiff_strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof (char *));
  (*v)[n] = s;
  (*v)[n + 1] = NULL;
}

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct run_opts *o,
             struct skiff_error **err)
{
  enum
  {
    OPT_RM = 256,
    OPT_NAME,
    OPT_CIDFILE,
    OPT_ENV_FILE,
    OPT_ENTRYPOINT,
    OPT_HELP,
  };
  static const struct option opts[] = {
    { "rm", no_argument, NULL, OPT_RM },
    { "name", required_argument, NULL, OPT_NAME },
    { "cidfile", required_argument, NULL, OPT_CIDFILE },
    { "env", required_argument, NULL, 'e' },
    { "env-file", required_argument, NULL, OPT_ENV_FILE },
    { "workdir", required_argument, NULL, 'w' },
    { "hostname", required_argument, NULL, 'h' },
    { "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
    { "user", required_argument, NULL, 'u' },
    { "interactive", no_argument, NULL, 'i' },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
  };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:e:w:h:u:i", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_RM: o->rm = true; break;
      case OPT_NAME: o->name = optarg; break;
      case OPT_CIDFILE: o->cidfile = optarg; break;
      case 'e': push_borrowed (&o->env, optarg); break;
      case OPT_ENV_FILE: push_borrowed (&o->env_files, optarg); break;
      case 'w': o->workdir = optarg; break;
      case 'h': o->hostname = optarg; break;
      case OPT_ENTRYPOINT: o->entrypoint = optarg; break;
      case 'u': o->user = optarg; break;
      case 'i': break; /* stdin is always passed through in the foreground */
      case OPT_HELP: return 1;
      default: return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff run\" requires at least 1 argument.");
  o->image = argv[optind];
  o->args = argv + optind + 1;
  return 0;
}

/* env-file lines first, then each -e, as docker/cli does. */
static int
user_env (const struct run_opts *o, char ***out, struct skiff_error **err)
{
  _cleanup_strv_ char **env = NULL;
  int r;
  for (size_t i = 0; o->env_files && o->env_files[i]; i++)
    if ((r = skiff_container_env_file_read (o->env_files[i], environ, &env, err)) < 0)
      return r;
  for (size_t i = 0; o->env && o->env[i]; i++)
    if ((r = skiff_container_env_option (o->env[i], environ, &env, err)) < 0)
      return r;
  *out = steal_ptr (&env);
  return 0;
}

static int
build_config (const struct run_opts *o, const struct skiff_image *img, char *const *uenv,
              struct skiff_container_config *cfg, struct skiff_error **err)
{
  char id[SKIFF_CONTAINER_ID_LEN + 1];
  int r = skiff_container_build_argv (img->config.entrypoint, img->config.cmd, o->entrypoint,
                                      o->args, &cfg->argv, &cfg->entrypoint, &cfg->cmd, err);
  if (r < 0)
    return r;
  r = skiff_container_workdir (o->workdir, img->config.working_dir, &cfg->workdir, err);
  if (r < 0)
    return r;
  r = skiff_container_new_id (id, err);
  if (r < 0)
    return r;
  cfg->id = xstrdup (id);
  cfg->hostname = o->hostname ? xstrdup (o->hostname) : xstrndup (id, SKIFF_CONTAINER_SHORT_ID_LEN);
  cfg->env = skiff_container_build_env (img->config.env, uenv, cfg->hostname);
  cfg->name = o->name ? xstrdup (o->name[0] == '/' ? o->name + 1 : o->name) : NULL;
  cfg->image_id = xstrdup (img->id);
  cfg->image_name = xstrdup (o->image);
  cfg->user = xstrdup (o->user ? o->user : img->config.user ? img->config.user : "");
  cfg->auto_remove = o->rm;
  cfg->cidfile = o->cidfile ? xstrdup (o->cidfile) : NULL;
  return 0;
}

/* Creates the container: record, name, cidfile (refused before anything exists). */
static int
create (struct skiff_store *store, const struct run_opts *o, const struct skiff_image *img,
        struct skiff_container **out, struct skiff_error **err)
{
  _cleanup_strv_ char **uenv = NULL;
  struct skiff_container_config cfg = { 0 };
  int r = user_env (o, &uenv, err);
  if (r < 0)
    return r;
  r = build_config (o, img, uenv, &cfg, err);
  if (r == 0)
    {
      struct skiff_container_create_opts copts = { .durable = !o->rm };
      r = skiff_container_create (store, &cfg, &copts, out, err);
    }
  skiff_container_config_clear (&cfg);
  if (r == 0 && o->cidfile)
    r = skiff_container_cidfile_write (o->cidfile, (*out)->config.id, err);
  return r;
}

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
  return skiff_container_finish (store, c, status, err);
}

int
cmd_run (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct run_opts o = { 0 };
  struct skiff_store *store;
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    {
      run_opts_clear (&o);
      return skiff_cli_help (cli);
    }
  if (r < 0)
    goto out;
  if (o.name && (r = skiff_container_name_validate (o.name[0] == '/' ? o.name + 1 : o.name, err)) < 0)
    goto out;
  if (o.cidfile && (r = skiff_container_cidfile_open (o.cidfile, err)) < 0)
    goto out;
  if ((r = skiff_cli_store (cli, &store, err)) < 0 || (r = skiff_image_lookup (store, o.image, &img, err)) < 0
      || (r = create (store, &o, img, &c, err)) < 0)
    {
      if (o.cidfile)
        skiff_container_cidfile_abort (o.cidfile);
      goto out;
    }
  r = start_and_wait (store, c, img, err);
  if (r < 0 && c->config.auto_remove)
    {
      struct skiff_error *ignored = NULL;
      if (skiff_container_remove (store, c, &ignored) < 0)
        skiff_error_free (ignored);
    }
out:
  run_opts_clear (&o);
  return r;
}
