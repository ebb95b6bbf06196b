#pragma once
/* Containers: records in <root>/containers/<id>/ (config.json written once by create,
 * state.json for lifecycle), names as symlinks <root>/names/containers/<name> -> id, and the
 * pure parts of "what to run" (argv, env, workdir) built from the image config and the flags.
 *
 * Lifecycle (the one state machine; every transition holds a flock on the container dir):
 *   created --start--> running --exit--> exited --start--> running ...
 *   any non-running --remove--> (gone);  running needs a kill first.
 * create (record + dirs) and start (spawn) are separate steps so `create`/`start`/`run -d`
 * can reuse them. */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "skiff/cleanup.h"
#include "skiff/health.h"
#include "skiff/resources.h"
#include "skiff/network.h"
#include "skiff/ports.h"
#include "skiff/mount.h"

struct skiff_error;
struct skiff_store;
struct skiff_strv_builder;

#define SKIFF_CONTAINER_ID_LEN 64
/* stop_timeout (and the spec's) when not given; -1 is "wait forever", as docker's */
#define SKIFF_STOP_TIMEOUT_UNSET INT_MIN
#define SKIFF_CONTAINER_SHORT_ID_LEN 12

/* What create decided (config.json, immutable). */
/* What the container's processes may do (config.json "Security"; record_security.c). */
struct skiff_container_security
{
  bool privileged;
  bool no_new_privileges;
  bool read_only, read_only_tmpfs;
  char **cap_add, **cap_drop; /* as given; NULL = none */
  char **mask, **unmask;      /* --security-opt mask=/unmask= paths ("ALL"); NULL = none */
  char *seccomp;              /* profile JSON text; NULL = docker's default; "unconfined" */
  char *seccomp_origin;       /* the file it was read from */
};

struct skiff_container_config
{
  char *id;          /* 64 hex */
  char *name;        /* without leading '/' */
  char *created;     /* RFC 3339 nano, UTC */
  char *image_id;    /* 64 hex */
  char *image_name;  /* as the user typed it */
  char **argv;       /* Path + Args */
  char **entrypoint; /* Config.Entrypoint as merged (NULL = none) */
  char **cmd;        /* Config.Cmd as merged (NULL = none) */
  char **env;        /* final environment, "K=V" */
  char *workdir;     /* absolute */
  char *user;        /* "" = root */
  char *hostname;
  bool auto_remove;
  char *cidfile; /* NULL = none */
  /* detached/lifecycle settings (added by the monitor work; absent keys read as defaults) */
  bool tty;             /* -t: the process gets a terminal */
  bool open_stdin;      /* -i: stdin stays open (a pipe, or the terminal) */
  char *stop_signal;    /* --stop-signal or image StopSignal as given; NULL = SIGTERM */
  int stop_timeout;     /* --stop-timeout in seconds, -1 waits forever; SKIFF_STOP_TIMEOUT_UNSET:
                         * skiff.conf's engine.stop_timeout at create, else 10 */
  char *restart_policy; /* "no", "always", "unless-stopped", "on-failure"; NULL = "no" */
  int restart_max;      /* on-failure:N */
  char **labels;        /* alternating key, value; NULL = none */
  struct skiff_resources resources;    /* limits, devices, namespace modes ("Resources") */
  struct skiff_network_config network; /* --network, --add-host, --dns*, --link */
  bool init;                           /* --init: PID 1 is skiff's init, the command PID 2 */
  struct skiff_container_security security;
  struct skiff_mounts_config mounts; /* -v, --mount, --tmpfs, image VOLUMEs; --userns */
  char *log_driver;                  /* --log-driver (skiff/logfile.h); NULL = k8s-file */
  char **log_opts;                   /* --log-opt as alternating key, value; NULL = none */
  struct skiff_health_config health; /* "Healthcheck", "HealthOnFailure" (skiff/health.h) */
  char **create_command;             /* "CreateCommand": the argv of the create (or run) */
  struct skiff_ports_config ports;   /* -p, -P, --expose and the image's EXPOSE ("Ports") */
  struct skiff_container_podman
  {
    char *timezone;   /* --tz as given ("local" or a zone name); NULL = the image's */
    unsigned timeout; /* --timeout: the monitor kills PID 1 after so many seconds (0: never) */
    char *pidfile;    /* --pidfile, absolute; NULL = none */
  } podman;           /* "Timezone", "Timeout", "PidFile" (record_podman.c) */
};

