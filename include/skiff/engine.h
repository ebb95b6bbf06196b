#pragma once
/* The engine: what a container command does, between the CLI (src/cli/: flags in, text out)
 * and the modules (image, container records, sandbox, cgroups, monitor).  A cmd_*.c parses its
 * flags into a struct skiff_container_spec (or skiff_exec_spec), makes one engine call and
 * prints the result; resolving layers, building sandbox configs and reading cgroups happen
 * here.  Also the lifecycle calls that need no monitor (kill, stop, wait; control.c) and
 * docker's signal names (signals.c). */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "skiff/resources.h"
#include "skiff/network.h"
#include "skiff/ports.h"
#include "skiff/mount.h"

struct skiff_error;
struct skiff_store;
struct skiff_container;

/* --init / --init-path (src/cli/create_opts_init.c); unset: the config file's default. */
enum skiff_init_choice
{
  SKIFF_INIT_UNSET = 0,
  SKIFF_INIT_OFF,
  SKIFF_INIT_ON,
};
struct skiff_init_spec
{
  enum skiff_init_choice choice;
  const char *path; /* --init-path: accepted, unused (the init is skiff itself) */
};

/* run/create's security flags (src/cli/create_opts_security.c); --security-opt values are
 * resolved by the engine (src/engine/security.c). */
struct skiff_security_spec
{
  bool privileged;
  bool read_only, read_only_tmpfs; /* --read-only-tmpfs defaults to true (podman) */
  char **cap_add, **cap_drop;      /* as given: "chown", "CAP_CHOWN", "ALL" */
  char **security_opt;             /* "seccomp=FILE|unconfined", "no-new-privileges[=BOOL]",
                                    * "mask=P:P", "unmask=P:P|ALL" */
};

/* run/create's health flags (src/cli/create_opts_health.c), merged with the image's
 * HEALTHCHECK by create (src/engine/health.c). */
struct skiff_health_spec
{
  const char *cmd;                                  /* --health-cmd (a JSON array: as is) */
  int64_t interval_ns, timeout_ns, start_period_ns; /* 0: not given (the image's, docker's) */
  int retries;                                      /* 0: not given */
  bool none;                                        /* --no-healthcheck */
  const char *on_failure;                           /* --health-on-failure */
};

/* podman's run/create flags docker lacks: --tz, --timeout, --pidfile
 * (src/cli/create_opts_podman.c). */
struct skiff_podman_spec
{
  const char *tz;      /* "local" (the host's zone) or a zone name of the host's zoneinfo */
  unsigned timeout;    /* seconds PID 1 may run before it is killed (0: no limit) */
  const char *pidfile; /* PID 1's host pid is written there at each start */
};

/* Everything `create` decides about a container.  Strings and vectors are borrowed (from argv
 * in the CLI); vectors are NULL-terminated, NULL when empty. */
struct skiff_container_spec
{
  /* image and process */
  const char *image;      /* reference as given */
  char **args;            /* CMD override (may be empty) */
  const char *entrypoint; /* NULL: the image's; "": none */
  char **env;             /* -e values in order (NAME alone: from our environment) */
  char **env_files;       /* --env-file paths in order, read before -e */
  const char *workdir, *user;
  bool tty, interactive;
  /* identity */
  const char *name, *hostname, *cidfile;
  char **labels; /* k=v or k */
  /* lifecycle */
  bool rm;
  const char *restart, *stop_signal;
  int stop_timeout; /* SKIFF_STOP_TIMEOUT_UNSET (container.h): not given; < 0: wait forever */
  bool replace;     /* a container of the same name is removed first (podman --replace) */
  struct skiff_resources resources;  /* owned: skiff_resources_clear */
  struct skiff_network_spec network; /* --network, --add-host, --dns*, --link */
  struct skiff_init_spec init;
  struct skiff_security_spec security;
  struct skiff_mounts_spec mounts; /* -v, --mount, --tmpfs, --volumes-from, --userns */
  struct skiff_log_spec
  {
    const char *driver; /* --log-driver (NULL: k8s-file) */
    char **opts;        /* --log-opt k=v in order (freed with free(), strings borrowed) */
  } log;
  struct skiff_health_spec health; /* --health-*, --no-healthcheck (create_opts_health.c) */
  struct skiff_boot_spec
  {
    char **create_command; /* the CLI's argv (owned), for `generate systemd --new` */
  } boot;
  struct skiff_ports_spec ports; /* -p, -P, --expose (skiff/ports.h) */
  struct skiff_podman_spec podman;
};

