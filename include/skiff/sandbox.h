#pragma once
/* Starting a container's process: fresh PID, mount, network, UTS and IPC namespaces, an overlay
 * rootfs, pivot_root, proc/sys/dev (docker's masked paths), hostname, capabilities, user switch,
 * exec.  The caller (the CLI in the foreground, the monitor when detached) is the parent of the
 * container's PID 1, which leads a session of its own.  When rootless, the caller has already
 * run skiff_userns_enter (no user namespace is made here).  Every mount lives only in the
 * container's mount namespace and goes away with it: afterwards the caller only removes the
 * upper/work/merged directories. */

#include <stdbool.h>
#include <sys/types.h>

struct skiff_error;

/* One mount of a container's -v/--mount/--tmpfs/volume list.  Paths outside the container
 * (source, upper, work, copy_up_marker) are the engine's; target is resolved inside the
 * rootfs and created there when missing. */
enum skiff_sandbox_mount_kind
{
  SKIFF_SANDBOX_MOUNT_BIND,    /* source (a host dir or file), recursively */
  SKIFF_SANDBOX_MOUNT_TMPFS,   /* data: tmpfs options */
  SKIFF_SANDBOX_MOUNT_DEVPTS,  /* a new devpts instance; data: extra options */
  SKIFF_SANDBOX_MOUNT_OVERLAY, /* lower dir source, upper/work: changes land there (O) */
};
struct skiff_sandbox_mount
{
  enum skiff_sandbox_mount_kind kind;
  const char *source, *target, *data;
  const char *upper, *work;
  unsigned long flags;       /* MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC */
  unsigned long propagation; /* MS_[R]SHARED/SLAVE/PRIVATE flags; 0: private */
  /* BIND of a fresh volume: when set, the image's content at target is copied into source
   * (owners, modes, times kept) if source is empty, and then this file is created */
  const char *copy_up_marker;
  bool chown; /* :U: the mounted tree is chowned to the process's user before it runs */
};

/* --userns: the container's process in the caller's user namespace (host), or in a nested one
 * where the caller's uid 0 (the rootless user) is the user's own uid (keep-id) or unmapped
 * (nomap). */
enum skiff_sandbox_userns
{
  SKIFF_SANDBOX_USERNS_HOST,
  SKIFF_SANDBOX_USERNS_KEEP_ID,
  SKIFF_SANDBOX_USERNS_NOMAP,
};

struct skiff_sandbox_config
{
  /* rootfs */
  char *const *lowerdirs; /* layer diff dirs, top first */
  const char *upperdir;   /* container's writable layer */
  const char *workdir;    /* overlay workdir (same fs as upperdir) */
  const char *mergeddir;  /* mount point, created by the caller */
  bool userxattr;         /* rootless overlay: mount with -o userxattr */
  bool volatile_upper;    /* -o volatile: no sync of the upper layer at unmount (kernel >= 5.10);
                           * for --rm containers, whose layer is discarded.  Saves ~10 ms. */

  /* files bind-mounted over /etc/{hostname,hosts,resolv.conf} when non-NULL */
  const char *hostname_file;
  const char *hosts_file;
  const char *resolv_file;

  /* process */
  const char *hostname;
  char *const *argv;      /* argv[0] is looked up in the container's PATH from env if no '/' */
  char *const *env;       /* "K=V"; HOME is added from the container's /etc/passwd if absent */
  const char *cwd;        /* absolute; created if missing */
  const char *user;       /* "user[:group]", names resolved in the rootfs; NULL/"" = root */
  char *const *group_add; /* --group-add: group names (of the rootfs) or gids; may be NULL */

  /* stdio for the process: -1 = inherit the caller's */
  int stdin_fd, stdout_fd, stderr_fd;
  /* fds 3 .. 3+preserve_fds-1 of the caller are passed on (podman --preserve-fds); every other
   * fd above 2 is closed at exec */
  unsigned preserve_fds;
  /* -t: the process gets a pty of the container's own devpts as controlling terminal and stdio
   * (stdin/stdout/stderr_fd are ignored), also bound on /dev/console; its master is returned
   * in *terminal_master (close-on-exec; the caller closes it) */
  bool terminal;
  int *terminal_master;
  /* the terminal's initial size, set before the exec (0 = leave it 0x0) */
  unsigned short terminal_rows, terminal_cols;
  /* signal the process gets when the caller dies (prctl PR_SET_PDEATHSIG, set again after the
   * user switch, which clears it): a monitor's container must not outlive it; 0 = none */
  int parent_death_signal;

  /* --privileged: all capabilities and no masked or read-only /proc and /sys paths (docker's
   * defaults otherwise) */
  bool privileged;
  /* --cap-add / --cap-drop as given: "chown", "CAP_CHOWN", "ALL"; may be NULL */
  char *const *cap_add;
  char *const *cap_drop;
  bool no_new_privileges; /* --security-opt no-new-privileges */

  /* Called in the parent once the child exists (its namespaces too), while the child sets the
   * rootfs up; the child runs nothing of the container's (the user switch, the command) until
   * it returns: e.g. to move it into cgroups.  A failure (negative, *err set) kills the child
   * and fails the spawn (with the child's own error when it had failed first). */
  int (*before_start) (pid_t pid, void *data, struct skiff_error **err);
  void *before_start_data;

  /* network: a fresh namespace with only `lo` (up) unless one of these is set */
  bool host_network;      /* stay in the caller's network namespace */
  const char *netns_path; /* join this one, e.g. /proc/<pid>/ns/net of another container */

