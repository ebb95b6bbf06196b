/* skiff inspect / container inspect: docker's JSON array of objects, or --format per object.
 * The generic form tries a container first, then an image (image inspect's object). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/log.h"
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
  const char *type_name; /* --type */
  bool size;             /* --size: sizes are not computed yet */
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

static const struct skiff_opt inspect_options[] = {
  SKIFF_OPT_S ("format", 'f', struct inspect_opts, format, "Format output using a custom template"),
  SKIFF_OPT_B ("size", 's', struct inspect_opts, size,
               "Display total file sizes if the type is container"),
  { .name = "type",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (struct inspect_opts, type_name, const char *),
    .help = "Return JSON for specified type",
    .complete = "container|image|all" },
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_inspect_groups[] = { inspect_options, NULL };

/* inspect's flags from its table; --type container|image, or podman's "all" */
static int
parse_table (struct skiff_cli *cli, int argc, char **argv, struct inspect_opts *o,
             struct skiff_opts_result *res, struct skiff_error **err)
{
  int r = skiff_cli_parse (cli, argc, argv, o, res, err);
  if (r != 0)
    return r;
  if (o->type_name == NULL || strcmp (o->type_name, "all") == 0)
    o->type = INSPECT_ANY;
  else if (strcmp (o->type_name, "container") == 0)
    o->type = INSPECT_CONTAINER;
  else if (strcmp (o->type_name, "image") == 0)
    o->type = INSPECT_IMAGE;
  else
    return skiff_error_make (err, 0, "\"%s\" is not a valid value for --type", o->type_name);
  if (res->nargs == 0)
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
  return skiff_cli_container_json (store, c);
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
      log_debug ("inspect: %s %s", args[i], text ? "found" : "is no container nor image");
      _cleanup_error_ struct skiff_error *e = NULL;
      if (text == NULL || skiff_json_parse (text, "inspect", &objs[n], &e) < 0)
        {
          fprintf (stderr,
                   o->type == INSPECT_CONTAINER ? "Error: No such container: %s\n"
                                                : "Error: no such object: %s\n",
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

int
cmd_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct inspect_opts o = { .type = INSPECT_ANY };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  int r = parse_table (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  return inspect_all (store, &o, res.args, err);
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