/* The checks that need no store: name, restart policy (and --rm with it), stop signal. */
int skiff_engine_spec_check (const struct skiff_container_spec *spec, struct skiff_error **err);

/* Resolves the image and creates the container record (+ the cidfile, refused if it exists). */
int skiff_engine_create (struct skiff_store *store, const struct skiff_container_spec *spec,
                         struct skiff_container **out, struct skiff_error **err);

/* How a container is started. */
enum skiff_engine_start_mode
{
  SKIFF_ENGINE_DETACHED, /* under a new monitor; returns once PID 1 runs */
  SKIFF_ENGINE_ATTACHED, /* the same with attach_fd an attach client from the start (every
                          * foreground run: the monitor is PID 1's parent in every mode) */
};
struct skiff_engine_start_opts
{
  enum skiff_engine_start_mode mode;
  int attach_fd;             /* ATTACHED: one end of a SOCK_SEQPACKET socketpair */
  unsigned short rows, cols; /* ATTACHED with -t: the terminal's initial size (0: none) */
  /* ATTACHED: our files and pipes (never terminals) the monitor hands on or writes to, -1:
   * none (skiff_monitor_attach in skiff/monitor.h) */
  int stdin_fd, stdout_fd, stderr_fd;
  unsigned quiet;        /* ATTACHED: bit 0 stdout, 1 stderr: not sent to attach_fd */
  unsigned preserve_fds; /* ATTACHED: our fds 3 .. 3+N-1 passed on */
};

/* Starts a created or exited container.  DETACHED (`start`): a running or restarting one is
 * left alone, a paused one refused.  *pid (may be NULL): PID 1's host pid. */
int skiff_engine_start (struct skiff_store *store, struct skiff_container *c,
                        const struct skiff_engine_start_opts *so, pid_t *pid,
                        struct skiff_error **err);

/* create + start in one (the image is resolved once).  *out is set whenever the record was
 * made: on a later failure the caller discards it (skiff_engine_discard). */
int skiff_engine_run (struct skiff_store *store, const struct skiff_container_spec *spec,
                      const struct skiff_engine_start_opts *so, struct skiff_container **out,
                      pid_t *pid, struct skiff_error **err);

/* `start A B ...`: the arguments reordered so that a container's link targets start before
 * it (a cycle keeps the given order).  Strings borrowed from args; free () the vector. */
char **skiff_engine_start_order (struct skiff_store *store, char *const *args);

/* rm without -f: refused while other containers link to c (podman's dependency text). */
int skiff_engine_network_check_remove (struct skiff_store *store, const struct skiff_container *c,
                                       struct skiff_error **err);

/* rm: a container that is not running (force: it is killed first, as `rm -f`). */
int skiff_engine_remove (struct skiff_store *store, struct skiff_container *c, bool force,
                         struct skiff_error **err);

/* `diff`: the container's changes against its image (skiff_container_changes). */
struct skiff_container_change;
int skiff_engine_changes (struct skiff_store *store, const struct skiff_container *c,
                          struct skiff_container_change **out, size_t *n, struct skiff_error **err);

/* `export`: the container's merged rootfs (running or not) as a tar stream on out_fd. */
int skiff_engine_export (struct skiff_store *store, const struct skiff_container *c, int out_fd,
                         struct skiff_error **err);

/* `cp CONTAINER:PATH -`: path (inside the container's rootfs, running or not) as docker's
 * cp archive on out_fd (skiff_container_path_tar); follow: -L. */
int skiff_engine_copy_out (struct skiff_store *store, const struct skiff_container *c,
                           const char *path, bool follow, int out_fd, struct skiff_error **err);