  /* rlimits, sysctls, /dev/shm, --device nodes and the IPC, PID, UTS and cgroup namespace
   * modes (limits.c, namespaces.c); NULL: the defaults */
  const struct skiff_sandbox_limits *limits;
  /* --init: PID 1 stays as skiff's init (a forked copy, init.c), the command its child */
  bool init;
  /* security (caps.c, masks.c, readonly.c, seccomp*.c) */
  const char *seccomp_profile;   /* JSON text of a docker/OCI profile; NULL: docker's default;
                                  * "unconfined": none (nor with privileged) */
  const char *seccomp_origin;    /* the file seccomp_profile was read from, for errors */
  const char *seccomp_cache_dir; /* compiled filters are kept there (NULL: built every time) */
  bool process_privileged;       /* exec --privileged: all capabilities for this process; the
                                  * seccomp filter stays the container's (docker) */
  char *const *mask_paths;       /* --security-opt mask=: more paths to mask; may be NULL */
  char *const *unmask_paths;     /* --security-opt unmask=: default ones not to mask or make
                                  * read-only ("ALL": none); may be NULL */
  bool read_only;                /* --read-only: the rootfs is read-only ... */
  bool read_only_tmpfs;          /* ... but for tmpfs on /tmp, /run and /var/tmp (podman) */
  /* -v, --mount, --tmpfs, volumes (volume_mounts.c), mounted after /etc's files, parents
   * first; and --userns=keep-id|nomap: the process runs in a user namespace of its own */
  const struct skiff_sandbox_mount *mounts;
  size_t nmounts;
  enum skiff_sandbox_userns userns_mode;
};

enum skiff_sandbox_ns_mode
{
  SKIFF_SANDBOX_NS_PRIVATE, /* a fresh one (the default) */
  SKIFF_SANDBOX_NS_HOST,    /* the caller's */
  SKIFF_SANDBOX_NS_JOIN,    /* that of process pid (another container's PID 1) */
};
struct skiff_sandbox_ns
{
  enum skiff_sandbox_ns_mode mode;
  pid_t pid; /* JOIN */
};
struct skiff_sandbox_rlimit
{
  int resource;                  /* RLIMIT_* */
  unsigned long long soft, hard; /* RLIM_INFINITY for -1 */
};
struct skiff_sandbox_limits
{
  const struct skiff_sandbox_rlimit *rlimits; /* set before the exec */
  size_t n_rlimits;
  char *const *sysctls; /* "key=value", checked (namespaced ones only) */
  long long shm_size;   /* /dev/shm's size in bytes (0: 64 MiB) */
  bool no_shm;          /* --ipc=none: no /dev/shm */
  char *const *devices; /* --device HOST[:CONTAINER[:PERMS]] nodes to make in /dev */
  struct skiff_sandbox_ns ipc, pid, uts, cgroup; /* cgroup PRIVATE: unshared after the hook
                                                  * (rooted at the container's cgroup) */
  /* /sys/fs/cgroup shows the container's cgroups (read-only) once the hook has put it there:
   * it has them, and real root may mount cgroup file systems */
  bool cgroupfs, cgroup_v2;
};

/* Clones the sandboxed child and waits until it has exec'd the command (or failed).  On
 * failure the error carries exit_code 127 (command not found), 126 (not executable) or 125
 * (engine failure), and no process is left.  On success *pid is the container's PID 1 as seen
 * from the caller. */
int skiff_sandbox_spawn (const struct skiff_sandbox_config *cfg, pid_t *pid,
                         struct skiff_error **err);

/* exec: starts the process described by cfg's process fields (argv, env, cwd, user, group_add,
 * stdio, preserve_fds, terminal, capabilities; the rest is ignored) inside the running process
 * target, a container's PID 1: in its cgroups, its mount, UTS, IPC, network, PID and cgroup
 * namespaces, chrooted to its root and in cfg->cwd ("/" if NULL), with no /dev/console bind
 * for a terminal.  A rootless caller must have joined target's user namespace first
 * (skiff_userns_join).  The caller itself stays in the joined namespaces (its root directory
 * becomes the container's), so it is the last thing a command does before relaying and waiting.
 * *pid: the new process, a child of the caller.  Errors carry exit codes like
 * skiff_sandbox_spawn. */
int skiff_sandbox_exec_in (pid_t target, const struct skiff_sandbox_config *cfg, pid_t *pid,
                           struct skiff_error **err);

/* A read-only, detached overlay of layers (top first, at least two; e.g. a container's upper
 * dir on its image's layers) for reading what a container sees (export).  Returns the mount's
 * fd (close-on-exec) or a negative error.  The caller must be allowed to mount in its mount
 * namespace: rootless, unshare (CLONE_NEWNS) first, inside the user namespace. */
int skiff_sandbox_overlay_view (char *const *layers, bool userxattr, struct skiff_error **err);
/* The same overlay writable, with upper/work (a stopped container's own, for cp into it). */
int skiff_sandbox_overlay_writable (const char *upper, const char *work, char *const *lower,
                                    bool userxattr, struct skiff_error **err);
/* Checks run/create's security settings before a container is made: capability names (moby's
 * `unknown capability: "CAP_X"`), and a seccomp profile's text (`seccomp profile FILE: "key":
 * ...`, see seccomp-internal.h). */
int skiff_sandbox_caps_check (char *const *add, char *const *drop, struct skiff_error **err);
int skiff_sandbox_seccomp_check (const char *text, const char *origin, struct skiff_error **err);

/* Converts a waitpid status to a shell-style exit code: code, or 128+signal. */
int skiff_sandbox_exit_code (int wait_status);