enum skiff_container_status
{
  SKIFF_CONTAINER_CREATED,
  SKIFF_CONTAINER_RUNNING,
  SKIFF_CONTAINER_EXITED,
  SKIFF_CONTAINER_REMOVING,
  SKIFF_CONTAINER_RESTARTING, /* exited, the monitor waits out the restart backoff */
};

/* state.json */
struct skiff_container_state
{
  enum skiff_container_status status;
  pid_t pid;                    /* 0 unless running */
  unsigned long long pid_start; /* /proc/<pid>/stat starttime, detects a recycled pid */
  int exit_code;
  char *started_at;  /* RFC 3339 nano or NULL */
  char *finished_at; /* RFC 3339 nano or NULL */
  /* the detached container's monitor (0 = none: foreground run, or not started) */
  pid_t monitor_pid;
  unsigned long long monitor_start;
  bool paused;           /* running, but frozen (status stays RUNNING) */
  bool manually_stopped; /* stop/kill by the user: no policy restart */
  int restart_count;     /* policy restarts since the last user start */
  bool cgroup;           /* it was put into its own cgroup (skiff/<id>) */
  bool oom_killed;       /* the kernel's OOM killer killed one of its processes (last run) */
};

struct skiff_container
{
  struct skiff_container_config config;
  struct skiff_container_state state;
  char *dir; /* <root>/containers/<id> */
};

void skiff_container_free (struct skiff_container *c);
SKIFF_DEFINE_CLEANUP (skiff_container_freep, struct skiff_container *, skiff_container_free)
#define _cleanup_container_ __attribute__ ((cleanup (skiff_container_freep)))
void skiff_container_config_clear (struct skiff_container_config *cfg);
void skiff_container_security_clear (struct skiff_container_security *s);
struct skiff_sandbox_config;
/* The sandbox's security fields from the record (borrowed; for start and exec). */
void skiff_container_security_to_sandbox (const struct skiff_container_security *s,
                                          struct skiff_sandbox_config *sc);

/* The health status of a container with a health check (health.json; a fresh one is
 * starting), -1 without one. */
int skiff_container_health_status (const struct skiff_container *c);

/* "created", "running", "exited", "removing", "restarting" (docker's State.Status words). */
const char *skiff_container_status_name (enum skiff_container_status s);
/* docker's State.Status of a loaded container: "paused" for a frozen running one. */
const char *skiff_container_state_word (const struct skiff_container_state *st);

/* --tz's value: "local" or a zone of the host's /usr/share/zoneinfo that reads as one
 * (timezone.c); podman's "unknown time zone NAME" otherwise. */
int skiff_container_timezone_check (const char *tz, struct skiff_error **err);

/* ---- IDs and names (id.c, naming.c) ---- */

/* 32 random bytes as 64 lower-case hex; never all digits in the first 12 (docker). */
int skiff_container_new_id (char out[SKIFF_CONTAINER_ID_LEN + 1], struct skiff_error **err);

/* Docker's rule ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$ (one leading '/' tolerated and stripped by the
 * caller).  Error: "Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed".
 * At most SKIFF_CONTAINER_NAME_MAX characters (a name is a file name in the store). */
#define SKIFF_CONTAINER_NAME_MAX 255
int skiff_container_name_validate (const char *name, struct skiff_error **err);

/* A random "<adjective>_<surname>"; never "boring_wozniak".  Caller frees. */
char *skiff_container_name_random (void);

/* Creates names/containers/<name> -> id.  Taken: docker's conflict error (exit 125).  A link
 * that nothing backs (no record, no live creator: a killed create or remove) is reclaimed. */
int skiff_container_name_reserve (struct skiff_store *store, const char *name, const char *id,
                                  struct skiff_error **err);