/* `cp CONTAINER:PATH DEST`: docker's rules for DEST (see copy_out.c); archive_mode (-a)
 * keeps the owners. */
int skiff_engine_copy_out_to (struct skiff_store *store, const struct skiff_container *c,
                              const char *path, bool follow, bool archive_mode, const char *dest,
                              struct skiff_error **err);

/* `cp SRC|- CONTAINER:DEST` (copy_in.c): the host path SRC (or for "-" a tar read from
 * input_fd, the caller's stdin) into
 * the container, running (a rootless caller has joined its user namespace) or stopped, with
 * docker's rules for DEST, every container path resolved inside its root; follow: -L;
 * archive_mode (-a) keeps the owners, else they become root's. */
int skiff_engine_copy_in (struct skiff_store *store, struct skiff_container *c, const char *src,
                          int input_fd, const char *dest, bool follow, bool archive_mode,
                          struct skiff_error **err);

/* `unshare [COMMAND...]` (unshare.c): rootless, runs COMMAND (default $SHELL) as root of
 * skiff's user namespace in a mount namespace of its own; returns only on failure (root:
 * podman's "please use unshare with rootless"). */
int skiff_engine_unshare (char *const *argv, struct skiff_error **err);

/* The most recently created container's ID (podman --latest); caller frees. */
int skiff_engine_latest (struct skiff_store *store, char **id, struct skiff_error **err);

/* Removes an --rm container whose run failed half-way (errors ignored; others are kept). */
void skiff_engine_discard (struct skiff_store *store, struct skiff_container *c);

/* A process to run in a running container (`exec`). */
struct skiff_exec_spec
{
  char **args;
  char **env, **env_files;    /* as in skiff_container_spec; after the container's env */
  const char *workdir, *user; /* NULL: the container's */
  bool privileged, tty, interactive, detach;
  int *terminal_master;      /* tty && !detach: receives the pty master */
  unsigned short rows, cols; /* its initial size */
  int stdin_fd, stdout_fd, stderr_fd;
  unsigned preserve_fds; /* our fds 3 .. 3+N-1 passed on (podman --preserve-fds) */
};
/* Starts the process (its namespaces, root, cgroups, user, capabilities).  *pid: our child
 * (CLONE_PARENT) unless detach. */
int skiff_engine_exec (const struct skiff_container *c, const struct skiff_exec_spec *spec,
                       pid_t *pid, struct skiff_error **err);

/* Reaps pid, returns its shell-style exit code (128+N for signal N). */
int skiff_engine_wait_process (pid_t pid, struct skiff_error **err);

/* `stats`: a container's usage, from its cgroup or (rootless without one) /proc. */
struct skiff_engine_usage
{
  uint64_t cpu_ns;    /* CPU time used so far */
  uint64_t mem_used;  /* without inactive page cache, as docker */
  uint64_t mem_limit; /* the cgroup's, else (or when larger) the host's memory */
  uint64_t pids;
};
struct skiff_engine_stats;
/* For a running container (NULL for one that is not: no usage). */
struct skiff_engine_stats *skiff_engine_stats_open (const struct skiff_container *c);
int skiff_engine_stats_read (struct skiff_engine_stats *s, struct skiff_engine_usage *out,
                             struct skiff_error **err);
void skiff_engine_stats_free (struct skiff_engine_stats *s);

/* volumes.c: `volume rm` (in use by any container's record: "remove NAME: volume is in use -
 * [ID...]"; force: a missing volume is fine) and `volume prune` (unused ones; all: named ones
 * too, else only anonymous ones, as docker 23+), with docker's filters (label=, label!=,
 * name=, driver=, dangling=). */
struct skiff_volume;
int skiff_engine_volume_remove (struct skiff_store *store, const char *name, bool force,
                                struct skiff_error **err);
int skiff_engine_volume_filter_check (char *const *filters, struct skiff_error **err);
int skiff_engine_volume_prune (struct skiff_store *store, bool all, char *const *filters,
                               char ***removed, struct skiff_error **err);
/* `volume create`: -l/-o words (k=v) into the record; an -o key other than type, device, o is
 * refused. */
