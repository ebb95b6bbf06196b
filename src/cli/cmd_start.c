/* skiff start: start created or exited containers, each under a new monitor.  Prints each
 * argument as given once it runs (a running one is left alone and printed too, as docker). */
#include <stdio.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/image.h"
#include "skiff/monitor.h"
#include "skiff/strv.h"

struct start_opts
{
  bool attach, interactive;
  const char *detach_keys;
};

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct start_opts *o,
             struct skiff_error **err)
{
  enum
  {
    OPT_DETACH_KEYS = 256,
  };
  static const struct option opts[] = {
    { "attach", no_argument, NULL, 'a' },
    { "interactive", no_argument, NULL, 'i' },
    { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":aih", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        o->attach = true;
        break;
      case 'i':
        o->interactive = true;
        break;
      case OPT_DETACH_KEYS:
        o->detach_keys = optarg;
        break;
      case 'h':
        return 1;
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff start\" requires at least 1 argument.");
  return 0;
}

/* Starts one container under a monitor; no-op for a running or restarting one. */
int
skiff_cli_start_container (struct skiff_store *store, struct skiff_container *c,
                           struct skiff_error **err)
{
  if (c->state.status == SKIFF_CONTAINER_RUNNING)
    {
      if (c->state.paused)
        return skiff_error_make (err, 0, "cannot start a paused container, try unpause instead");
      return 0;
    }
  if (c->state.status == SKIFF_CONTAINER_RESTARTING)
    return 0; /* its monitor starts it again itself: running as far as docker is concerned */
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_image_load (store, c->config.image_id, &img, err);
  if (r < 0)
    return r;
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  return skiff_monitor_launch (store, c, lower, err);
}

int
skiff_cli_start_one (struct skiff_store *store, const char *text, void *data,
                     struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r == 0 && (r = skiff_cli_start_container (store, c, err)) == 0)
    printf ("%s\n", text);
  return r;
}

/* start -a / -i: one container, our stdio attached before it starts (a running one: attached
 * as it is).  Docker refuses several at once. */
static int
start_attached (struct skiff_store *store, const struct start_opts *o, char *const *args,
                struct skiff_error **err)
{
  if (args[0] != NULL && args[1] != NULL)
    return skiff_error_make (err, 0, "you cannot start and attach multiple containers at once");
  _cleanup_container_ struct skiff_container *c = NULL;
  _cleanup_image_ struct skiff_image *img = NULL;
  struct skiff_cli_attach_opts ao
      = { .no_stdin = !o->interactive, .sig_proxy = true, .detach_keys = o->detach_keys };
  int r = skiff_cli_load_container (store, args[0], &c, err);
  if (r < 0)
    return r;
  if (c->state.status == SKIFF_CONTAINER_RUNNING)
    return skiff_cli_attach (store, c, &ao, err);
  if ((r = skiff_image_load (store, c->config.image_id, &img, err)) < 0)
    return r;
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  return skiff_cli_start_attached (store, c, lower, &ao, err);
}

int
cmd_start (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct start_opts o = { 0 };
  struct skiff_store *store;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  if (o.attach || o.interactive)
    return start_attached (store, &o, argv + optind, err);
  return skiff_cli_each_container (store, argv + optind, skiff_cli_start_one, NULL);
}
