/* skiff: global options, the command table, and the one place that prints a returned error
 * and turns it into an exit status. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/completion.h"
#include "cli/flags-reference.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/log.h"
#include "skiff/xalloc.h"

static const struct skiff_command commands[] = {
  { "attach", cmd_attach,
    "Attach local standard input, output, and error streams to a running container",
    "[OPTIONS] CONTAINER", skiff_cli_attach_groups },
  { "commit", cmd_commit, "Create a new image from a container's changes",
    "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]", skiff_cli_commit_groups },
  { "completion", cmd_completion, "Generate the autocompletion script for the specified shell",
    "bash|zsh|fish", skiff_cli_completion_groups },
  { "container", cmd_container, "Manage containers", "COMMAND" },
  { "cp", cmd_cp, "Copy files/folders between a container and the local filesystem",
    "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-", skiff_cli_cp_groups },
  { "create", cmd_create, "Create a new container", "[OPTIONS] IMAGE [COMMAND] [ARG...]",
    skiff_cli_create_groups, true },
  { "diff", cmd_diff, "Inspect changes to files or directories on a container's filesystem",
    "[OPTIONS] CONTAINER", skiff_cli_diff_groups },
  { "events", cmd_events, "Get real time events from the server", "[OPTIONS]",
    skiff_cli_events_groups },
  { "exec", cmd_exec, "Execute a command in a running container",
    "[OPTIONS] CONTAINER COMMAND [ARG...]", skiff_cli_exec_groups, true },
  { "export", cmd_export, "Export a container's filesystem as a tar archive", "[OPTIONS] CONTAINER",
    skiff_cli_export_groups },
  { "history", cmd_history, "Show the history of an image", "[OPTIONS] IMAGE",
    skiff_cli_history_groups },
  { "generate", cmd_generate, "Generate structured data based on containers", "COMMAND", NULL },
  { "healthcheck", cmd_healthcheck, "Manage health checks of containers", "COMMAND", NULL },
  { "image", cmd_image, "Manage images", "COMMAND", NULL },
  { "images", cmd_images, "List images in local storage", "[OPTIONS] [REPOSITORY[:TAG]]",
    skiff_cli_images_groups },
  { "import", cmd_import, "Import a tarball to create a filesystem image",
    "[OPTIONS] FILE|- [REPOSITORY[:TAG]]", skiff_cli_import_groups },
  { "info", cmd_info, "Display system-wide information", "[OPTIONS]", skiff_cli_info_groups },
  { "inspect", cmd_inspect, "Return low-level information on containers or images",
    "[OPTIONS] NAME|ID [NAME|ID...]", skiff_cli_inspect_groups },
  { "kill", cmd_kill, "Kill one or more running containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    skiff_cli_kill_groups },
  { "load", cmd_load, "Load an image from a tar archive or STDIN", "[OPTIONS]",
    skiff_cli_load_groups },
  { "login", cmd_login, "Log in to a container registry", "[OPTIONS] REGISTRY",
    skiff_cli_login_groups },
  { "logout", cmd_logout, "Log out of a container registry", "[OPTIONS] [REGISTRY]",
    skiff_cli_logout_groups },
  { "logs", cmd_logs, "Fetch the logs of a container", "[OPTIONS] CONTAINER",
    skiff_cli_logs_groups },
  { "manifest", cmd_manifest, "Manipulate manifest lists and image indexes", "COMMAND", NULL },
  { "mount", cmd_mount, "Mount a working container's root filesystem", "[OPTIONS] [CONTAINER...]",
    skiff_cli_mount_groups },
  { "network", cmd_network, "Manage networks", "COMMAND", NULL },
  { "pause", cmd_pause, "Pause all processes within one or more containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_pause_groups },
  { "port", cmd_port, "List port mappings or a specific mapping for the container",
    "CONTAINER [PRIVATE_PORT[/PROTO]]", NULL },
  { "ps", cmd_ps, "List containers", "[OPTIONS]", skiff_cli_ps_groups },
  { "pull", cmd_pull, "Pull an image from a registry", "[OPTIONS] NAME[:TAG|@DIGEST]",
    skiff_cli_pull_groups },
  { "push", cmd_push, "Push an image to a specified destination", "[OPTIONS] IMAGE [DESTINATION]",
    skiff_cli_push_groups },
  { "rename", cmd_rename, "Rename a container", "CONTAINER NEW_NAME", NULL },
  { "restart", cmd_restart, "Restart one or more containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    skiff_cli_restart_groups },
  { "rm", cmd_rm, "Remove one or more containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    skiff_cli_rm_groups },
  { "rmi", cmd_rmi, "Remove one or more images", "[OPTIONS] IMAGE [IMAGE...]",
    skiff_cli_rmi_groups },
  { "run", cmd_run, "Create and run a new container from an image",
    "[OPTIONS] IMAGE [COMMAND] [ARG...]", skiff_cli_run_groups, true },
  { "save", cmd_save, "Save one or more images to a tar archive (streamed to STDOUT by default)",
    "[OPTIONS] IMAGE [IMAGE...]", skiff_cli_save_groups },
  { "search", cmd_search, "Search a registry for an image", "[OPTIONS] TERM",
    skiff_cli_search_groups },
  { "start", cmd_start, "Start one or more stopped containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_start_groups },
  { "stats", cmd_stats, "Display a live stream of container(s) resource usage statistics",
    "[OPTIONS] [CONTAINER...]", skiff_cli_stats_groups },
  { "stop", cmd_stop, "Stop one or more running containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    skiff_cli_stop_groups },
  { "system", cmd_system, "Manage skiff", "COMMAND" },
  { "tag", cmd_tag, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
    "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", skiff_cli_no_flags_groups },
  { "top", cmd_top, "Display the running processes of a container", "CONTAINER [ps OPTIONS]",
    skiff_cli_top_groups, true },
  { "unpause", cmd_unpause, "Unpause all processes within one or more containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_unpause_groups },
  { "umount", cmd_umount, "Unmount working container's root filesystem",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_umount_groups },
  { "unmount", cmd_umount, "Unmount working container's root filesystem",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_umount_groups },
  { "unshare", cmd_unshare, "Run a command in a modified user namespace",
    "[OPTIONS] [COMMAND [ARG...]]", skiff_cli_unshare_groups, true },
  { "untag", cmd_untag, "Remove a name from an image", "IMAGE [NAME...]",
    skiff_cli_no_flags_groups },
  { "version", cmd_version, "Show the skiff version information", "", skiff_cli_version_groups },
  { "volume", cmd_volume, "Manage volumes", "COMMAND" },
  { "wait", cmd_wait, "Block until one or more containers stop, then print their exit codes",
    "[OPTIONS] CONTAINER [CONTAINER...]", skiff_cli_wait_groups },
};

static const size_t n_commands = sizeof commands / sizeof commands[0];

/* The global options (before the command name, as with podman). */
struct global_opts
{
  const char *root, *runroot, *log_level, *storage_driver, *cgroup_manager;
  bool noout, version;
};