int skiff_engine_volume_create (struct skiff_store *store, const char *name, char *const *labels,
                                char *const *opts, struct skiff_volume **out,
                                struct skiff_error **err);
/* The volumes the filters select (sorted by name), each with whether a container uses it;
 * terminated by a NULL volume.  Free with skiff_engine_volumes_free. */
struct skiff_engine_volume
{
  struct skiff_volume *volume;
  bool in_use;
};
int skiff_engine_volume_select (struct skiff_store *store, char *const *filters,
                                struct skiff_engine_volume **out, struct skiff_error **err);
void skiff_engine_volumes_free (struct skiff_engine_volume *v);

/* ---- control.c, signals.c: kill, stop, wait and docker's signal names ---- */

/* Sends sig to the container's PID 1.  Not running: docker's "Cannot kill container: <text>:
 * Container <id> is not running" (exit 1 in the CLI).  Rootless: works from outside any user
 * namespace (the user owns every skiff namespace) or from the container's own. */
int skiff_engine_kill (struct skiff_container *c, const char *text, int sig,
                       struct skiff_error **err);

/* Waits until the running container's PID 1 is gone and its exit is recorded (through the
 * attach socket's EXIT message when a monitor runs it, so this works for --rm containers too).
 * timeout_ms < 0: forever.  *exit_code (may be NULL): the code, -1 if unknown.  Returns 0, or
 * -ETIMEDOUT (no *err) when time ran out.  A container that is not running returns at once. */
int skiff_engine_wait_exit (struct skiff_store *store, struct skiff_container *c, int timeout_ms,
                            int *exit_code, struct skiff_error **err);

/* Blocks until the container's monitor, if any, exits (shared flock on monitor.lock). */
int skiff_engine_wait_monitor (struct skiff_container *c, struct skiff_error **err);

/* The container's stop signal (--stop-signal or the image's StopSignal, else SIGTERM). */
int skiff_engine_stop_signal (const struct skiff_container *c, struct skiff_error **err);

/* Whether the user's `kill -s sig` ends the container for good (moby killWithSignal): SIGKILL,
 * any signal when no stop signal is configured, else only the configured one.  Such a kill
 * cancels the restart policy, and thaws a paused container after signalling it. */
bool skiff_engine_signal_stops (const struct skiff_container *c, int sig);

/* Under the container lock: a running or restarting container is marked stopped by the user
 * (no policy restart; a monitor in its restart backoff gives up).  c->state is re-read. */
int skiff_engine_mark_stopped (struct skiff_container *c, struct skiff_error **err);

/* docker stop: marks the container manually stopped, sends the stop signal (config, else
 * SIGTERM), waits timeout seconds (SKIFF_MONITOR_STOP_TIMEOUT_DEFAULT: the container's
 * StopTimeout, else 10; < 0: as long as it takes, as docker's `stop -t -1`), then SIGKILL.
 * A container that is not running is fine.  *killed: SIGKILL was needed (may be NULL). */
#define SKIFF_MONITOR_STOP_TIMEOUT_DEFAULT INT_MIN
int skiff_engine_stop (struct skiff_store *store, struct skiff_container *c, int timeout,
                       bool *killed, struct skiff_error **err);

/* Parses "TERM", "SIGTERM", "15", "sigkill", "RTMIN+3" (docker's signal names).  Returns the
 * number, or -EINVAL with *err "Invalid signal: X". */
int skiff_engine_parse_signal (const char *text, struct skiff_error **err);

/* ---- health checks (health_probe.c) ---- */
#include "skiff/health.h"
/* One run of a container's health check command, exec'd into it as `exec` does, stdout and
 * stderr into one pipe of which the first SKIFF_HEALTH_OUTPUT_MAX bytes are kept.  For the
 * monitor's loop (poll out_fd and pidfd, then _read / _done) and for `healthcheck run`. */
struct skiff_health_probe
{
  pid_t pid; /* 0: none running */
  int pidfd, out_fd;
  char *out;
  size_t len;
  struct timespec start;    /* CLOCK_REALTIME */
  struct timespec deadline; /* CLOCK_MONOTONIC: killed then (the timeout) */
  int64_t timeout_ns;
  bool timed_out;
};
int skiff_engine_health_probe_start (const struct skiff_container *c, struct skiff_health_probe *p,
                                     struct skiff_error **err);
