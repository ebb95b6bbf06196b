#pragma once
/* Shared CLI plumbing: the command table entry, the per-invocation context, and helpers every
 * cmd_<name>.c uses for --help, usage errors and store access.  Each command declares its
 * flags in option tables (options.h) parsed into a per-command struct; never globals.  Like
 * docker's CLI, flags may follow positionals (`skiff save busybox -o x.tar`); only commands
 * whose trailing words are a container command (run, create, exec, top) or a subcommand
 * (image, container, system) stop at the first positional. */

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cli/options.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/store.h"

struct skiff_strv_builder;
struct skiff_cli;
struct skiff_command;
struct skiff_opt;

/* Returns the process exit status (>= 0), or a negative value with *err set (printed by main,
 * exit status err->exit_code or 125). */
typedef int (*skiff_command_fn) (struct skiff_cli *cli, int argc, char **argv,
                                 struct skiff_error **err);

struct skiff_command
{
  const char *name;
  skiff_command_fn run;
  const char *summary;
  const char *usage; /* "[OPTIONS] IMAGE [COMMAND [ARG...]]" */
  /* The command's option tables (options.h), NULL-terminated: parsing, --help and the
   * completions come from them.  NULL: no flags but --help (dispatchers, port, rename). */
  const struct skiff_opt *const *options;
  bool stop_at_positional; /* the first positional ends the flags (run IMAGE CMD...) */
};

struct skiff_cli
{
  struct skiff_store_options store_opts;
  struct skiff_store store;
  bool store_open;
  bool netholder_create;               /* rootless: start skiff's network namespace if none runs */
  bool store_reaped;                   /* temp dirs of dead commands removed (once per process) */
  const struct skiff_command *command; /* the one running */
};

/* Enters the user namespace when rootless, then opens the store (once per process). */
int skiff_cli_store (struct skiff_cli *cli, struct skiff_store **out, struct skiff_error **err);

/* Prints "Usage: skiff NAME USAGE\n\nSUMMARY\n\nOptions:\n..." to stdout; returns 0. */
int skiff_cli_help (struct skiff_cli *cli);