#define T struct global_opts
static const struct skiff_opt global_options[] = {
  { .name = "cgroup-manager",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (T, cgroup_manager, const char *),
    .help = "Cgroup manager to use (\"cgroupfs\")",
    .default_text = "\"cgroupfs\"",
    .complete = "cgroupfs" },
  SKIFF_OPT_S ("log-level", 0, T, log_level,
               "Set the logging level (\"debug\", \"info\", \"warn\", \"error\", \"fatal\")"),
  SKIFF_OPT_B ("noout", 0, T, noout, "do not output to stdout"),
  { .name = "root",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (T, root, const char *),
    .help = "Path to the root directory in which data, including images, is stored (default "
            "/var/lib/skiff, rootless $XDG_DATA_HOME/skiff)",
    .complete = "dir" },
  { .name = "runroot",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (T, runroot, const char *),
    .help = "Path to the 'run directory' where all state information is stored (default "
            "/run/skiff, rootless $XDG_RUNTIME_DIR/skiff)",
    .complete = "dir" },
  { .name = "storage-driver",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (T, storage_driver, const char *),
    .help = "Select which storage driver is used to manage storage of images and containers",
    .default_text = "\"overlay\"",
    .complete = "overlay" },
  SKIFF_OPT_B ("version", 'v', T, version, "Print version information and quit"),
  SKIFF_OPT_END,
};
#undef T

static void
print_main_help (void)
{
  const struct skiff_opt *groups[] = { global_options, NULL };
  _cleanup_free_ char *usage = skiff_opts_usage (groups);
  printf ("Usage: skiff [OPTIONS] COMMAND [ARG...]\n\n"
          "A daemonless container engine.\n\n"
          "Options:\n%s\nCommands:\n",
          usage);
  for (size_t i = 0; i < n_commands; i++)
    printf ("  %-12s %s\n", commands[i].name, commands[i].summary);
  printf ("\nRun 'skiff COMMAND --help' for more information on a command.\n");
}

static const struct skiff_command *
group_subcommands (const char *name, size_t *n)
{
  *n = 0;
  if (strcmp (name, "image") == 0)
    return skiff_cli_image_subcommands (n);
  if (strcmp (name, "container") == 0)
    return skiff_cli_container_subcommands (n);
  if (strcmp (name, "system") == 0)
    return skiff_cli_system_subcommands (n);
  if (strcmp (name, "manifest") == 0)
    return skiff_cli_manifest_subcommands (n);
  if (strcmp (name, "volume") == 0)
    return skiff_cli_volume_subcommands (n);
  if (strcmp (name, "healthcheck") == 0)
    return skiff_cli_healthcheck_subcommands (n);
  if (strcmp (name, "generate") == 0)
    return skiff_cli_generate_subcommands (n);
  if (strcmp (name, "network") == 0)
    return skiff_cli_network_subcommands (n);
  return NULL;
}

