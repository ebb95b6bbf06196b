/* The flags `run` and `create` share, and creating the container record from them: image
 * lookup, argv/env/workdir from the image config, name, cidfile. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/image.h"
#include "skiff/monitor.h"
#include "skiff/restart.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

extern char **environ;

void
skiff_cli_create_opts_clear (struct skiff_cli_create_opts *o)
{
  free (o->env);
  free (o->env_files);
  free (o->labels);
}

void
skiff_cli_push_borrowed (char ***v, char *s)
{
  size_t n = skiff_strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof (char *));
  (*v)[n] = s;
  (*v)[n + 1] = NULL;
}

static int
parse_int_flag (struct skiff_cli *cli, const char *flag, const char *value, int *out,
                struct skiff_error **err)
{
  char *end;
  errno = 0;
  long v = strtol (value, &end, 10);
  if (errno || *end || end == value || v < -1 || v > 1000000000)
    return skiff_cli_usage_error (cli, err, "invalid argument \"%s\" for \"%s\" flag", value, flag);
  *out = (int)v;
  return 0;
}

enum
{
  OPT_RM = 256,
  OPT_NAME,
  OPT_CIDFILE,
  OPT_ENV_FILE,
  OPT_ENTRYPOINT,
  OPT_RESTART,
  OPT_STOP_SIGNAL,
  OPT_STOP_TIMEOUT,
  OPT_DETACH_KEYS,
  OPT_SIG_PROXY,
  OPT_HELP,
};

static const struct option create_options[] = {
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
  { "tty", no_argument, NULL, 't' },
  { "detach", no_argument, NULL, 'd' },
  { "label", required_argument, NULL, 'l' },
  { "restart", required_argument, NULL, OPT_RESTART },
  { "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
  { "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
  { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
  { "sig-proxy", optional_argument, NULL, OPT_SIG_PROXY },
  { "help", no_argument, NULL, OPT_HELP },
  { NULL, 0, NULL, 0 },
};

/* One option; 1 = --help, 0 = consumed, negative = error. */
static int
one_option (struct skiff_cli *cli, int c, int argc, char **argv, struct skiff_cli_create_opts *o,
            struct skiff_error **err)
{
  switch (c)
    {
    case OPT_RM:
      o->rm = true;
      break;
    case OPT_NAME:
      o->name = optarg;
      break;
    case OPT_CIDFILE:
      o->cidfile = optarg;
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
    case 'h':
      o->hostname = optarg;
      break;
    case OPT_ENTRYPOINT:
      o->entrypoint = optarg;
      break;
    case 'u':
      o->user = optarg;
      return skiff_cli_user_flag (cli, optarg, err);
    case 'i':
      o->interactive = true;
      break;
    case 't':
      o->tty = true;
      break;
    case 'd':
      o->detach = true;
      break;
    case 'l':
      skiff_cli_push_borrowed (&o->labels, optarg);
      break;
    case OPT_RESTART:
      o->restart = optarg;
      break;
    case OPT_STOP_SIGNAL:
      o->stop_signal = optarg;
      break;
    case OPT_STOP_TIMEOUT:
      return parse_int_flag (cli, "--stop-timeout", optarg, &o->stop_timeout, err);
    case OPT_DETACH_KEYS:
      o->detach_keys = optarg;
      break;
    case OPT_SIG_PROXY:
      return skiff_cli_parse_sig_proxy (optarg, &o->sig_proxy, err);
    case OPT_HELP:
      return 1;
    default:
      return skiff_cli_bad_flag (cli, c, argc, argv, err);
    }
  return 0;
}

int
skiff_cli_create_parse (struct skiff_cli *cli, int argc, char **argv,
                        struct skiff_cli_create_opts *o, struct skiff_error **err)
{
  int c, r;
  o->stop_timeout = -1;
  o->sig_proxy = true;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:e:w:h:u:itdl:", create_options, NULL)) != -1)
    if ((r = one_option (cli, c, argc, argv, o, err)) != 0)
      return r;
  if (optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument.",
                                  cli->command->name);
  o->image = argv[optind];
  o->args = argv + optind + 1;
  struct skiff_restart_policy policy = { 0 };
  if (o->restart && (r = skiff_restart_policy_parse (o->restart, &policy, err)) < 0)
    return r;
  if ((r = skiff_restart_check_rm (&policy, o->rm, err)) < 0)
    return r;
  if (o->stop_signal && (r = skiff_monitor_parse_signal (o->stop_signal, err)) < 0)
    return r;
  if (o->name
      && (r = skiff_container_name_validate (o->name[0] == '/' ? o->name + 1 : o->name, err)) < 0)
    return r;
  return 0;
}

