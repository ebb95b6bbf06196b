/* skiff inspect / container inspect: docker's JSON array of objects, or --format per object.
 * The generic form tries a container first, then an image (image inspect's object). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/format.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

enum inspect_type
{
  INSPECT_ANY,
  INSPECT_CONTAINER,
  INSPECT_IMAGE,
};

struct inspect_opts
{
  const char *format;
  enum inspect_type type;
  bool size; /* accepted; sizes are not computed */
  struct skiff_cli_targets t;
};

static const struct skiff_opt container_inspect_options[] = {
  SKIFF_OPT_S ("format", 'f', struct inspect_opts, format, "Format output using a custom template"),
  SKIFF_OPT_B ("latest", 'l', struct inspect_opts, t.latest, "Act on the latest created container"),
  SKIFF_OPT_B ("size", 's', struct inspect_opts, size, "Display total file sizes"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_container_inspect_groups[]
    = { container_inspect_options, NULL };

/* The generic inspect's flags (getopt: inspect is converted with the image commands). */
static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct inspect_opts *o,
             struct skiff_error **err)
{
  enum
  {
    OPT_TYPE = 256,
  };
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "type", required_argument, NULL, OPT_TYPE },
    { "size", no_argument, NULL, 's' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":f:sh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        o->format = optarg;
        break;
      case 's':
        break; /* sizes are not computed */
      case OPT_TYPE:
        if (o->type != INSPECT_ANY)
          return skiff_cli_bad_flag (cli, c, argc, argv, err);
        if (strcmp (optarg, "container") == 0)
          o->type = INSPECT_CONTAINER;
        else if (strcmp (optarg, "image") == 0)
          o->type = INSPECT_IMAGE;
        else
          return skiff_error_make (err, 0, "\"%s\" is not a valid value for --type", optarg);
        break;
      case 'h':
        return 1;
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument.",
                                  cli->command->name);
  return 0;
}

static char *
container_text (struct skiff_store *store, const char *text)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_cli_load_container (store, text, &c, &e) < 0)
    return NULL;
  return skiff_cli_container_json (c);
}

static char *
image_text (struct skiff_store *store, const char *text)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  char *out = NULL;
  if (skiff_image_lookup (store, text, &img, &e) < 0
      || skiff_image_inspect_json (store, &img, 1, false, &out, &e) < 0)
    return NULL;
  return out;
}

static int
inspect_all (struct skiff_store *store, const struct inspect_opts *o, char *const *args,
             struct skiff_error **err)
{
  size_t n = 0, nargs = 0;
  while (args[nargs])
    nargs++;
  yajl_val *objs = xzalloc ((nargs + 1) * sizeof *objs);
  int status = 0;
  for (size_t i = 0; i < nargs; i++)
    {
      _cleanup_free_ char *text = NULL;
      if (o->type != INSPECT_IMAGE)
        text = container_text (store, args[i]);
      if (text == NULL && o->type != INSPECT_CONTAINER)
        text = image_text (store, args[i]);
      _cleanup_error_ struct skiff_error *e = NULL;
      if (text == NULL || skiff_json_parse (text, "inspect", &objs[n], &e) < 0)
        {
          fprintf (stderr,
                   o->type == INSPECT_CONTAINER ? "skiff: No such container: %s\n"
                                                : "skiff: no such object: %s\n",
                   args[i]);
          status = 1;
          continue;
        }
      n++;
    }
  int r = skiff_format_inspect (stdout, o->format, objs, n, err);
  for (size_t i = 0; i < n; i++)
    yajl_tree_free (objs[i]);
  free (objs);
  return r < 0 ? r : status;
}

static int
run_inspect (struct skiff_cli *cli, int argc, char **argv, enum inspect_type type,
             struct skiff_error **err)
{
  struct inspect_opts o = { .type = type };
  struct skiff_store *store;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  return inspect_all (store, &o, argv + optind, err);
}

int
cmd_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  return run_inspect (cli, argc, argv, INSPECT_ANY, err);
}

int
skiff_cli_container_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct inspect_opts o = { .type = INSPECT_CONTAINER };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_strv_ char **targets = NULL;
  struct skiff_store *store;
  int r = skiff_cli_targets_parse (cli, argc, argv, &o, &o.t, NULL, &res, &store, &targets, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  return inspect_all (store, &o, targets, err);
}
