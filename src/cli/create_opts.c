/* The flags `run`, `create` and `exec` share (the process group) and those of `run` and
 * `create`, declared once as option tables and parsed into a struct skiff_container_spec (the
 * engine makes the container from it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* docker's --help calls a repeated string flag a "list" */
#define LIST(long_, short_, T, field, help_)                                                       \
  {                                                                                                \
    .name = long_, .shorthand = short_, .type = SKIFF_OPT_STRINGS,                                 \
    .offset = SKIFF_OPT_FIELD (T, field, char **), .value_name = "list", .help = help_             \
  }

#define P struct skiff_cli_process_opts
const struct skiff_opt skiff_cli_process_options[] = {
  SKIFF_OPT_S ("detach-keys", 0, P, detach_keys,
               "Override the key sequence for detaching a container"),
  LIST ("env", 'e', P, env, "Set environment variables"),
  LIST ("env-file", 0, P, env_files, "Read in a file of environment variables"),
  SKIFF_OPT_B ("interactive", 'i', P, interactive, "Keep STDIN open even if not attached"),
  SKIFF_OPT_B ("tty", 't', P, tty, "Allocate a pseudo-TTY"),
  SKIFF_OPT_S ("user", 'u', P, user, "Username or UID (format: <name|uid>[:<group|gid>])"),
  SKIFF_OPT_S ("workdir", 'w', P, workdir, "Working directory inside the container"),
  SKIFF_OPT_END,
};
#undef P

/* -a stdin|stdout|stderr (any case), repeatable: docker's validation and text */
static int
parse_attach (const char *value, void *field, struct skiff_error **err)
{
  static const char *const streams[] = { "stdin", "stdout", "stderr" };
  for (unsigned i = 0; i < 3; i++)
    if (strcasecmp (value, streams[i]) == 0)
      {
        *(unsigned *)field |= 1u << i;
        return 0;
      }
  return skiff_error_make_status (err, 125, 0,
                                  "invalid argument \"%s\" for \"-a, --attach\" flag: valid "
                                  "streams are STDIN, STDOUT and STDERR",
                                  value);
}

int
skiff_cli_parse_preserve_fds (const char *value, void *field, struct skiff_error **err)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul (value, &end, 10);
  if (errno || *end || end == value || *value == '-' || *value == '+' || v > 1024)
    return skiff_error_make_status (
        err, 125, 0,
        "invalid argument \"%s\" for \"--preserve-fds\" flag: "
        "strconv.ParseUint: parsing \"%s\": %s",
        value, value, errno == ERANGE || v > 1024 ? "value out of range" : "invalid syntax");
  *(unsigned *)field = (unsigned)v;
  return 0;
}

#define C struct skiff_cli_create_opts
static const struct skiff_opt create_options[] = {
  SKIFF_OPT_S ("cidfile", 0, C, spec.cidfile, "Write the container ID to the file"),
  SKIFF_OPT_S ("entrypoint", 0, C, spec.entrypoint,
               "Overwrite the default ENTRYPOINT of the image"),
  SKIFF_OPT_S ("hostname", 'h', C, spec.hostname, "Container host name"),
  LIST ("label", 'l', C, spec.labels, "Set meta data on a container"),
  SKIFF_OPT_S ("name", 0, C, spec.name, "Assign a name to the container"),
  SKIFF_OPT_B ("replace", 0, C, spec.replace,
               "If a container with the same name exists, replace it"),
  { .name = "restart",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (C, spec.restart, const char *),
    .help = "Restart policy to apply when a container exits",
    .default_text = "\"no\"" },
  SKIFF_OPT_B ("rm", 0, C, spec.rm, "Automatically remove the container when it exits"),
  { .name = "sig-proxy",
    .type = SKIFF_OPT_BOOL,
    .offset = SKIFF_OPT_FIELD (C, sig_proxy, bool),
    .help = "Proxy received signals to the process",
    .default_text = "true" },
  SKIFF_OPT_S ("stop-signal", 0, C, spec.stop_signal, "Signal to stop the container"),
  SKIFF_OPT_I ("stop-timeout", 0, C, spec.stop_timeout, "Timeout (in seconds) to stop a container"),
  SKIFF_OPT_END,
};
static const struct skiff_opt run_options[] = {
  { .name = "attach",
    .shorthand = 'a',
    .type = SKIFF_OPT_FUNC,
    .value_name = "list",
    .offset = SKIFF_OPT_FIELD (C, attach, unsigned),
    .parse = parse_attach,
    .help = "Attach to STDIN, STDOUT or STDERR",
    .complete = "stdin|stdout|stderr" },
  SKIFF_OPT_B ("detach", 'd', C, detach, "Run container in background and print container ID"),
  { .name = "preserve-fds",
    .type = SKIFF_OPT_FUNC,
    .value_name = "uint",
    .offset = SKIFF_OPT_FIELD (C, preserve_fds, unsigned),
    .parse = skiff_cli_parse_preserve_fds,
    .help = "Pass a number of additional file descriptors into the container" },
  SKIFF_OPT_END,
};
#undef C