/* Reserves a random name, retrying with a digit appended, finally the short ID. *out: name. */
int skiff_container_name_reserve_random (struct skiff_store *store, const char *id, char **out,
                                         struct skiff_error **err);
/* Renames (rename.c): reserves the new name (docker's conflict error prefixed "Error when
 * allocating new name"), rewrites config.json, releases the old one.  The same name: "Renaming
 * a container with the same name as its current name". */
int skiff_container_rename (struct skiff_store *store, struct skiff_container *c, const char *name,
                            struct skiff_error **err);
/* Removes the name link if it still points at id.  Missing is fine. */
void skiff_container_name_release (struct skiff_store *store, const char *name, const char *id);
/* The same, moving the link into the dir trash instead (deleted with it later: a link to a full
 * ID is a slow symlink, whose block costs a discard to free on some file systems). */
void skiff_container_name_release_into (struct skiff_store *store, const char *name, const char *id,
                                        const char *trash);

/* `system check` (check.c): name links backed by a record (or a live creator) carrying that
 * name, complete and readable records holding their names, no temp files of dead writers, no
 * cgroup of a container that does not run, no runtime dir of a missing container.  Each
 * finding is appended to *problems as one line; with repair it is also fixed (dangling names
 * freed, incomplete records removed, a missing name link restored, a taken one replaced by a
 * random name).  Takes container locks and the store lock briefly: call without either. */
int skiff_container_check (struct skiff_store *store, bool repair, char ***problems,
                           struct skiff_error **err);

/* ---- changes (changes.c): `diff` ---- */

struct skiff_container_change
{
  char kind;  /* 'A' added, 'C' changed, 'D' deleted (docker's letters) */
  char *path; /* absolute in the container */
};
/* What the container's upper layer changed against lowerdirs (its image's layers, top first),
 * sorted by path; skiff's own /etc/hostname, hosts and resolv.conf left out.  *out: an array
 * of *n (skiff_container_changes_free). */
int skiff_container_changes (const struct skiff_container *c, char *const *lowerdirs,
                             struct skiff_container_change **out, size_t *n,
                             struct skiff_error **err);
void skiff_container_changes_free (struct skiff_container_change *v, size_t n);

/* ---- export (export.c) ---- */

/* Writes the tree below root_fd (a directory fd; for export, an overlay view of a container's
 * layers) to out_fd as a tar stream: relative paths, hard links, xattrs, sorted; no symlink of
 * the tree is ever followed. */
int skiff_container_tree_tar (int root_fd, int out_fd, struct skiff_error **err);
/* cp out: path resolved inside root_fd (its symlinks, "..", absolute links all staying in it;
 * the last component followed only with follow) written to out_fd as docker's cp archive: the
 * source under its base name ("." for the root), a directory with all below it.  Missing:
 * docker's "Could not find the file PATH in container NAME" (exit 1). */
int skiff_container_path_tar (int root_fd, const char *path, bool follow, const char *name,
                              int out_fd, struct skiff_error **err);

/* ---- records (record.c, state.c) ---- */

struct skiff_container_create_opts
{
  bool durable; /* fsync records (off for --rm containers that vanish right away) */
};

/* Allocates the ID (unless cfg->id is set), reserves the name (cfg->name NULL = random; filled
 * in), creates containers/<id>/ with upper/ work/ hostname hosts resolv.conf and config.json.
 * state.json appears with the first start; without it a container is "created".  On failure
 * nothing is left behind.  *out: the new container. */
int skiff_container_create (struct skiff_store *store, struct skiff_container_config *cfg,
                            const struct skiff_container_create_opts *opts,
                            struct skiff_container **out, struct skiff_error **err);

/* Loads config.json and state.json of a container by full ID.  The state is checked against the
 * process table: "running" with a vanished (or recycled) pid is reported as exited. */
int skiff_container_load (struct skiff_store *store, const char *id, struct skiff_container **out,
                          struct skiff_error **err);

/* Full IDs of all containers (NULL-terminated, possibly empty vector). */
int skiff_container_list_ids (struct skiff_store *store, char ***out, struct skiff_error **err);

