/* skiff: global options, the command table, and the one place that prints a returned error
 * and turns it into an exit status. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "skiff/log.h"

/* The options run and create share (after --cidfile, and -d for run). */
#define CREATE_OPTIONS_HELP \
    "      --entrypoint string   Overwrite the default ENTRYPOINT of the image\n" \
    "  -e, --env list            Set environment variables\n" \
    "      --env-file list       Read in a file of environment variables\n" \
    "  -h, --hostname string     Container host name\n" \
    "  -i, --interactive         Keep STDIN open even if not attached\n" \
    "  -l, --label list          Set meta data on a container\n" \
    "      --name string         Assign a name to the container\n" \
    "      --restart string      Restart policy to apply when a container exits (default \"no\")\n" \
    "      --rm                  Automatically remove the container when it exits\n" \
    "      --stop-signal string  Signal to stop the container\n" \
    "      --stop-timeout int    Timeout (in seconds) to stop a container\n" \
    "  -t, --tty                 Allocate a pseudo-TTY\n" \
    "  -u, --user string         Username or UID (format: <name|uid>[:<group|gid>])\n" \
    "  -w, --workdir string      Working directory inside the container\n"

static const struct skiff_command commands[] = {
  { "attach", cmd_attach,
    "Attach local standard input, output, and error streams to a running container",
    "[OPTIONS] CONTAINER",
    "      --detach-keys string   Override the key sequence for detaching a container\n"
    "      --no-stdin             Do not attach STDIN\n"
    "      --sig-proxy            Proxy all received signals to the process (default true)\n" },
  { "container", cmd_container, "Manage containers", "COMMAND", NULL },
  { "create", cmd_create, "Create a new container", "[OPTIONS] IMAGE [COMMAND] [ARG...]",
    "      --cidfile string      Write the container ID to the file\n" CREATE_OPTIONS_HELP },
  { "exec", cmd_exec, "Execute a command in a running container",
    "[OPTIONS] CONTAINER COMMAND [ARG...]",
    "  -d, --detach               Detached mode: run command in the background\n"
    "      --detach-keys string   Override the key sequence for detaching a container\n"
    "  -e, --env list             Set environment variables\n"
    "      --env-file list        Read in a file of environment variables\n"
    "  -i, --interactive          Keep STDIN open even if not attached\n"
    "      --privileged           Give extended privileges to the command\n"
    "  -t, --tty                  Allocate a pseudo-TTY\n"
    "  -u, --user string          Username or UID (format: <name|uid>[:<group|gid>])\n"
    "  -w, --workdir string       Working directory inside the container\n" },
  { "history", cmd_history, "Show the history of an image", "[OPTIONS] IMAGE",
    SKIFF_HELP_HISTORY },
  { "image", cmd_image, "Manage images", "COMMAND", NULL },
  { "images", cmd_images, "List images in local storage", "[OPTIONS]",
    SKIFF_HELP_IMAGES },
  { "import", cmd_import, "Import a tarball to create a filesystem image",
    "[OPTIONS] FILE|- [REPOSITORY[:TAG]]",
    SKIFF_HELP_IMPORT },
  { "inspect", cmd_inspect, "Return low-level information on containers or images",
    "[OPTIONS] NAME|ID [NAME|ID...]",
    "  -f, --format string   Format output using a custom template\n"
    "      --type string     Return JSON for specified type (container or image)\n" },
  { "kill", cmd_kill, "Kill one or more running containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    NULL, skiff_cli_kill_groups },
  { "load", cmd_load, "Load an image from a tar archive or STDIN", "[OPTIONS]",
    SKIFF_HELP_LOAD },
  { "logs", cmd_logs, "Fetch the logs of a container", "[OPTIONS] CONTAINER", NULL,
    skiff_cli_logs_groups },
  { "pause", cmd_pause, "Pause all processes within one or more containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", NULL, skiff_cli_pause_groups },
  { "port", cmd_port, "List port mappings or a specific mapping for the container",
    "CONTAINER [PRIVATE_PORT[/PROTO]]", NULL },
  { "ps", cmd_ps, "List containers", "[OPTIONS]", NULL, skiff_cli_ps_groups },
  { "rename", cmd_rename, "Rename a container", "CONTAINER NEW_NAME", NULL },
  { "restart", cmd_restart, "Restart one or more containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    NULL, skiff_cli_restart_groups },
  { "rm", cmd_rm, "Remove one or more containers", "[OPTIONS] CONTAINER [CONTAINER...]", NULL,
    skiff_cli_rm_groups },
  { "rmi", cmd_rmi, "Remove one or more images", "[OPTIONS] IMAGE [IMAGE...]",
    SKIFF_HELP_RMI },
  { "run", cmd_run, "Create and run a new container from an image",
    "[OPTIONS] IMAGE [COMMAND] [ARG...]",
    "      --cidfile string      Write the container ID to the file\n"
    "  -d, --detach              Run container in background and print container ID\n"
    CREATE_OPTIONS_HELP },
  { "save", cmd_save, "Save one or more images to a tar archive (streamed to STDOUT by default)",
    "[OPTIONS] IMAGE [IMAGE...]",
    SKIFF_HELP_SAVE },
  { "start", cmd_start, "Start one or more stopped containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    "  -a, --attach                Attach STDOUT/STDERR and forward signals\n"
    "      --detach-keys string    Override the key sequence for detaching a container\n"
    "  -i, --interactive           Attach container's STDIN\n" },
  { "stats", cmd_stats, "Display a live stream of container(s) resource usage statistics",
    "[OPTIONS] [CONTAINER...]",
    "  -a, --all             Show all containers (default shows just running)\n"
    "      --format string   Format output using a custom template\n"
    "      --no-stream       Disable streaming stats and only pull the first result\n" },
  { "stop", cmd_stop, "Stop one or more running containers", "[OPTIONS] CONTAINER [CONTAINER...]",
    NULL, skiff_cli_stop_groups },
  { "system", cmd_system, "Manage skiff", "COMMAND", NULL },
  { "tag", cmd_tag, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
    "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", NULL },
  { "top", cmd_top, "Display the running processes of a container", "CONTAINER [ps OPTIONS]",
    NULL, NULL, true },
  { "unpause", cmd_unpause, "Unpause all processes within one or more containers",
    "[OPTIONS] CONTAINER [CONTAINER...]", NULL, skiff_cli_unpause_groups },
  { "untag", cmd_untag, "Remove a name from an image", "IMAGE [NAME...]", NULL },
  { "version", cmd_version, "Show the skiff version information", "", NULL },
  { "wait", cmd_wait, "Block until one or more containers stop, then print their exit codes",
    "CONTAINER [CONTAINER...]", NULL },
};

static const size_t n_commands = sizeof commands / sizeof commands[0];

static void
print_main_help (void)
{
  printf ("Usage: skiff [OPTIONS] COMMAND [ARG...]\n\n"
          "A daemonless container engine.\n\n"
          "Options:\n"
          "      --root string       Storage root directory (default /var/lib/skiff, rootless\n"
          "                          $XDG_DATA_HOME/skiff)\n"
          "      --runroot string    Storage state directory (default /run/skiff, rootless\n"
          "                          $XDG_RUNTIME_DIR/skiff)\n"
          "      --log-level string  Log messages at or above: debug, info, warn, error\n"
          "  -h, --help              Show this help\n"
          "  -v, --version           Print version information and quit\n\n"
          "Commands:\n");
  for (size_t i = 0; i < n_commands; i++)
    printf ("  %-12s %s\n", commands[i].name, commands[i].summary);
  printf ("\nRun 'skiff COMMAND --help' for more information on a command.\n");
}

static const struct skiff_command *
find_command (const char *name)
{
  for (size_t i = 0; i < n_commands; i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* Global options come before the command name, as with podman. */
static int
parse_global (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  enum
  {
    OPT_ROOT = 256,
    OPT_RUNROOT,
    OPT_LOG_LEVEL,
  };
  static const struct option opts[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "runroot", required_argument, NULL, OPT_RUNROOT },
    { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:hv", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT:
        cli->store_opts.root = optarg;
        break;
      case OPT_RUNROOT:
        cli->store_opts.runroot = optarg;
        break;
      case OPT_LOG_LEVEL:
        {
          int level = skiff_log_parse_level (optarg);
          if (level < 0)
            return skiff_error_make_status (err, 125, 0, "invalid log level \"%s\"", optarg);
          skiff_log_set_level ((enum skiff_log_level) level);
          break;
        }
      case 'h':
        print_main_help ();
        return 1;
      case 'v':
        return 2;
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  return 0;
}

int
main (int argc, char **argv)
{
  struct skiff_cli cli = { 0 };
  _cleanup_error_ struct skiff_error *err = NULL;
  int status;

  int r = parse_global (&cli, argc, argv, &err);
  if (r == 1)
    return 0;
  if (r == 2)
    {
      char *vargv[] = { (char *) "version", NULL };
      cli.command = find_command ("version");
      return cmd_version (&cli, 1, vargv, &err);
    }
  if (r < 0)
    goto fail;
  if (optind >= argc)
    {
      print_main_help ();
      return 0;
    }
  if (strcmp (argv[optind], "help") == 0)
    {
      if (optind + 1 < argc && find_command (argv[optind + 1]))
        {
          cli.command = find_command (argv[optind + 1]);
          return skiff_cli_help (&cli);
        }
      print_main_help ();
      return 0;
    }
  cli.command = find_command (argv[optind]);
  if (cli.command == NULL)
    {
      skiff_error_make_status (&err, 125, 0, "unknown command \"%s\" for \"skiff\" (see 'skiff --help')",
                               argv[optind]);
      goto fail;
    }

  status = cli.command->run (&cli, argc - optind, argv + optind, &err);
  if (cli.store_open)
    skiff_store_close (&cli.store);
  if (status >= 0)
    return status;
fail:
  if (err == NULL)
    return 125;
  fflush (stdout);
  fprintf (stderr, "skiff: %s\n", err->msg);
  return err->exit_code ? err->exit_code : 125;
}
