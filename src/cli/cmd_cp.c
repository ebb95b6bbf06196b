/* skiff cp (container cp): copy files between a container and the host, docker's way:
 * CONTAINER:SRC_PATH to a host DEST_PATH or to "-" as a tar stream, and SRC_PATH (or "-", a tar
 * on stdin) to CONTAINER:DEST_PATH.  Rootless, a copy into a running container joins the user
 * namespace its processes live in (as exec), so that owners and mounts are its own. */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/userns.h"

struct cp_opts
{
  bool archive, follow, quiet; /* quiet: skiff prints no progress anyway */
};

static const struct skiff_opt cp_options[] = {
  SKIFF_OPT_B ("archive", 'a', struct cp_opts, archive,
               "Archive mode (copy all uid/gid information)"),
  SKIFF_OPT_B ("follow-link", 'L', struct cp_opts, follow, "Always follow symbol link in SRC_PATH"),
  SKIFF_OPT_B ("quiet", 'q', struct cp_opts, quiet,
               "Suppress progress output during copy. Progress output is automatically "
               "suppressed if no terminal is attached"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_cp_groups[] = { cp_options, NULL };

/* docker's splitCpArg: an absolute path, a path without ':' or one starting with '.' is local;
 * else CONTAINER:PATH.  *path points into arg. */
static char *
split_arg (const char *arg, const char **path)
{
  const char *colon = strchr (arg, ':');
  if (arg[0] == '/' || colon == NULL || arg[0] == '.')
    {
      *path = arg;
      return NULL;
    }
  *path = colon + 1;
  return strndup (arg, (size_t)(colon - arg));
}

static int
copy_in (struct skiff_cli *cli, const char *src, const char *container, const char *dest,
         const struct cp_opts *o, struct skiff_error **err)
{
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  /* only read until we know whether it runs: then its user namespace, or a new one */
  int r = skiff_cli_store_outside (cli, &store, err);
  if (r < 0 || (r = skiff_cli_load_container (store, container, &c, err)) < 0)
    return r;
  if (c->state.status == SKIFF_CONTAINER_RUNNING)
    r = skiff_userns_join (skiff_container_join_pid (c), err);
  else
    r = skiff_cli_store (cli, &store, err);
  if (r < 0)
    return r;
  return skiff_engine_copy_in (store, c, src, STDIN_FILENO, dest, o->follow, o->archive, err);
}

int
cmd_cp (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct cp_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && res.nargs != 2)
    return skiff_cli_usage_error (cli, err, "\"skiff cp\" requires exactly 2 arguments.");
  if (r < 0)
    return r;
  const char *src, *dest;
  _cleanup_free_ char *from = split_arg (res.args[0], &src);
  _cleanup_free_ char *to = split_arg (res.args[1], &dest);
  if (from && to)
    return skiff_error_make_status (err, 125, 0, "copying between containers is not supported");
  if (!from && !to)
    return skiff_error_make_status (err, 125, 0, "must specify at least one container source");
  if (*src == '\0')
    return skiff_error_make_status (err, 125, 0, "source path cannot be empty");
  if (*dest == '\0')
    return skiff_error_make_status (err, 125, 0, "destination path cannot be empty");
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  if (to)
    return copy_in (cli, src, to, dest, &o, err);
  if ((r = skiff_cli_store (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, from, &c, err)) < 0)
    return r;
  if (strcmp (dest, "-") == 0)
    return skiff_engine_copy_out (store, c, src, o.follow, STDOUT_FILENO, err);
  return skiff_engine_copy_out_to (store, c, src, o.follow, o.archive, dest, err);
}
