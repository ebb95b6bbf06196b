/* skiff container COMMAND: the container commands under one name (docker's management
 * command), plus `prune` and podman's `exists`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/lock.h"
#include "skiff/strv.h"

static bool
confirm (const char *what)
{
  printf ("WARNING! This will remove all %s.\nAre you sure you want to continue? [y/N] ", what);
  fflush (stdout);
  char line[16] = "";
  if (fgets (line, sizeof line, stdin) == NULL)
    return false;
  return line[0] == 'y' || line[0] == 'Y';
}

struct prune_opts
{
  bool force;
  char **filters;
};

/* moby's containersAcceptedFilters */
const char *const skiff_cli_container_prune_filter_keys[] = { "until", "label", "label!", NULL };

static const struct skiff_opt prune_options[] = {
  { .name = "filter",
    .type = SKIFF_OPT_FUNC,
    .value_name = "filter",
    .offset = SKIFF_OPT_FIELD (struct prune_opts, filters, char **),
    .parse = skiff_cli_parse_filter,
    .flags = SKIFF_OPT_OWNS_STRV,
    .help = "Provide filter values (e.g. until=<timestamp>)" },
  SKIFF_OPT_B ("force", 'f', struct prune_opts, force, "Do not prompt for confirmation"),
  SKIFF_OPT_END,
};
static const struct skiff_opt *const prune_groups[] = { prune_options, NULL };

/* Removes the stopped (created or exited) containers among ids that the filters select;
 * returns their IDs (NULL: none), *total grows by their writable layers' bytes.  A failure is
 * printed and the others go on. */
char **
skiff_cli_container_prune_run (struct skiff_store *store, char *const *ids, char *const *filters,
                               int64_t *total)
{
  _cleanup_strv_ char **deleted = NULL;
  for (size_t i = 0; ids && ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *ct = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_container_load (store, ids[i], &ct, &e) < 0)
        continue;
      int lock = skiff_container_lock (ct, &e);
      if (lock < 0)
        continue;
      enum skiff_container_status s = ct->state.status;
      if (skiff_container_state_reload (ct, &e) == 0
          && (s == SKIFF_CONTAINER_CREATED || s == SKIFF_CONTAINER_EXITED) && ct->state.status == s
          && skiff_cli_ps_filters_match (store, filters, ct))
        {
          int64_t size = skiff_cli_container_rw_size (ct);
          if (skiff_container_remove (store, ct, &e) == 0)
            {
              skiff_strv_push (&deleted, ids[i]);
              *total += size;
            }
          else
            skiff_cli_print_error (e);
        }
      skiff_lock_release (lock);
    }
  return steal_ptr (&deleted);
}

static int
prune (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct prune_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **ids = NULL;
  int r = skiff_cli_parse_no_args (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store (cli, &store, err)) < 0
      || (r = skiff_cli_ps_filters_check (store, o.filters, skiff_cli_container_prune_filter_keys,
                                          err))
             < 0)
    {
      skiff_cli_parse_clear (cli, &o, &res);
      return r;
    }
  if ((!o.force && !confirm ("stopped containers"))
      || (r = skiff_container_list_ids (store, &ids, err)) < 0)
    {
      skiff_cli_parse_clear (cli, &o, &res);
      return r;
    }
  int64_t total = 0;
  _cleanup_strv_ char **deleted = skiff_cli_container_prune_run (store, ids, o.filters, &total);
  bool any = deleted != NULL;
  for (size_t i = 0; deleted && deleted[i]; i++)
    printf ("%s%s\n", i ? "" : "Deleted Containers:\n", deleted[i]);
  _cleanup_free_ char *size = skiff_human_size (total);
  printf ("%sTotal reclaimed space: %s\n", any ? "\n" : "", size);
  skiff_cli_parse_clear (cli, &o, &res);
  return 0;
}

struct exists_opts
{
  bool external; /* no other engine's containers share skiff's store: nothing more to check */
};

static const struct skiff_opt exists_options[] = {
  SKIFF_OPT_B ("external", 0, struct exists_opts, external,
               "Check external storage containers as well as skiff containers"),
  SKIFF_OPT_END,
};
static const struct skiff_opt *const exists_groups[] = { exists_options, NULL };

/* podman: exit 0 when it exists, 1 when not, 125 on errors. */
static int
exists (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct exists_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  _cleanup_free_ char *id = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && res.nargs != 1)
    return skiff_cli_usage_error (cli, err,
                                  "\"skiff container exists\" requires exactly 1 argument.");
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  r = skiff_container_lookup (store, res.args[0], &id, &e);
  if (r == 0 || r == -ENOENT)
    return r == 0 ? 0 : 1;
  *err = steal_ptr (&e); /* an ambiguous prefix or a store failure: podman's exit 125 */
  return r;
}