/* Usage error (wrong argument count...): "<msg> (see 'skiff NAME --help')", exit 125. */
int skiff_cli_usage_error (struct skiff_cli *cli, struct skiff_error **err, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Parses argv with the running command's option tables (plus the flags docker or podman has
 * and skiff does not yet, from flags-reference.tsv) into target.  1: --help was asked for (the
 * caller prints skiff_cli_help); 0: res->args holds the positionals (skiff_cli_parse_clear
 * frees them and target's vectors); negative: pflag's error, with "(see 'skiff NAME --help')". */
struct skiff_opts_result;
int skiff_cli_parse (struct skiff_cli *cli, int argc, char **argv, void *target,
                     struct skiff_opts_result *res, struct skiff_error **err);
void skiff_cli_parse_clear (struct skiff_cli *cli, void *target, struct skiff_opts_result *res);

/* --format for list commands (format_rows.c): the tree of a finished row generator, and the
 * rows printed with skiff_format_print (header_json maps field names to column titles; NULL:
 * no header line, podman's --noheading).
 * Frees rows and the array. */
yajl_val skiff_cli_gen_tree (yajl_gen g);
int skiff_cli_format_rows (const char *format, const char *default_table, const char *header_json,
                           yajl_val *rows, size_t n, struct skiff_error **err);

/* Cell text helpers (cells.c).  Width in runes, as Go's tabwriter counts. */
size_t skiff_cli_text_width (const char *s);
/* docker's formatter.Ellipsis: at most max runes, the last one "…" when cut. */
char *skiff_cli_ellipsis (const char *s, size_t max);
/* Go's strconv.Quote for the ASCII escapes; UTF-8 passes through. */
char *skiff_cli_quote (const char *s);

/* Opens the store without entering the user namespace (rootless): for commands that only read
 * records or signal containers, which the host user may do to every container it owns (from a
 * sibling namespace it could not signal a container process running as a non-root user).
 * A later skiff_cli_store enters the namespace. */
int skiff_cli_store_outside (struct skiff_cli *cli, struct skiff_store **out,
                             struct skiff_error **err);

/* The process options of run, create and exec (create_opts.c: skiff_cli_process_options, one
 * table): the first member of each of their options structs, so the table's offsets fit all.
 * Strings are borrowed from argv; the vectors are free ()d. */
struct skiff_cli_process_opts
{
  char **env;       /* -e values in order */
  char **env_files; /* --env-file paths in order */
  const char *workdir, *user, *detach_keys;
  bool interactive, tty;
};
extern const struct skiff_opt skiff_cli_process_options[];
/* run's and create's resource and namespace flags (create_opts_resources.c): into
 * spec.resources, owned (skiff_cli_create_opts_clear frees them). */
extern const struct skiff_opt skiff_cli_resources_options[];
/* inspect's HostConfig resource fields (container_json_resources.c) */
struct skiff_resources;
void skiff_cli_resources_host_config (yajl_gen g, const struct skiff_resources *r);
/* run/create --init, --init-path (create_opts_init.c) */
extern const struct skiff_opt skiff_cli_init_options[];
/* --health-* and --no-healthcheck (create_opts_health.c) */
extern const struct skiff_opt skiff_cli_health_options[];
struct skiff_config;
struct skiff_container_spec;
/* skiff.conf(5) (its warnings logged); the caller clears *cfg. */
int skiff_cli_config_load (struct skiff_config *cfg, struct skiff_error **err);
/* What skiff.conf gives the flags of run and create that were not given: init, stop_timeout. */
int skiff_cli_create_defaults (struct skiff_container_spec *spec, struct skiff_error **err);
/* Our own argv, from /proc/self/cmdline (NULL if unreadable); skiff_strv_free it. */
char **skiff_cli_command_line (void);
/* run/create's security flags (create_opts_security.c) into spec.security; _defaults before
 * the parse, _clear frees the vectors */
extern const struct skiff_opt skiff_cli_security_options[];
struct skiff_security_spec;
void skiff_cli_security_defaults (struct skiff_security_spec *s);
void skiff_cli_security_clear (struct skiff_security_spec *s);
/* --log-driver, --log-opt (create_opts_log.c), in run's and create's groups */
extern const struct skiff_opt skiff_cli_log_options[];
/* --tz, --timeout, --pidfile (create_opts_podman.c), in run's and create's groups */
extern const struct skiff_opt skiff_cli_podman_options[];
/* Flags of run and create: the container spec and how run attaches. */
/* run/create's pull flags (create_opts_pull.c) */
enum skiff_cli_pull_policy
{
  SKIFF_CLI_PULL_MISSING,
  SKIFF_CLI_PULL_ALWAYS,
  SKIFF_CLI_PULL_NEVER,
  SKIFF_CLI_PULL_NEWER,
};
/* The registry flags of pull, push, login and run/create's pull: the first member of the
 * pull, push and login options structs (skiff_cli_registry_options' offsets). */
struct skiff_cli_registry_flags
{
  int tls_verify; /* -1 unset */
  const char *authfile, *cert_dir, *creds;
};
struct skiff_cli_pull_flags
{
  struct skiff_cli_registry_flags reg;
  enum skiff_cli_pull_policy policy;
  bool quiet;
  char *resolved; /* a short name's registry name, once found (spec.image then points here) */
};
struct skiff_cli_create_opts
{
  struct skiff_cli_process_opts proc; /* first: see above */
  struct skiff_container_spec spec;
  bool detach, sig_proxy;
  unsigned attach;              /* run -a: 1 stdin, 2 stdout, 4 stderr (0: not given) */
  unsigned preserve_fds;        /* run --preserve-fds */
  struct skiff_opts_result res; /* the positionals: IMAGE [COMMAND [ARG...]] */
  struct skiff_cli_pull_flags pull;
};
extern const struct skiff_opt skiff_cli_pull_options[];
/* Pulls the image of a run/create as --pull says (after the store is open). */
int skiff_cli_pull_for_create (struct skiff_store *store, struct skiff_cli_create_opts *o,
                               struct skiff_error **err);
/* A command's output stream (output_file.c): stdout for NULL or "-"; a file is written to a
 * temp file beside it that _commit renames over it (fsync'ed first), _abort removes; a device
 * or FIFO is written through. */
struct skiff_cli_output
{
  int fd;
  char *tmp, *path;
};
int skiff_cli_output_open (const char *path, struct skiff_cli_output *o, struct skiff_error **err);
int skiff_cli_output_commit (struct skiff_cli_output *o, struct skiff_error **err);
void skiff_cli_output_abort (struct skiff_cli_output *o);

/* --preserve-fds N (run, exec): pflag's uint (at most 1024), and podman's check that fds
 * 3 .. 3+N-1 are all open. */
int skiff_cli_parse_preserve_fds (const char *value, void *field, struct skiff_error **err);
int skiff_cli_check_preserve_fds (unsigned n, struct skiff_error **err);
/* Appends s (not copied) to the NULL-terminated vector *v (freed with free(), not strv). */
void skiff_cli_push_borrowed (char ***v, char *s);
/* Checks a -u value: an empty user before ':' is refused (125). */
int skiff_cli_user_flag (struct skiff_cli *cli, const char *value, struct skiff_error **err);
/* The command's option tables when the alias running it has none (`container run` before
 * cmd_container.c lists them): *self is a copy of the command with groups. */
void skiff_cli_own_table (struct skiff_cli *cli, const struct skiff_opt *const *groups,
                          bool stop_at_positional, struct skiff_command *self);
/* Parses argv (after the command name); 1 = --help was asked for. */
int skiff_cli_create_parse (struct skiff_cli *cli, int argc, char **argv,
                            struct skiff_cli_create_opts *o, struct skiff_error **err);
void skiff_cli_create_opts_clear (struct skiff_cli_create_opts *o);
/* The network flags of run and create (create_opts_network.c) and their vectors' release. */
extern const struct skiff_opt skiff_cli_network_options[];
void skiff_cli_network_opts_clear (struct skiff_network_spec *spec);
/* Published ports shown (ports_show.c): ps's PORTS text, inspect's keys, `port`'s lines
 * ("80/tcp -> 0.0.0.0:8080", or only the host side for key "80/tcp"; NULL: none). */
struct skiff_container_config;
char *skiff_cli_ports_column (const struct skiff_container *c);
void skiff_cli_gen_exposed_ports (yajl_gen g, const struct skiff_container_config *cfg);
void skiff_cli_gen_port_bindings (yajl_gen g, const struct skiff_container_config *cfg);
void skiff_cli_gen_ports (yajl_gen g, const struct skiff_container *c);
char **skiff_cli_port_lines (const struct skiff_container *c, const char *key);
/* -p, -P, --expose (create_opts_ports.c), in run's and create's groups. */
extern const struct skiff_opt skiff_cli_ports_options[];
void skiff_cli_ports_opts_clear (struct skiff_ports_spec *spec);
/* --ip, --mac-address, --network-alias, --no-hosts (create_opts_netuser.c) */
extern const struct skiff_opt skiff_cli_netuser_options[];
/* run, rootless, --network container:X: joins X's user namespace (before the store). */
int skiff_cli_network_join_userns (struct skiff_cli *cli, const struct skiff_network_spec *spec,
                                   struct skiff_error **err);
/* start, restart, rootless: whether a container named (NULL: any) is on a bridge, so the
 * command must start skiff's rootless network namespace when none runs (cli->netholder_create). */
void skiff_cli_netholder_want (struct skiff_cli *cli, char *const *names);
struct skiff_image;
struct skiff_container;

/* Prints "Error: <msg>" for one failed argument of a multi-argument command. */
void skiff_cli_print_error (const struct skiff_error *e);
/* Each argument in turn (docker's rm of volumes, networks): the one before, if any, is
 * printed and freed, e becomes *err (the last failure is the status's). */
void skiff_cli_keep_last_error (struct skiff_error **err, struct skiff_error *e);
/* A command group with its subcommands ("volume ls", ...; cli_group.c). */
struct skiff_cli_group
{
  const char *name, *summary;
  const struct skiff_command *commands;
  size_t n;
  int help_width; /* of the subcommand column in --help */
};
int skiff_cli_group_dispatch (struct skiff_cli *cli, const struct skiff_cli_group *g, int argc,
                              char **argv, struct skiff_error **err);

/* Container arguments (ctr_args.c). */
/* lookup (name, ID, prefix) + load */
int skiff_cli_load_container (struct skiff_store *store, const char *text,
                              struct skiff_container **out, struct skiff_error **err);
/* Calls fn for each argument; failures are printed as they happen, and the status is 1 when
 * any failed, as docker does. */
int skiff_cli_each_container (struct skiff_store *store, char *const *args,
                              int (*fn) (struct skiff_store *, const char *, void *,
                                         struct skiff_error **),
                              void *data);
/* The same, one child process per argument, all at once (stop: the grace periods overlap).
 * Output lines come in the order the containers finish. */
int skiff_cli_each_container_parallel (struct skiff_store *store, char *const *args,
                                       int (*fn) (struct skiff_store *, const char *, void *,
                                                  struct skiff_error **),
                                       void *data);
/* What a command's --all, --latest, --cidfile and --ignore ask for (ctr_targets.c); commands
 * embed it in their options struct and declare the flags they have. */
struct skiff_cli_targets
{
  bool all, latest, ignore;
  char **cidfiles;
  char **filters; /* --filter key=value (ps's keys): the matching containers, like --all */
};
/* The --filter flag of a command acting on containers (podman's stop/rm/pause/... --filter). */
#define SKIFF_CLI_TARGETS_FILTER(T, field, short_)                                                 \
  {                                                                                                \
    .name = "filter", .shorthand = short_, .type = SKIFF_OPT_FUNC, .value_name = "strings",        \
    .offset = SKIFF_OPT_FIELD (T, field, char **), .parse = skiff_cli_parse_filter,                \
    .flags = SKIFF_OPT_OWNS_STRV, .help = "Filter output based on conditions given"                \
  }
/* podman's checks of --all/--latest/--cidfile against the positionals (exit 125). */
int skiff_cli_targets_check (struct skiff_cli *cli, const struct skiff_cli_targets *t, size_t nargs,
                             struct skiff_error **err);
/* The containers to act on: --all (full IDs of those want accepts, NULL: every one), --latest
 * (the most recently created), the IDs in the --cidfile files, then args; with ignore, those
 * that do not exist are left out.  *out: a NULL-terminated vector (skiff_strv_free). */
int skiff_cli_targets_resolve (struct skiff_store *store, const struct skiff_cli_targets *t,
                               char *const *args, bool (*want) (const struct skiff_container *),
                               char ***out, struct skiff_error **err);
/* skiff_cli_parse (opts: the command's options struct, t: the targets in it), then
 * skiff_cli_targets_check, the store outside the user namespace (skiff_cli_store_outside) and
 * skiff_cli_targets_resolve: 1 = --help was asked for; 0 = *store and *targets are set. */
int skiff_cli_targets_parse (struct skiff_cli *cli, int argc, char **argv, void *opts,
                             const struct skiff_cli_targets *t,
                             bool (*want) (const struct skiff_container *),
                             struct skiff_opts_result *res, struct skiff_store **store,
                             char ***targets, struct skiff_error **err);
/* The most recently created container's full ID (podman's --latest); caller frees. */
int skiff_cli_latest_id (struct skiff_cli *cli, char **id, struct skiff_error **err);
/* A command on exactly one container (attach, stats --latest ...) or --latest instead of it:
 * *latest_id is the newest container's ID with --latest, else NULL (the container is the one
 * positional).  Both: podman's conflict; neither: docker's "requires exactly 1 argument". */
int skiff_cli_one_container (struct skiff_cli *cli, bool latest, size_t nargs, char **latest_id,
                             struct skiff_error **err);
/* Selections for --all: running (or restarting), and paused. */
bool skiff_cli_is_running (const struct skiff_container *c);
bool skiff_cli_is_paused (const struct skiff_container *c);
/* ps --filter (ps_filter.c): the FUNC parser of the flag (docker's "name=value" check), the
 * keys and values checked as docker's daemon does (exit 1; keys: the ones a command accepts,
 * NULL: all of ps's), and the matching. */
int skiff_cli_parse_filter (const char *value, void *field, struct skiff_error **err);
int skiff_cli_ps_filters_check (struct skiff_store *store, char *const *filters,
                                const char *const *keys, struct skiff_error **err);
bool skiff_cli_ps_filters_match (struct skiff_store *store, char *const *filters,
                                 const struct skiff_container *c);
/* Apparent size of a container's writable layer (upper dir), bytes. */
int64_t skiff_cli_container_rw_size (const struct skiff_container *c);
/* container prune's work (cmd_container.c), shared with system prune: the stopped containers
 * among ids that filters select are removed; returns their IDs (NULL: none); *total grows by
 * their writable layers' bytes.  moby's accepted filter keys. */
char **skiff_cli_container_prune_run (struct skiff_store *store, char *const *ids,
                                      char *const *filters, int64_t *total);
extern const char *const skiff_cli_container_prune_filter_keys[];
struct skiff_image_removal;
/* "untagged: NAME" / "deleted: sha256:ID" lines as docker prints a removal (lower: prune's
 * case; rmi's is "Untagged"/"Deleted") (cmd_rmi.c). */
void skiff_cli_print_image_removal (const struct skiff_image_removal *rm, bool lower);
/* The bytes of the regular files below path (no symlink followed, one file system). */
int64_t skiff_cli_tree_size (const char *path);
struct skiff_container_state;
/* ps's STATUS: moby's State.String() ("Up 3 seconds", "Exited (0) 2 minutes ago"). */
char *skiff_cli_status_text (const struct skiff_container *c, time_t now);
/* skiff_cli_parse for a command that takes no positionals (docker's "accepts no arguments."). */
int skiff_cli_parse_no_args (struct skiff_cli *cli, int argc, char **argv, void *target,
                             struct skiff_opts_result *res, struct skiff_error **err);
/* Flag parsing for commands without flags of their own (skiff_cli_parse: --help and the
 * not-yet flags): 1 = help, else at least min_args positionals in res. */
int skiff_cli_simple_flags (struct skiff_cli *cli, int argc, char **argv, size_t min_args,
                            struct skiff_opts_result *res, struct skiff_error **err);

/* docker's container inspect object (container_json.c); caller frees. */
char *skiff_cli_container_json (struct skiff_store *store, const struct skiff_container *c);
struct skiff_container_config;
/* Its network parts (inspect_network.c): HostConfig's network keys, NetworkSettings. */
void skiff_cli_gen_host_network (yajl_gen g, struct skiff_store *store,
                                 const struct skiff_container_config *cfg);
void skiff_cli_gen_network_settings (yajl_gen g, struct skiff_store *store,
                                     const struct skiff_container *c);
/* `container inspect` (cmd_container_inspect.c): containers only. */
int skiff_cli_container_inspect (struct skiff_cli *cli, int argc, char **argv,
                                 struct skiff_error **err);

/* The per-argument step of start and restart: load, start, print the argument. */
int skiff_cli_start_one (struct skiff_store *store, const char *text, void *data,
                         struct skiff_error **err);

/* Option tables of the commands that have them (options.h), for the command table. */
extern const struct skiff_opt *const skiff_cli_completion_groups[];
extern const struct skiff_opt *const skiff_cli_attach_groups[];
extern const struct skiff_opt *const skiff_cli_stats_groups[];
extern const struct skiff_opt *const skiff_cli_diff_groups[];
extern const struct skiff_opt *const skiff_cli_cp_groups[];
extern const struct skiff_opt *const skiff_cli_commit_groups[];
extern const struct skiff_opt *const skiff_cli_system_df_groups[];
extern const struct skiff_opt *const skiff_cli_system_prune_groups[];
extern const struct skiff_opt *const skiff_cli_mount_groups[];
extern const struct skiff_opt *const skiff_cli_unshare_groups[];
extern const struct skiff_opt *const skiff_cli_search_groups[];
extern const struct skiff_opt *const skiff_cli_umount_groups[];
extern const struct skiff_opt *const skiff_cli_export_groups[];
extern const struct skiff_opt *const skiff_cli_top_groups[];
extern const struct skiff_opt *const skiff_cli_wait_groups[];
extern const struct skiff_opt *const skiff_cli_stop_groups[];
extern const struct skiff_opt *const skiff_cli_restart_groups[];
extern const struct skiff_opt *const skiff_cli_kill_groups[];
extern const struct skiff_opt *const skiff_cli_run_groups[];
extern const struct skiff_opt *const skiff_cli_create_groups[];
extern const struct skiff_opt *const skiff_cli_exec_groups[];
extern const struct skiff_opt *const skiff_cli_start_groups[];
extern const struct skiff_opt *const skiff_cli_pause_groups[];
extern const struct skiff_opt *const skiff_cli_unpause_groups[];
extern const struct skiff_opt *const skiff_cli_logs_groups[];
extern const struct skiff_opt *const skiff_cli_events_groups[];
extern const struct skiff_opt *const skiff_cli_ps_groups[];
extern const struct skiff_opt *const skiff_cli_rm_groups[];
extern const struct skiff_opt *const skiff_cli_container_inspect_groups[];
/* the image commands (cmd_images.c ... cmd_version.c) and skiff info */
extern const struct skiff_opt *const skiff_cli_history_groups[];
extern const struct skiff_opt *const skiff_cli_image_inspect_groups[];
extern const struct skiff_opt *const skiff_cli_image_prune_groups[];
extern const struct skiff_opt *const skiff_cli_images_groups[];
extern const struct skiff_opt *const skiff_cli_import_groups[];
extern const struct skiff_opt *const skiff_cli_info_groups[];
extern const struct skiff_opt *const skiff_cli_inspect_groups[];
extern const struct skiff_opt *const skiff_cli_load_groups[];
extern const struct skiff_opt *const skiff_cli_no_flags_groups[]; /* tag, untag, image exists */
extern const struct skiff_opt *const skiff_cli_rmi_groups[];
extern const struct skiff_opt *const skiff_cli_save_groups[];
extern const struct skiff_opt *const skiff_cli_version_groups[];

/* The subcommand tables of the command groups (cmd_image.c, cmd_container.c, cmd_system.c),
 * and what `skiff completion` generates its scripts from (main.c: the command table and the
 * global options). */
const struct skiff_command *skiff_cli_image_subcommands (size_t *n);
const struct skiff_command *skiff_cli_container_subcommands (size_t *n);
const struct skiff_command *skiff_cli_system_subcommands (size_t *n);
const struct skiff_command *skiff_cli_volume_subcommands (size_t *n);      /* cmd_volume.c */
const struct skiff_command *skiff_cli_healthcheck_subcommands (size_t *n); /* cmd_healthcheck.c */
const struct skiff_command *skiff_cli_generate_subcommands (size_t *n);    /* cmd_generate.c */
const struct skiff_command *skiff_cli_volume_subcommands (size_t *n);      /* cmd_volume.c */
const struct skiff_command *skiff_cli_network_subcommands (size_t *n);     /* cmd_network.c */
/* run's and create's mount flags and --userns (create_opts_mounts.c); _clear frees the
 * vectors a parse stored in ms. */
extern const struct skiff_opt skiff_cli_mounts_options[];
void skiff_cli_mounts_opts_clear (struct skiff_mounts_spec *ms);
struct skiff_completion_input;
void skiff_cli_completion_input (struct skiff_completion_input *in);

/* Command entry points (one file each under src/cli/). */
int cmd_version (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_import (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_info (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_history (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_image_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_images (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_image (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_image_prune (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_load (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_rmi (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_save (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_system (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_volume (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_healthcheck (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_generate (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_network (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_tag (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_untag (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_run (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_ps (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_rm (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_container (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_create (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_kill (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_logs (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_events (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_pause (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_port (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_rename (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_restart (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_start (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_stats (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_stop (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_top (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_unpause (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_wait (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_completion (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_diff (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_cp (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_commit (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_system_df (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_system_prune (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_mount (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_unshare (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_search (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_umount (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_export (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);

/* ---- exec / attach plumbing (sig_proxy.c, running.c, attach_client.c) ---- */
struct skiff_container;
/* --sig-proxy: forward SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT to
 * the target once it is set (start before spawning it); stop restores the defaults. */
void skiff_cli_sig_proxy_start (void);
void skiff_cli_sig_proxy_target (pid_t pid);
void skiff_cli_sig_proxy_stop (void);
/* While our terminal is raw: SIGHUP, SIGINT, SIGQUIT, SIGTERM restore it before they kill us,
 * SIGPIPE is ignored.  (Signals proxied by skiff_cli_sig_proxy_start afterwards keep that.) */
void skiff_cli_term_guard (void);
/* Opens the store (without entering a user namespace of our own), finds the container and
 * checks it is running (else docker's "container <id> is not running", exit 125); rootless,
 * then joins its PID 1's user namespace. */
int skiff_cli_open_running (struct skiff_cli *cli, const char *text, struct skiff_container **out,
                            struct skiff_error **err);

/* The size of our terminal (stdin's, else stdout's; 0x0 without one): a -t process's initial
 * size, set before it starts (docker's ConsoleSize). */
struct winsize;
void skiff_cli_console_size (struct winsize *ws);

/* ---- stdio of a process without a terminal (stdio_relay.c) ---- */

/* Pipes for those of our stdin (with_stdin), stdout and stderr that are terminals: child[i]
 * is the process's end (-1: give it ours), ours[i] the CLI's end (-1: not piped). */
struct skiff_cli_stdio
{
  int child[3];
  int ours[3];
};
int skiff_cli_stdio_open (struct skiff_cli_stdio *s, bool with_stdin, struct skiff_error **err);
/* After the spawn: only the process keeps its ends. */
void skiff_cli_stdio_close_child (struct skiff_cli_stdio *s);
void skiff_cli_stdio_close (struct skiff_cli_stdio *s);
/* Relays our stdin into the process and its output to ours until it exits (then drains what
 * its pipes hold).  The caller reaps it. */
int skiff_cli_stdio_relay (struct skiff_cli_stdio *s, pid_t pid, struct skiff_error **err);
/* The attach client (attach_client.c, cmd_attach.c; protocol in ATTACH.md). */
struct skiff_detach_keys;
struct skiff_cli_attach_io
{
  int sock;                       /* connected to the monitor */
  int in_fd;                      /* -1: no input (--no-stdin) */
  int out_fd, err_fd;             /* where STDOUT / STDERR messages go */
  bool tty;                       /* the container has a terminal: resizes, detach keys */
  struct skiff_detach_keys *keys; /* NULL or empty: no detaching */
};
enum skiff_cli_attach_end
{
  SKIFF_CLI_ATTACH_EXITED,   /* EXIT received: *exit_code is the container's */
  SKIFF_CLI_ATTACH_DETACHED, /* the detach keys were typed */
  SKIFF_CLI_ATTACH_CLOSED,   /* the monitor closed the connection without EXIT */
};
/* Relays until one of the ends above (returns 0 with *why set) or a failure.  Sends the window
 * size of in_fd first and on SIGWINCH when tty and in_fd is a terminal; EOF of input sends
 * STDIN_EOF when not tty.  Raw mode and signal proxying are the caller's. */
int skiff_cli_attach_relay (const struct skiff_cli_attach_io *io, enum skiff_cli_attach_end *why,
                            int *exit_code, struct skiff_error **err);
struct skiff_cli_attach_opts
{
  bool no_stdin;
  bool no_stdout, no_stderr; /* run -a without them: logged, not shown */
  bool sig_proxy;            /* forward signals to the container (only without a terminal) */
  const char *detach_keys;   /* NULL: the default ctrl-p,ctrl-q */
};
/* attach: attaches our stdio to a running detached container through its attach socket (raw
 * mode on a terminal, restored on every path).  Returns the container's exit code, 0 after a
 * detach, or a negative error. */
int skiff_cli_attach (struct skiff_store *store, struct skiff_container *c,
                      const struct skiff_cli_attach_opts *o, struct skiff_error **err);
/* run -it, start -a: starts c under a monitor with our stdio attached before PID 1 runs (no
 * output is missed), then as skiff_cli_attach. */
int skiff_cli_start_attached (struct skiff_store *store, struct skiff_container *c,
                              const struct skiff_cli_attach_opts *o, struct skiff_error **err);
/* run, start -a: the socketpair whose end so->attach_fd becomes the monitor's first attach
 * client (the caller closes it after the start) and our end *sock; with tty, our terminal's
 * size.  Our stdio that is no terminal is handed to the monitor (stdin to PID 1 as it is, and
 * o->no_stdin set; stdout and stderr written there by the monitor, not sent to us). */
int skiff_cli_attach_pair (bool tty, struct skiff_cli_attach_opts *o,
                           struct skiff_engine_start_opts *so, int *sock, struct skiff_error **err);
/* After the start: as skiff_cli_attach, over sock. */
int skiff_cli_attach_started (struct skiff_container *c, int sock,
                              const struct skiff_cli_attach_opts *o, struct skiff_error **err);
/* --sig-proxy[=BOOL] (NULL value: given bare, true); pflag's ParseBool error otherwise. */
int cmd_attach (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_exec (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);

/* ---- registries (cmd_registry.c, cmd_login.c) ---- */
extern const struct skiff_opt skiff_cli_registry_options[];
struct skiff_registry_opts;
void skiff_cli_registry_flags_init (struct skiff_cli_registry_flags *f);
/* A registry command's parse: target (size bytes, its first member the registry flags) zeroed
 * and filled; min..max positionals.  1: --help was printed; else as skiff_cli_parse. */
int skiff_cli_registry_parse (struct skiff_cli *cli, int argc, char **argv, void *target,
                              size_t size, size_t min, size_t max, struct skiff_opts_result *res,
                              struct skiff_error **err);
/* The flags and skiff.conf's [registries] into opts; --authfile must exist unless
 * authfile_may_be_new (login).  skiff_cli_registry_opts_clear frees it. */
int skiff_cli_registry_opts (const struct skiff_cli_registry_flags *f, bool authfile_may_be_new,
                             struct skiff_registry_opts *opts, struct skiff_error **err);
void skiff_cli_registry_opts_clear (struct skiff_registry_opts *opts);
int skiff_cli_registry_config (struct skiff_registry_opts *opts, struct skiff_error **err);
/* pull_progress.c: a line per layer download at a terminal, redrawn in place. */
struct skiff_pull_blob_bytes;
struct skiff_cli_pull_progress
{
  bool tty; /* stderr is a terminal and not -q: layer lines are drawn */
  int width;
  size_t n, lines; /* layers known; lines drawn last time */
  double t0;       /* the first drawing */
  double drawn;    /* the last one */
  size_t changes;  /* starts and ends of downloads seen by then */
  double *since;   /* when each layer's download started */
};
void skiff_cli_pull_progress_init (struct skiff_cli_pull_progress *p, bool quiet);
/* "sha256:<hex>" -> "<hex>" (a terminal's lines print its first 12, as podman's bars). */
const char *skiff_cli_digest_hex (const char *digest);
void skiff_cli_pull_progress_clear (struct skiff_cli_pull_progress *p);
void skiff_cli_pull_progress_draw (const struct skiff_pull_blob_bytes *blobs, size_t n, bool final,
                                   void *data);
/* Pulls ref with podman's progress lines on stderr (none when quiet; at a terminal a line per
 * layer download). */
int skiff_cli_pull_image (struct skiff_store *store, const char *ref,
                          const struct skiff_registry_opts *ro, bool quiet, char **id,
                          struct skiff_error **err);
extern const struct skiff_opt *const skiff_cli_pull_groups[];
extern const struct skiff_opt *const skiff_cli_push_groups[];
extern const struct skiff_opt *const skiff_cli_login_groups[];
extern const struct skiff_opt *const skiff_cli_logout_groups[];
int cmd_pull (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_push (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_login (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_logout (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
int cmd_manifest (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err);
const struct skiff_command *skiff_cli_manifest_subcommands (size_t *n);