/* "" is the image's user; ":" or ":group" would mean UID 0 without saying so. */
int
skiff_cli_user_flag (struct skiff_cli *cli, const char *value, struct skiff_error **err)
{
  if (*value == ':')
    return skiff_cli_usage_error (cli, err,
                                  "invalid argument \"%s\" for \"-u, --user\" flag: "
                                  "no user name or UID before ':'",
                                  value);
  return 0;
}

/* env-file lines first, then each -e, as docker/cli does. */
int
skiff_cli_user_env (char *const *env_files, char *const *env_opts, struct skiff_strv_builder *env,
                    struct skiff_error **err)
{
  int r;
  for (size_t i = 0; env_files && env_files[i]; i++)
    if ((r = skiff_container_env_file_read (env_files[i], environ, env, err)) < 0)
      return r;
  for (size_t i = 0; env_opts && env_opts[i]; i++)
    if ((r = skiff_container_env_option (env_opts[i], environ, env, err)) < 0)
      return r;
  return 0;
}

/* -l k=v (or k) -> alternating key, value */
static char **
label_map (char *const *labels)
{
  char **kv = NULL;
  for (size_t i = 0; labels && labels[i]; i++)
    {
      const char *eq = strchr (labels[i], '=');
      skiff_strv_push_owned (&kv, eq ? xstrndup (labels[i], (size_t)(eq - labels[i]))
                                     : xstrdup (labels[i]));
      skiff_strv_push (&kv, eq ? eq + 1 : "");
    }
  return kv;
}

static void
lifecycle_config (const struct skiff_cli_create_opts *o, const struct skiff_image *img,
                  struct skiff_container_config *cfg)
{
  cfg->tty = o->tty;
  cfg->open_stdin = o->interactive;
  const char *sig = o->stop_signal ? o->stop_signal : img->config.stop_signal;
  cfg->stop_signal = sig && *sig ? xstrdup (sig) : NULL;
  cfg->stop_timeout = o->stop_timeout;
  struct skiff_restart_policy policy = { 0 };
  if (o->restart)
    skiff_restart_policy_parse (o->restart, &policy, NULL); /* validated by the parser */
  cfg->restart_policy = xstrdup (skiff_restart_mode_name (policy.mode));
  cfg->restart_max = policy.max_retries;
  cfg->labels = label_map (o->labels);
}

static int
build_config (const struct skiff_cli_create_opts *o, const struct skiff_image *img,
              char *const *uenv, struct skiff_container_config *cfg, struct skiff_error **err)
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
  lifecycle_config (o, img, cfg);
  return 0;
}

static int
create_record (struct skiff_store *store, const struct skiff_cli_create_opts *o,
               const struct skiff_image *img, struct skiff_container **out,
               struct skiff_error **err)
{
  _cleanup_strv_builder_ struct skiff_strv_builder uenv = { 0 };
  struct skiff_container_config cfg = { 0 };
  int r = skiff_cli_user_env (o->env_files, o->env, &uenv, err);
  if (r < 0)
    return r;
  r = build_config (o, img, uenv.v, &cfg, err);
  if (r == 0)
    {
      struct skiff_container_create_opts copts = { .durable = !o->rm };
      r = skiff_container_create (store, &cfg, &copts, out, err);
    }
  skiff_container_config_clear (&cfg);
  if (r == 0 && o->cidfile
      && (r = skiff_container_cidfile_write (o->cidfile, (*out)->config.id, err)) < 0)
    {
      struct skiff_error *ignored = NULL;
      if (skiff_container_remove (store, *out, &ignored) < 0)
        skiff_error_free (ignored);
      skiff_container_freep (out);
    }
  return r;
}

int
skiff_cli_create_container (struct skiff_cli *cli, const struct skiff_cli_create_opts *o,
                            struct skiff_store **store, struct skiff_image **img,
                            struct skiff_container **c, struct skiff_error **err)
{
  int r;
  if (o->cidfile && (r = skiff_container_cidfile_open (o->cidfile, err)) < 0)
    return r;
  if ((r = skiff_cli_store (cli, store, err)) < 0
      || (r = skiff_image_lookup (*store, o->image, img, err)) < 0
      || (r = create_record (*store, o, *img, c, err)) < 0)
    {
      if (o->cidfile)
        skiff_container_cidfile_abort (o->cidfile);
      return r;
    }
  return 0;
}