static const struct skiff_command subcommands[] = {
  { "container attach", cmd_attach,
    "Attach local standard input, output, and error streams to a running container",
    "[OPTIONS] CONTAINER", skiff_cli_attach_groups },
  { "container commit", cmd_commit, "Create a new image from a container's changes",
    "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]", skiff_cli_commit_groups },
  { "container cp", cmd_cp, "Copy files/folders between a container and the local filesystem",
    "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-", skiff_cli_cp_groups },
  { "container create", cmd_create, "Create a new container",
    "[OPTIONS] IMAGE [COMMAND] [ARG...]" },
  { "container diff", cmd_diff,
    "Inspect changes to files or directories on a container's filesystem", "[OPTIONS] CONTAINER",
    skiff_cli_diff_groups },
  { "container exec", cmd_exec, "Execute a command in a running container",
    "[OPTIONS] CONTAINER COMMAND [ARG...]", skiff_cli_exec_groups, true },
  { "container exists", exists, "Check if a container exists (exit 0) or not (exit 1)",
    "[OPTIONS] CONTAINER", exists_groups },
  { "container export", cmd_export, "Export a container's filesystem as a tar archive",
    "[OPTIONS] CONTAINER", skiff_cli_export_groups },
  { "container inspect", skiff_cli_container_inspect,
    "Display detailed information on one or more containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    skiff_cli_container_inspect_groups },
  { "container kill", cmd_kill, "Kill one or more running containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_kill_groups },
  { "container logs", cmd_logs, "Fetch the logs of a container", "[OPTIONS] CONTAINER",
    skiff_cli_logs_groups },
  { "container ls", cmd_ps, "List containers", "[OPTIONS]", skiff_cli_ps_groups },
  { "container mount", cmd_mount, "Mount a working container's root filesystem",
    "[OPTIONS] [CONTAINER...]", skiff_cli_mount_groups },
  { "container pause", cmd_pause, "Pause all processes within one or more containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_pause_groups },
  { "container port", cmd_port, "List port mappings for the container",
    "CONTAINER [PRIVATE_PORT[/PROTO]]" },
  { "container prune", prune, "Remove all stopped containers", "[OPTIONS]", prune_groups },
  { "container rename", cmd_rename, "Rename a container", "CONTAINER NEW_NAME" },
  { "container restart", cmd_restart, "Restart one or more containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_restart_groups },
  { "container rm", cmd_rm, "Remove one or more containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    skiff_cli_rm_groups },
  { "container run", cmd_run, "Create and run a new container from an image",
    "[OPTIONS] IMAGE [COMMAND] [ARG...]" },
  { "container start", cmd_start, "Start one or more stopped containers",
    "[OPTIONS] CONTAINER [CONTAINER...]" },
  { "container stats", cmd_stats, "Display a live stream of container(s) resource usage statistics",
    "[OPTIONS] [CONTAINER...]", skiff_cli_stats_groups },
  { "container stop", cmd_stop, "Stop one or more running containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_stop_groups },
  { "container top", cmd_top, "Display the running processes of a container",
    "CONTAINER [ps OPTIONS]", skiff_cli_top_groups, true },
  { "container umount", cmd_umount, "Unmount working container's root filesystem",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_umount_groups },
  { "container unmount", cmd_umount, "Unmount working container's root filesystem",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_umount_groups },
  { "container unpause", cmd_unpause, "Unpause all processes within one or more containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_unpause_groups },
  { "container wait", cmd_wait,
    "Block until one or more containers stop, then print their exit codes",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_wait_groups },
};

static const struct skiff_command *
find (const char *name)
{
  if (strcmp (name, "list") == 0 || strcmp (name, "ps") == 0)
    name = "ls";
  if (strcmp (name, "remove") == 0)
    name = "rm";
  for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
    if (strcmp (subcommands[i].name + strlen ("container "), name) == 0)
      return &subcommands[i];
  return NULL;
}

int
cmd_container (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      printf ("Usage: skiff container COMMAND\n\nManage containers\n\nCommands:\n");
      for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        printf ("  %-10s %s\n", subcommands[i].name + strlen ("container "),
                subcommands[i].summary);
      return 0;
    }
  const struct skiff_command *sub = find (argv[1]);
  if (sub == NULL)
    return skiff_error_make_status (err, 125, 0,
                                    "unknown command \"%s\" for \"skiff container\" (see 'skiff "
                                    "container --help')",
                                    argv[1]);
  cli->command = sub;
  return sub->run (cli, argc - 1, argv + 1, err);
}

const struct skiff_command *
skiff_cli_container_subcommands (size_t *n)
{
  *n = sizeof subcommands / sizeof subcommands[0];
  return subcommands;
}