/* Resolves what the user typed: exact full ID, exact name, then unique ID prefix.  Errors:
 * "No such container: X" (-ENOENT), "multiple IDs found with provided prefix: X".  *id_out: full
 * ID. */
int skiff_container_lookup (struct skiff_store *store, const char *text, char **id_out,
                            struct skiff_error **err);

/* Re-reads state.json into c->state, checked against the process table (a missing file means
 * "created").  Call it under the lock before changing the state: others write it too. */
int skiff_container_state_reload (struct skiff_container *c, struct skiff_error **err);
/* Writes c->state to state.json atomically (caller holds the lock). */
int skiff_container_state_write (struct skiff_container *c, bool durable, struct skiff_error **err);

/* Exclusive flock on the container directory, held while the returned fd is open. */
int skiff_container_lock (const struct skiff_container *c, struct skiff_error **err);

/* Transitions; each writes state.json atomically (durable when flags say so). */
int skiff_container_mark_running (struct skiff_container *c, pid_t pid, bool durable,
                                  struct skiff_error **err);
int skiff_container_mark_exited (struct skiff_container *c, int exit_code, bool durable,
                                 struct skiff_error **err);
/* mark_exited's fields (status, pid, exit code, FinishedAt) without the write: for a caller
 * that changes more before its one write (the monitor's "restarting"). */
void skiff_container_set_exited (struct skiff_container *c, int exit_code);

/* True when state says running and the recorded process (pid + start time) still exists. */
bool skiff_container_pid_alive (pid_t pid, unsigned long long start_time);
/* starttime field of /proc/<pid>/stat; 0 if gone, unreadable or a zombie. */
unsigned long long skiff_container_pid_start_time (pid_t pid);

/* ---- start / finish (start.c): used by the foreground CLI now, a monitor later ---- */

struct skiff_container_start_opts
{
  char *const *lowerdirs;             /* image layer dirs, top first */
  bool userxattr;                     /* rootless overlay */
  int stdin_fd, stdout_fd, stderr_fd; /* -1 = inherit */
  bool terminal;                      /* -t: *terminal_master receives the pty master */
  int *terminal_master;
  unsigned short terminal_rows, terminal_cols; /* its initial size (0 = none) */
  int parent_death_signal; /* the monitor: the container dies with it (0 = no) */
  unsigned preserve_fds;   /* our fds 3 .. 3+N-1 are passed on (--preserve-fds) */
  bool policy_restart;     /* the monitor restarts it: the state is re-read under the lock, and a
                            * container the user stopped meanwhile is not started (-ECANCELED) */
  /* When not NULL: gets an fd of PID 1's mount namespace (-1 when it cannot be had), opened
   * before PID 1 runs.  Holding it, PID 1's exit does not tear the namespace down (its
   * unmounts wait for RCU grace periods): that happens when the caller closes it, after it has
   * told its clients the exit code. */
  int *mntns_hold;
};

/* Under the container's lock: refuses a running container, makes the mount point, spawns the
 * sandboxed process and records it as running.  Spawn errors carry exit_code 125/126/127 and
 * leave the container "created".  *pid: the container's PID 1 as seen by the caller. */
int skiff_container_start (struct skiff_store *store, struct skiff_container *c,
                           const struct skiff_container_start_opts *opts, pid_t *pid,
                           struct skiff_error **err);

/* After the caller reaped PID 1: records the exit (or, with auto_remove, removes the
 * container).  Returns the shell-style exit code.  A container removed meanwhile (rm -f) is
 * not an error.  The state is re-read under the lock first (stop/kill may have marked it). */
int skiff_container_finish (struct skiff_store *store, struct skiff_container *c, int wait_status,
                            struct skiff_error **err);
/* The same; a removed container's files are left in *trash (a store temp dir, NULL when there
 * is none) for the caller to delete with skiff_container_trash_drop once nobody waits for it. */
int skiff_container_finish_deferred (struct skiff_store *store, struct skiff_container *c,
                                     int wait_status, char **trash, struct skiff_error **err);

