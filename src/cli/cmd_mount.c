/* skiff mount [CONTAINER...] and skiff umount|unmount CONTAINER...: podman's commands, for
 * root or inside `skiff unshare` (a rootless user outside gets podman's words: unshare first).
 * mount without a container lists the mounted ones. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/strv.h"

struct mount_opts
{
  bool all, no_trunc, force;
};

static const struct skiff_opt mount_options[] = {
  SKIFF_OPT_B ("all", 'a', struct mount_opts, all, "Mount all containers"),
  SKIFF_OPT_B ("no-trunc", 0, struct mount_opts, no_trunc, "Do not truncate output"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_mount_groups[] = { mount_options, NULL };

static const struct skiff_opt umount_options[] = {
  SKIFF_OPT_B ("all", 'a', struct mount_opts, all,
               "Umount all of the currently mounted containers"),
  SKIFF_OPT_B ("force", 'f', struct mount_opts, force,
               "Force the complete umount of the specified mounted containers"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_umount_groups[] = { umount_options, NULL };

static int
rootless_refusal (struct skiff_cli *cli, struct skiff_error **err)
{
  const char *name = cli->command->name;
  return skiff_error_make_status (err, 125, 0,
                                  "cannot run command \"skiff %s\" in rootless mode, must "
                                  "execute `skiff unshare` first",
                                  strncmp (name, "container ", 10) == 0 ? name + 10 : name);
}

/* No container named: "ID  MOUNTPOINT" of each mounted one. */
static int
list_mounted (struct skiff_store *store, bool no_trunc, struct skiff_error **err)
{
  _cleanup_strv_ char **ids = NULL;
  int r = skiff_container_list_ids (store, &ids, err);
  for (size_t i = 0; r == 0 && ids && ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_container_load (store, ids[i], &c, &e) < 0)
        continue; /* removed meanwhile */
      _cleanup_free_ char *path = skiff_engine_mount_point (c);
      if (path)
        printf ("%.*s  %s\n", no_trunc ? 64 : 12, c->config.id, path);
    }
  return r;
}

/* Flags, the rootless refusal, the store, and the containers: the named ones, or with all
 * every container.  1: --help was printed. */
static int
begin (struct skiff_cli *cli, int argc, char **argv, struct mount_opts *o,
       struct skiff_opts_result *res, struct skiff_store **store, char ***names,
       struct skiff_error **err)
{
  int r = skiff_cli_parse (cli, argc, argv, o, res, err);
  if (r == 1)
    return skiff_cli_help (cli), 1;
  if (r < 0)
    return r;
  if (geteuid () != 0)
    return rootless_refusal (cli, err);
  if ((r = skiff_cli_store (cli, store, err)) < 0)
    return r;
  if (o->all)
    return skiff_container_list_ids (*store, names, err);
  for (size_t i = 0; i < res->nargs; i++)
    skiff_strv_push (names, res->args[i]);
  return 0;
}

int
cmd_mount (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct mount_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **names = NULL;
  int r = begin (cli, argc, argv, &o, &res, &store, &names, err);
  if (r != 0)
    return r > 0 ? 0 : r;
  if (res.nargs == 0 && !o.all)
    return list_mounted (store, o.no_trunc, err);
  for (size_t i = 0; names && names[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      _cleanup_free_ char *path = NULL;
      if ((r = skiff_cli_load_container (store, names[i], &c, err)) < 0
          || (r = skiff_engine_mount (store, c, &path, err)) < 0)
        return r;
      if (o.all)
        printf ("%.*s  %s\n", o.no_trunc ? 64 : 12, c->config.id, path);
      else
        printf ("%s\n", path);
    }
  return 0;
}

int
cmd_umount (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct mount_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **names = NULL;
  int r = begin (cli, argc, argv, &o, &res, &store, &names, err);
  if (r != 0)
    return r > 0 ? 0 : r;
  if (res.nargs == 0 && !o.all)
    return skiff_error_make_status (err, 125, 0,
                                    "`skiff %s` requires a name, id, or the "
                                    "\"--all\" flag",
                                    strrchr (cli->command->name, ' ')
                                        ? strrchr (cli->command->name, ' ') + 1
                                        : cli->command->name);
  if (res.nargs > 0 && o.all)
    return skiff_error_make_status (err, 125, 0,
                                    "when using the --all switch, you may not pass "
                                    "any containers names or IDs");
  for (size_t i = 0; names && names[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      if ((r = skiff_cli_load_container (store, names[i], &c, err)) < 0)
        return r;
      _cleanup_free_ char *was = skiff_engine_mount_point (c);
      if (o.all && was == NULL)
        continue;
      if ((r = skiff_engine_unmount (c, o.force, err)) < 0)
        return r;
      printf ("%s\n", c->config.id);
    }
  return 0;
}