/* Reads what the pipe holds now. */
void skiff_engine_health_probe_read (struct skiff_health_probe *p);
/* Past the deadline: kills it.  Reaped (pidfd readable): the result (exit code, output, times;
 * docker's timeout text) in *res, the probe closed, true. */
bool skiff_engine_health_probe_done (struct skiff_health_probe *p, struct skiff_health_result *res);
/* Kills, reaps and closes a running probe. */
void skiff_engine_health_probe_abort (struct skiff_health_probe *p);
/* Records a result under the container lock (docker's rules, health.json); a new status is
 * the event "health_status: <status>".  *status (may be NULL): the status after. */
int skiff_engine_health_record (struct skiff_store *store, struct skiff_container *c,
                                struct skiff_health_result *res, enum skiff_health_status *status,
                                struct skiff_error **err);
/* A fresh "starting" state (a start of the container). */
int skiff_engine_health_reset (struct skiff_container *c, struct skiff_error **err);
/* `healthcheck run`: one probe now, waited for (its timeout), recorded. */
int skiff_engine_healthcheck_run (struct skiff_store *store, struct skiff_container *c,
                                  enum skiff_health_status *status, struct skiff_error **err);
/* ---- user-defined networks (network_cmd.c, network_connect.c) ---- */
struct skiff_netdef;
struct skiff_netdef_request;
/* network create: labels and opts as given ("k=v"). */
int skiff_engine_network_create (struct skiff_store *store, const struct skiff_netdef_request *req,
                                 struct skiff_netdef *out, struct skiff_error **err);
/* network rm: refused (exit 2, naming them) while containers use it; force: they are removed
 * first.  *removed: its name. */
int skiff_engine_network_remove (struct skiff_store *store, const char *name_or_id, bool force,
                                 char **removed, struct skiff_error **err);
/* ls's (prune: label and until only) filter keys: name=, driver=, label=, label!=, id=,
 * type=custom|builtin; "invalid filter 'X'" (exit 125). */
int skiff_engine_network_filter_check (char *const *filters, bool prune, struct skiff_error **err);
bool skiff_engine_network_match (const struct skiff_netdef *d, char *const *filters);
/* The user-defined networks no container uses (and the filters match) removed. */
int skiff_engine_network_prune (struct skiff_store *store, char *const *filters, char ***removed,
                                struct skiff_error **err);
/* `network connect` (--alias, --ip, --mac-address: user-defined networks only, as docker). */
int skiff_engine_network_connect (struct skiff_store *store, const char *net, const char *ctr,
                                  char *const *aliases, const char *ip, const char *mac,
                                  struct skiff_error **err);
int skiff_engine_network_disconnect (struct skiff_store *store, const char *net, const char *ctr,
                                     bool force, struct skiff_error **err);
/* commit.c: `commit`: the container's upper dir (squash: its merged tree) becomes a new image
 * (skiff_image_commit_container), paused meanwhile when asked and running. */
struct skiff_engine_commit_options
{
  char *const *changes; /* --change, may be NULL */
  const char *message, *author;
  const char *manifest_type; /* -f: SKIFF_IMAGE_MANIFEST_* (NULL: none recorded) */
  bool pause, squash;
};
int skiff_engine_commit (struct skiff_store *store, struct skiff_container *c, const char *ref,
                         const struct skiff_engine_commit_options *opts, char **id_out,
                         struct skiff_error **err);

/* mount.c: `mount` (root only): the container's rootfs mounted at containers/<id>/merged, or
 * one more user of that mount (*path: where); `umount`: one user fewer, unmounted when none is
 * left (force: at once). */
int skiff_engine_mount (struct skiff_store *store, struct skiff_container *c, char **path,
                        struct skiff_error **err);
int skiff_engine_unmount (struct skiff_container *c, bool force, struct skiff_error **err);
/* Where the container is mounted, or NULL when it is not.  Caller frees. */
char *skiff_engine_mount_point (const struct skiff_container *c);