/* Removes the name link, <runroot>/containers/<id>, and the container dir.  The caller has
 * made sure it is not running. */
int skiff_container_remove (struct skiff_store *store, struct skiff_container *c,
                            struct skiff_error **err);
/* The same up to the files: the container is gone for every reader (dir and name moved into
 * *trash, a store temp dir reaped as a leftover if the caller dies) but its files are deleted
 * only by skiff_container_trash_drop (trash), which frees it. *trash is NULL when the files
 * are already gone.  Its cgroup is left to the caller (skiff_container_cgroup_remove): the
 * monitor of a --rm container removes it after the client got the exit code. */
int skiff_container_remove_deferred (struct skiff_store *store, struct skiff_container *c,
                                     char **trash, struct skiff_error **err);
void skiff_container_trash_drop (char *trash);

/* inspect's "Mounts" (mount_record.c): every mount as docker lists it (Type, Name, Source,
 * Destination, Driver, Mode, RW, Propagation). */
void skiff_container_mounts_inspect_gen (yajl_gen g, const struct skiff_container *c);

/* ---- cgroup (cgroup.c) ---- */

/* The container's cgroup name, "skiff/<id>" (its one spelling; caller frees). */
char *skiff_container_cgroup_name (const struct skiff_container *c);
/* Creates "skiff/<id>" in every cgroup hierarchy, limits its devices (real root) and moves pid
 * in (done by start, for every container).  Rootless without a delegated subtree: nothing, and
 * 0. */
int skiff_container_cgroup_join (struct skiff_container *c, pid_t pid, struct skiff_error **err);
/* The part of _join before the pid moves in: creates the cgroup (under --cgroup-parent), its
 * device rules (the defaults, --device, --device-cgroup-rule; real root) and the resource
 * limits.  *out: the cgroup, or NULL when there is none (--cgroups=disabled, rootless without
 * delegation).  Callable before PID 1 exists (e.g. to clone straight into it). */
struct skiff_cgroup;
int skiff_container_cgroup_prepare (struct skiff_container *c, struct skiff_cgroup **out,
                                    struct skiff_error **err);
/* Whether the OOM killer killed a process of the container's cgroup (read before removal). */
bool skiff_container_cgroup_oom_killed (const struct skiff_container *c);
/* The cgroup device rules of --device (from the host node's type and numbers) and
 * --device-cgroup-rule, in devices.allow syntax; NULL (with *err) when a device is gone. */
char **skiff_container_device_rules (const struct skiff_resources *r, struct skiff_error **err);
/* Removes the container's cgroup if its state says it has one (finish, remove). */
void skiff_container_cgroup_remove (struct skiff_container *c);
/* pause / unpause under the lock: freezes or thaws the cgroup and records it.  Errors as
 * docker's: "Container <id> is not running" / "is already paused" / "is not paused" (exit 1);
 * no cgroup (rootless): SKIFF_CGROUP_NO_PAUSE_MSG. */
int skiff_container_set_paused (struct skiff_container *c, bool paused, struct skiff_error **err);

/* Host pids of a running container's processes, sorted (procs.c): its cgroup's members, else
 * PID 1 and its descendants.  Not running: "Container <id> is not running" (exit 1). */
int skiff_container_pids (const struct skiff_container *c, pid_t **pids, size_t *n,
                          struct skiff_error **err);

/* The process whose namespaces `exec` joins (procs.c): PID 1, or with --init its command, the
 * init's oldest child (the init is not dumpable: a rootless host user may not open its
 * /proc/<pid>/ns).  PID 1 when the init has no child (it is about to exit). */
pid_t skiff_container_join_pid (const struct skiff_container *c);

struct skiff_cgroup_stats;
/* Without a cgroup (rootless): CPU time, resident memory and the number of PID 1 and its
 * descendants from /proc, in the cgroup stats' units (no limit, no page cache). */
int skiff_container_proc_stats (const struct skiff_container *c, struct skiff_cgroup_stats *out,
                                struct skiff_error **err);