void
skiff_cli_completion_input (struct skiff_completion_input *in)
{
  static const struct skiff_opt *const groups[] = { global_options, NULL };
  *in = (struct skiff_completion_input){ commands, n_commands, groups, group_subcommands };
}

static const struct skiff_command *
find_command (const char *name)
{
  for (size_t i = 0; i < n_commands; i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* skiff keeps its store on overlay and its cgroups with cgroupfs: the other values podman
 * knows are refused rather than ignored. */
static int
apply_global (struct skiff_cli *cli, const struct global_opts *g, struct skiff_error **err)
{
  cli->store_opts.root = g->root;
  cli->store_opts.runroot = g->runroot;
  if (g->log_level)
    {
      int level = skiff_log_parse_level (g->log_level);
      if (level < 0)
        return skiff_error_make_status (err, 125, 0, "invalid log level \"%s\"", g->log_level);
      skiff_log_set_level ((enum skiff_log_level)level);
    }
  if (g->storage_driver && strcmp (g->storage_driver, "overlay") != 0
      && strcmp (g->storage_driver, "overlay2") != 0)
    return skiff_error_make_status (err, 125, 0,
                                    "storage driver \"%s\" is not supported: skiff stores "
                                    "images and containers with \"overlay\"",
                                    g->storage_driver);
  if (g->cgroup_manager && strcmp (g->cgroup_manager, "cgroupfs") != 0)
    return skiff_error_make_status (err, 125, 0,
                                    strcmp (g->cgroup_manager, "systemd") == 0
                                        ? "cgroup manager \"%s\" is not supported: skiff "
                                          "manages cgroups with \"cgroupfs\""
                                        : "cgroup manager must be one of cgroupfs and systemd: "
                                          "\"%s\" is invalid",
                                    g->cgroup_manager);
  if (g->noout)
    {
      /* podman's --noout: the command's output goes nowhere, its errors still show */
      int fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return skiff_error_make (err, errno, "--noout: open /dev/null");
      fflush (stdout);
      int r = dup2 (fd, STDOUT_FILENO);
      close (fd);
      if (r < 0)
        return skiff_error_make (err, errno, "--noout: dup2 onto stdout");
    }
  log_debug ("store: root %s, runroot %s", g->root ? g->root : "(default)",
             g->runroot ? g->runroot : "(default)");
  return 0;
}

/* Returns 1 for --help (printed), 2 for --version, 0 with *cmd_index the command's argv index
 * (argc: none), or a negative error. */
static int
parse_global (struct skiff_cli *cli, int argc, char **argv, int *cmd_index,
              struct skiff_error **err)
{
  const struct skiff_opt *groups[] = { global_options, skiff_cli_not_yet_flags ("-"), NULL };
  struct global_opts g = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_opts_parse (groups, "skiff", argc, argv, SKIFF_OPTS_STOP_AT_POSITIONAL, &g, &res,
                            err);
  if (r < 0)
    {
      char *msg = xasprintf ("%s (see 'skiff --help')", (*err)->msg);
      free ((*err)->msg);
      (*err)->msg = msg;
      return r;
    }
  if (res.help)
    {
      print_main_help ();
      return 1;
    }
  if ((r = apply_global (cli, &g, err)) < 0)
    return r;
  *cmd_index = argc - (int)res.nargs;
  return g.version ? 2 : 0;
}

int
main (int argc, char **argv)
{
  struct skiff_cli cli = { 0 };
  _cleanup_error_ struct skiff_error *err = NULL;
  int status;

  int cmd = argc;
  int r = parse_global (&cli, argc, argv, &cmd, &err);
  if (r == 1)
    return 0;
  if (r == 2)
    {
      char *vargv[] = { (char *)"version", NULL };
      cli.command = find_command ("version");
      return cmd_version (&cli, 1, vargv, &err);
    }
  if (r < 0)
    goto fail;
  if (cmd >= argc)
    {
      print_main_help ();
      return 0;
    }
  if (strcmp (argv[cmd], "help") == 0)
    {
      if (cmd + 1 < argc && find_command (argv[cmd + 1]))
        {
          cli.command = find_command (argv[cmd + 1]);
          return skiff_cli_help (&cli);
        }
      print_main_help ();
      return 0;
    }
  cli.command = find_command (argv[cmd]);
  if (cli.command == NULL)
    {
      skiff_error_make_status (
          &err, 125, 0, "unknown command \"%s\" for \"skiff\" (see 'skiff --help')", argv[cmd]);
      goto fail;
    }

  status = cli.command->run (&cli, argc - cmd, argv + cmd, &err);
  if (cli.store_open)
    skiff_store_close (&cli.store);
  if (status >= 0)
    return status;
fail:
  if (err == NULL)
    return 125;
  fflush (stdout);
  fprintf (stderr, "Error: %s\n", err->msg);
  return err->exit_code ? err->exit_code : 125;
}
