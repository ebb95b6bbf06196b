/* skiff commit (container commit) [OPTIONS] CONTAINER [REPOSITORY[:TAG]]: the container's
 * changes as a new image; prints its ID as docker does ("sha256:<hex>", -q: the bare hex as
 * podman's quiet form). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/events.h"
#include "skiff/image.h"

struct commit_opts
{
  const char *author, *format, *message;
  char **changes;
  bool pause, quiet, squash;
};

static const struct skiff_opt commit_options[] = {
  SKIFF_OPT_S ("author", 'a', struct commit_opts, author,
               "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")"),
  { .name = "change",
    .shorthand = 'c',
    .type = SKIFF_OPT_STRINGS,
    .value_name = "list",
    .offset = SKIFF_OPT_FIELD (struct commit_opts, changes, char **),
    .help = "Apply Dockerfile instruction to the created image" },
  SKIFF_OPT_S ("format", 'f', struct commit_opts, format,
               "Format of the image manifest and metadata (oci or docker)"),
  SKIFF_OPT_S ("message", 'm', struct commit_opts, message, "Commit message"),
  SKIFF_OPT_B ("pause", 'p', struct commit_opts, pause, "Pause container during commit"),
  SKIFF_OPT_B ("quiet", 'q', struct commit_opts, quiet,
               "Suppress output (print only the image ID)"),
  SKIFF_OPT_B ("squash", 's', struct commit_opts, squash,
               "squash newly built layers into a single new layer"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_commit_groups[] = { commit_options, NULL };

int
cmd_commit (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct commit_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  _cleanup_free_ char **changes = o.changes;
  if (r < 0)
    return r;
  if (res.nargs < 1 || res.nargs > 2)
    return skiff_cli_usage_error (cli, err,
                                  "\"skiff commit\" requires at least 1 and at most 2 "
                                  "arguments.");
  /* podman's image formats: the manifest type recorded for push (the config is the same) */
  const char *manifest_type = NULL;
  if (o.format && strcmp (o.format, "oci") == 0)
    manifest_type = SKIFF_IMAGE_MANIFEST_OCI;
  else if (o.format && strcmp (o.format, "docker") == 0)
    manifest_type = SKIFF_IMAGE_MANIFEST_DOCKER;
  else if (o.format)
    return skiff_error_make_status (err, 125, 0, "unrecognized image type \"%s\"", o.format);
  const char *ref = res.nargs == 2 ? res.args[1] : NULL;
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  if ((r = skiff_cli_store (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, res.args[0], &c, err)) < 0)
    return r;
  const struct skiff_engine_commit_options co = { .changes = changes,
                                                  .message = o.message,
                                                  .author = o.author,
                                                  .pause = o.pause,
                                                  .squash = o.squash,
                                                  .manifest_type = manifest_type };
  _cleanup_free_ char *id = NULL;
  if ((r = skiff_engine_commit (store, c, ref, &co, &id, err)) < 0)
    return r;
  printf (o.quiet ? "%s\n" : "sha256:%s\n", id);
  skiff_events_container (store, c, "commit", NULL);
  return 0;
}