/* Where the sandbox mounts the rootfs: <runroot>/rootfs, one empty directory shared by all
 * containers.  The overlay is mounted inside each container's private mount namespace, so
 * the host never sees it there and containers never see each other's; a shared mount point
 * saves two inodes to create and remove per run (costly on a busy ext4).  Caller frees. */
char *skiff_container_merged_dir (struct skiff_store *store, const char *id);

/* ---- spec building (spec.c, pure) ---- */

/* Process argv from image Entrypoint/Cmd and the user's --entrypoint (NULL = not given,
 * "" = reset) and args.  Also fills the merged Entrypoint/Cmd for the record.  Error
 * "no command specified" (exit 125) when nothing is left. */
int skiff_container_build_argv (char *const *image_entrypoint, char *const *image_cmd,
                                const char *user_entrypoint, char *const *user_args,
                                char ***argv_out, char ***entrypoint_out, char ***cmd_out,
                                struct skiff_error **err);

/* One -e value: "K=V" kept, "K" -> "K=<value of K in envp>" or "K" (which unsets K); "=x" or ""
 * -> "invalid environment variable: =x". Appends to *env. */
int skiff_container_env_option (const char *value, char *const *envp,
                                struct skiff_strv_builder *env, struct skiff_error **err);

/* Parses --env-file text (docker kvfile rules); a line "K" takes K from envp or is dropped.
 * path names the file in errors ("invalid env file (<path>): ..."). Appends to *env. */
int skiff_container_env_file_parse (const char *path, const char *text, char *const *envp,
                                    struct skiff_strv_builder *env, struct skiff_error **err);
/* Reads and parses the file, bounded: a line longer than 65535 bytes (docker's limit), a NUL
 * byte or more than 16 MiB is an error naming the file (so /dev/zero fails at once). */
int skiff_container_env_file_read (const char *path, char *const *envp,
                                   struct skiff_strv_builder *env, struct skiff_error **err);

/* Final environment: PATH + HOSTNAME, then user env (env-file lines, -e values, in order)
 * followed by image env keys the user did not set; later same keys replace earlier ones in
 * place, an entry without '=' removes its key. */
char **skiff_container_build_env (char *const *image_env, char *const *user_env,
                                  const char *hostname);

/* -w / image WorkingDir / "/": must be absolute.  *out: the directory to use. */
int skiff_container_workdir (const char *user_workdir, const char *image_workdir, char **out,
                             struct skiff_error **err);

/* ---- cidfile (cidfile.c) ---- */

/* Before create: an existing path -> docker's error (exit 125); else creates it empty. */
int skiff_container_cidfile_open (const char *path, struct skiff_error **err);
/* After create: writes the 64-hex ID without newline. */
int skiff_container_cidfile_write (const char *path, const char *id, struct skiff_error **err);
/* Create failed: removes the (still empty) file. */
void skiff_container_cidfile_abort (const char *path);

/* ---- /etc files (etcfiles.c) ---- */

/* hostname, hosts (docker's localhost lines, --add-host, the hostname and name on 127.0.0.1),
 * resolv.conf (host's, loopback nameservers dropped unless --network host; --dns* applied;
 * google DNS if none left) in c->dir.  host_resolv: path of the host's file. */
int skiff_container_write_etc_files (const struct skiff_container *c, const char *host_resolv,
                                     struct skiff_error **err);
/* Rewrites the hosts file in place (a start): the link lines and the container's own address
 * (NULL: 127.0.0.1). */
int skiff_container_write_hosts (const struct skiff_container *c, const char *own_ip,
                                 char *const *link_lines, struct skiff_error **err);
/* Pure: resolv.conf text for a container from the host's text. Caller frees. */
char *skiff_container_resolv_conf (const char *host_text);

/* `cp` into a stopped container's mount m (start_mounts.c): the host directory that holds it,
 * a bind's source or a volume's _data (or its device=), in *dir.  Refused (125, one line)
 * where there is none that the next start would show: tmpfs, devpts, :O overlays, a tmpfs
 * volume; and :ro mounts. */
int skiff_container_mount_host_dir (struct skiff_store *store, const struct skiff_mount *m,
                                    const char *name, char **dir, struct skiff_error **err);