/* One group per line, clang-format off: each topic's group is one line to add. */
// clang-format off
const struct skiff_opt *const skiff_cli_create_groups[] = {
  skiff_cli_process_options,
  create_options,
  skiff_cli_resources_options,
  skiff_cli_network_options,
  skiff_cli_init_options,
  skiff_cli_security_options,
  skiff_cli_mounts_options,
  skiff_cli_log_options,
  skiff_cli_health_options,
  skiff_cli_ports_options,
  skiff_cli_netuser_options,
  skiff_cli_pull_options,
  skiff_cli_podman_options,
  NULL,
};
const struct skiff_opt *const skiff_cli_run_groups[] = {
  skiff_cli_process_options,
  create_options,
  skiff_cli_resources_options,
  run_options,
  skiff_cli_network_options,
  skiff_cli_init_options,
  skiff_cli_security_options,
  skiff_cli_mounts_options,
  skiff_cli_log_options,
  skiff_cli_health_options,
  skiff_cli_ports_options,
  skiff_cli_netuser_options,
  skiff_cli_pull_options,
  skiff_cli_podman_options,
  NULL,
};
// clang-format on

void
skiff_cli_push_borrowed (char ***v, char *s)
{
  size_t n = skiff_strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof (char *));
  (*v)[n] = s;
  (*v)[n + 1] = NULL;
}

void
skiff_cli_create_opts_clear (struct skiff_cli_create_opts *o)
{
  free (o->proc.env);
  free (o->proc.env_files);
  free (o->spec.labels);
  free (o->pull.resolved);
  skiff_resources_clear (&o->spec.resources);
  skiff_cli_network_opts_clear (&o->spec.network);
  skiff_cli_security_clear (&o->spec.security);
  skiff_cli_mounts_opts_clear (&o->spec.mounts);
  skiff_cli_ports_opts_clear (&o->spec.ports);
  free (o->spec.log.opts);
  skiff_opts_result_free (&o->res);
  skiff_strv_free (o->spec.boot.create_command);
}

void
skiff_cli_own_table (struct skiff_cli *cli, const struct skiff_opt *const *groups,
                     bool stop_at_positional, struct skiff_command *self)
{
  if (cli->command->options != NULL)
    return;
  *self = *cli->command;
  self->options = groups;
  self->stop_at_positional = stop_at_positional;
  cli->command = self;
}

/* Combinations run refuses before anything is made. */
static int
check_run_flags (struct skiff_cli *cli, const struct skiff_cli_create_opts *o,
                 struct skiff_error **err)
{
  if (o->attach && o->detach)
    return skiff_error_make_status (err, 125, 0, "Conflicting options: -a and -d");
  if (o->preserve_fds && (o->detach || o->proc.tty))
    return skiff_error_make_status (err, 125, 0,
                                    "--preserve-fds with %s is not supported by skiff yet",
                                    o->detach ? "-d" : "-t");
  return skiff_cli_check_preserve_fds (o->preserve_fds, err);
}

int
skiff_cli_check_preserve_fds (unsigned n, struct skiff_error **err)
{
  /* podman's check: every fd passed on must be open (we have opened nothing yet) */
  for (unsigned fd = 3; fd < 3 + n; fd++)
    if (fcntl ((int)fd, F_GETFD) < 0)
      return skiff_error_make_status (err, 125, 0,
                                      "file descriptor %u is not available - the preserve-fds "
                                      "option requires that all file descriptors must be passed",
                                      fd);
  return 0;
}

int
skiff_cli_create_parse (struct skiff_cli *cli, int argc, char **argv,
                        struct skiff_cli_create_opts *o, struct skiff_error **err)
{
  o->spec.stop_timeout = SKIFF_STOP_TIMEOUT_UNSET;
  o->sig_proxy = true;
  skiff_cli_registry_flags_init (&o->pull.reg);
  skiff_cli_security_defaults (&o->spec.security);
  int r = skiff_cli_parse (cli, argc, argv, o, &o->res, err);
  if (r != 0)
    return r;
  if (o->res.nargs == 0)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument.",
                                  cli->command->name);
  if (o->proc.user && (r = skiff_cli_user_flag (cli, o->proc.user, err)) < 0)
    return r;
  o->spec.image = o->res.args[0];
  o->spec.args = o->res.args + 1;
  o->spec.env = o->proc.env;
  o->spec.env_files = o->proc.env_files;
  o->spec.workdir = o->proc.workdir;
  o->spec.user = o->proc.user;
  o->spec.interactive = o->proc.interactive;
  o->spec.tty = o->proc.tty;
  o->spec.boot.create_command = skiff_cli_command_line ();
  if ((r = check_run_flags (cli, o, err)) < 0
      || (r = skiff_cli_create_defaults (&o->spec, err)) < 0)
    return r;
  return skiff_engine_spec_check (&o->spec, err);
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
