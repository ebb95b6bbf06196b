#pragma once
/* Sandbox module internals shared between its files and the unit tests: the pure parsers
 * (subordinate id ranges, passwd/group, user specs, PATH lookup) and the child-side setup
 * steps of skiff_sandbox_spawn. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox/seccomp-internal.h"
#include "skiff/sandbox.h"

struct skiff_error;
struct skiff_sandbox_config;

/* ---- subid.c: /etc/subuid and /etc/subgid ---- */

struct skiff_subid_range
{
  unsigned long start;
  unsigned long count;
};

/* Collects every range of `name` (or of its numeric `uid`) from the text of a subid file, in
 * file order.  Malformed lines are skipped.  *out is malloc'ed (NULL when none). */
size_t skiff_subid_parse (const char *text, const char *name, uid_t uid,
                          struct skiff_subid_range **out);

/* Reads path (missing = no ranges) and parses it as above. */
int skiff_subid_read (const char *path, const char *name, uid_t uid, struct skiff_subid_range **out,
                      size_t *n, struct skiff_error **err);

/* ---- user.c: user spec resolution against the container's passwd/group ---- */

struct skiff_exec_user
{
  uid_t uid;
  gid_t gid;
  gid_t *groups; /* primary gid first, then supplementary ones; malloc'ed */
  size_t ngroups;
  char *home; /* from passwd, NULL if the user has no entry */
};

/* Resolves "user[:group]" (NULL/"" = root) and the --group-add list (may be NULL) per
 * run-semantics.md §4 using the given passwd and group files (missing files tolerated).
 * Errors are the docker texts. */
int skiff_user_resolve (const char *spec, char *const *group_add, const char *passwd_path,
                        const char *group_path, struct skiff_exec_user *out,
                        struct skiff_error **err);
void skiff_exec_user_clear (struct skiff_exec_user *u);
/* The user's uid and gid must exist in the user namespace (uids/gids: how many are mapped, from
 * 0).  A single-ID map (no subuid range) has only ID 0, and the message says so. */
int skiff_user_check_mapped (const struct skiff_exec_user *u, unsigned long uids,
                             unsigned long gids, struct skiff_error **err);

/* ---- execpath.c: command lookup ---- */

/* Value of "PATH" in env, or the default container PATH. */
const char *skiff_env_path (char *const *env);
/* Finds cmd in the colon-separated path list like Go's exec.LookPath (regular file with an
 * execute bit).  cmd containing '/' is returned as is.  Returns a malloc'ed path or NULL. */
char *skiff_exec_lookup (const char *cmd, const char *path);
/* Fills *err (exit code 127/126/125) for a failed execve/lookup of cmd with errno e. */
int skiff_exec_error (struct skiff_error **err, const char *cmd, int e);

/* ---- caps.c: capability sets as bit masks (bit n = capability n) ---- */

uint64_t skiff_caps_all (void);     /* every capability we hold in the bounding set */
uint64_t skiff_caps_default (void); /* docker's 14 */
/* privileged: all; else the default set tweaked like moby's TweakCapabilities: names are
 * case-insensitive with optional CAP_ prefix, "ALL" in add = all but the drops, "ALL" in drop =
 * only the adds, otherwise default - drop + add.  Unknown names: `unknown capability: "X"`. */
int skiff_caps_compute (char *const *add, char *const *drop, bool privileged, uint64_t *out,
                        struct skiff_error **err);
/* Child side: cut the bounding set to set (before the user switch), and, for uid 0 after it,
 * make set the permitted and effective sets (inheritable empty). */
int skiff_caps_limit_bounding (uint64_t set, struct skiff_error **err);
int skiff_caps_set_root (uint64_t set, struct skiff_error **err);
/* A non-root user's capabilities (podman: only what --cap-add names; "ALL" = the whole set):
 * the explicit adds, within set.  0 without --cap-add, as docker and podman. */
int skiff_caps_user (char *const *add, uint64_t set, uint64_t *out, struct skiff_error **err);
/* Child side, after setresuid with PR_SET_KEEPCAPS: set becomes the permitted, effective,
 * inheritable and ambient sets (so that they survive the execve of a non-root user). */
int skiff_caps_set_user (uint64_t set, struct skiff_error **err);

/* ---- security.c: what the process is allowed, decided in the parent, applied by the child ---- */

struct skiff_sandbox_security
{
  uint64_t caps;                   /* the bounding set; root's permitted and effective */
  uint64_t user_caps;              /* a non-root user's (explicit --cap-add only) */
  struct skiff_seccomp_bpf filter; /* len 0: unconfined */
};

/* Parent side, before the clone: capabilities from cfg, the seccomp filter compiled for them
 * (for exec: the container's, whatever --privileged the process asks for). */
int skiff_sandbox_security_prepare (const struct skiff_sandbox_config *cfg,
                                    struct skiff_sandbox_security *out, struct skiff_error **err);
void skiff_sandbox_security_clear (struct skiff_sandbox_security *s);
#define _cleanup_security_ __attribute__ ((cleanup (skiff_sandbox_security_clear)))
/* Child side, in crun's order (set_required_caps): cut the bounding set; without no_new_privs
 * install the filter while still holding CAP_SYS_ADMIN; keep capabilities over the uid switch
 * for a user that gets some.  Then switch_user runs, then _after_user: the sets of root or
 * the user, non-dumpable again. */
int skiff_sandbox_security_before_user (const struct skiff_sandbox_config *cfg,
                                        const struct skiff_sandbox_security *sec, uid_t uid,
                                        struct skiff_error **err);
int skiff_sandbox_security_after_user (const struct skiff_sandbox_security *sec, uid_t uid,
                                       struct skiff_error **err);
/* Last before the execve: no_new_privs, then (with it) the filter. */
int skiff_sandbox_security_before_exec (const struct skiff_sandbox_config *cfg,
                                        const struct skiff_sandbox_security *sec,
                                        struct skiff_error **err);

/* ---- rootfs_path.c: paths inside the rootfs (root_fd), before pivot_root ---- */

/* openat2 (root_fd, path, flags | O_CLOEXEC) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS:
 * symlinks resolve as if root_fd were "/", so nothing in the rootfs leads out of it (kernels
 * without openat2: any symlink is refused).  A leading '/' is ignored.  fd, or -1 with errno. */
int skiff_rootfs_open (int root_fd, const char *path, int flags);
/* An O_PATH fd of mount target path inside root_fd, creating it (a directory, or an empty
 * file; missing parents as directories) inside the rootfs when it is missing.  fd or -errno. */
int skiff_rootfs_open_target (int root_fd, const char *path, bool dir, struct skiff_error **err);
/* "/proc/self/fd/N": the path through which mount(2) acts on exactly the object fd names. */
#define SKIFF_FD_PATH_MAX 32
void skiff_fd_path (char buf[SKIFF_FD_PATH_MAX], int fd);
/* mount (src, "/proc/self/fd/<fd>", type, flags, data); -1 with errno on failure. */
int skiff_mount_on_fd (const char *src, int fd, const char *type, unsigned long flags,
                       const char *data);

/* ---- mounts.c / devices.c / masks.c: child side, before pivot_root ---- */

int skiff_sandbox_mount_rootfs (const struct skiff_sandbox_config *cfg, struct skiff_error **err);
/* Mount helpers below take the rootfs as root_fd (an O_PATH fd of the mounted overlay). */
struct skiff_sandbox_limits;
int skiff_sandbox_mount_dev (int root_fd, bool rootless, bool map_tty_gid, bool host_devices,
                             const struct skiff_sandbox_limits *limits, struct skiff_error **err);
/* docker's masked and read-only paths less cfg's unmask_paths, plus its mask_paths; nothing
 * with cfg->privileged */
int skiff_sandbox_mask_paths (int root_fd, const struct skiff_sandbox_config *cfg,
                              struct skiff_error **err);
/* readonly.c: --read-only: tmpfs on /tmp, /run, /var/tmp (read_only_tmpfs), then the rootfs
 * (the mount at root_fd) remounted read-only; its submounts keep their own flags */
int skiff_sandbox_read_only_root (int root_fd, const struct skiff_sandbox_config *cfg,
                                  struct skiff_error **err);
int skiff_sandbox_pivot (const char *root, struct skiff_error **err);

/* ---- volume_mounts.c, volume_copyup.c: the container's -v/--mount/--tmpfs mounts ---- */

/* Mounts cfg->mounts on the rootfs, parents first (before pivot_root). */
int skiff_sandbox_mount_volumes (int root_fd, const struct skiff_sandbox_config *cfg,
                                 struct skiff_error **err);
struct skiff_sandbox_mount;
/* The image's content at m->target into the empty volume dir m->source; then the marker. */
int skiff_sandbox_copy_up (int root_fd, const struct skiff_sandbox_mount *m,
                           struct skiff_error **err);
/* After pivot_root, before the user switch: chowns the :U mounts to cfg->user. */
int skiff_sandbox_chown_mounts (const struct skiff_sandbox_config *cfg, struct skiff_error **err);

/* ---- userns_nested.c: --userns=keep-id|nomap ---- */

/* Asks the parent for the maps of a nested user namespace (SKIFF_SANDBOX_MSG_USERNS); then
 * root in it.  Nothing for SKIFF_SANDBOX_USERNS_HOST. */
#define SKIFF_SANDBOX_MSG_USERNS 'U'
int skiff_sandbox_userns_child (const struct skiff_sandbox_config *cfg, int sock,
                                struct skiff_error **err);
/* Parent side: writes pid's uid/gid maps for cfg->userns_mode and tells it to go on. */
int skiff_sandbox_userns_write_maps (const struct skiff_sandbox_config *cfg, pid_t pid, int sock,
                                     struct skiff_error **err);
/* Pure: the map text (keep-id: self on our 0; nomap: our 0 left out) over total ids; its
 * length, or -1 when it cannot be made. */
int skiff_sandbox_nested_map (enum skiff_sandbox_userns mode, unsigned long self,
                              unsigned long total, char *buf, size_t size);

/* ---- terminal.c / spawn.c: the child -> parent channel (SOCK_SEQPACKET) ---- */

/* First byte of a message carrying the terminal master (SCM_RIGHTS); any other message is a
 * failure report. */
#define SKIFF_SANDBOX_MSG_TERMINAL 'T'

/* In the child, after pivot_root: opens a pty in the container's devpts, owned by `owner`,
 * binds it on /dev/console (when console: not for exec, which must not touch the container's
 * mounts), sends the master over sock and makes the slave the controlling terminal and fds 0-2
 * of a new session. */
int skiff_sandbox_setup_terminal (int sock, uid_t owner, bool console, struct skiff_error **err);

/* Child side, inside the container's root: resolves cfg->user, sets up the terminal (see
 * above) or a new session, cuts capabilities to caps, switches user, arranges stdio and fds and
 * execs cfg->argv.  Returns only on failure. */
int skiff_sandbox_exec_process (const struct skiff_sandbox_config *cfg,
                                const struct skiff_sandbox_security *sec, int sock, bool console,
                                struct skiff_error **err);

/* Child side, before anything it does can be steered by the container: closes every fd but
 * 0-2, the preserved ones (3 .. 3+preserve_fds-1), cfg's stdio sources and keep[0..nkeep-1]
 * (-1 entries ignored; at most 5).  The CLI's and the monitor's fds (store and container
 * directories, locks, logs) would otherwise be reachable as /proc/self/fd/N, e.g. as the
 * working directory (CVE-2024-21626). */
int skiff_sandbox_close_fds (const struct skiff_sandbox_config *cfg, const int *keep, size_t nkeep,
                             struct skiff_error **err);
/* After chdir (cwd: what was asked, for the message): fails unless the working directory is
 * reachable from the process's root, i.e. inside the container. */
int skiff_sandbox_check_cwd (const char *cwd, struct skiff_error **err);

/* ---- init.c: --init ---- */

/* Child side, instead of the command's execve (after everything else): forks the command
 * (path, argv, env) as PID 2 and stays as its init, never to return.  Returns only when the
 * fork fails. */
int skiff_sandbox_run_init (const char *path, char *const *argv, char *const *env, int report_fd,
                            struct skiff_error **err);

/* Child side: reports err over sock (one datagram) and exits with its exit code. */
void skiff_sandbox_child_fail (int sock, struct skiff_error *err) __attribute__ ((noreturn));

/* Parent side: reads the child's messages until EOF (it exec'd: returns 0) or a failure report
 * (the child is reaped, *err gets its message and exit code).  With cfg->terminal the master
 * must have come on the way (else the child is killed): it goes to *cfg->terminal_master. */
int skiff_sandbox_await_exec (int sock, pid_t child, const struct skiff_sandbox_config *cfg,
                              struct skiff_error **err);

/* ---- cgroup_join.c: exec joins the cgroups of the container's PID 1 ---- */

/* Pure: the directory of cgroup `path` of the hierarchy with these controllers (v1: "memory",
 * "cpu,cpuacct", "name=systemd"; "" = the v2 hierarchy), under its mount in the mountinfo text.
 * NULL when no mount shows it.  Caller frees. */
char *skiff_sandbox_cgroup_dir (const char *mountinfo, const char *controllers, const char *path);

/* Moves the calling process into every cgroup of target that differs from its own (by
 * writing to cgroup.procs).  Rootless callers without the right to do so stay where they are. */
int skiff_sandbox_join_cgroups (pid_t target, struct skiff_error **err);

/* ---- limits.c: child side, resources ---- */

struct skiff_sandbox_limits;
/* Once the child is in its cgroup, before the exec: the private cgroup namespace, the
 * /sys/fs/cgroup mount and the rlimits (l may be NULL: nothing). */
int skiff_sandbox_limits_in_cgroup (const struct skiff_sandbox_limits *l, struct skiff_error **err);
/* Writes each checked key=value to /proc/sys (in the namespaces the child is in by now). */
int skiff_sandbox_set_sysctls (const struct skiff_sandbox_limits *l, struct skiff_error **err);
/* /dev/shm in the fresh /dev (dev_fd): a tmpfs of --shm-size (64 MiB), the host's (--ipc=host)
 * or another container's (--ipc=container:), none for --ipc=none. */
int skiff_sandbox_mount_shm (int dev_fd, const struct skiff_sandbox_limits *l,
                             struct skiff_error **err);
/* The --device nodes in /dev: mknod as the host's, or (rootless) a bind of it. */
int skiff_sandbox_add_devices (int dev_fd, const struct skiff_sandbox_limits *l, bool rootless,
                               struct skiff_error **err);

/* ---- namespaces.c: the namespace modes ---- */

#define SKIFF_SANDBOX_NS_JOINED 3 /* ipc, uts, cgroup: joined by the child */
/* CLONE_NEW* flags of the clone (without CLONE_NEWNET, decided by the network settings). */
unsigned long skiff_sandbox_ns_clone_flags (const struct skiff_sandbox_limits *l);
/* Parent, before the clone: fds of the namespaces the child joins (-1: none). */
int skiff_sandbox_ns_open (const struct skiff_sandbox_limits *l, int fds[SKIFF_SANDBOX_NS_JOINED],
                           struct skiff_error **err);
void skiff_sandbox_ns_close (int fds[SKIFF_SANDBOX_NS_JOINED]);
/* Child: setns into each, then closes them. */
int skiff_sandbox_ns_join (int fds[SKIFF_SANDBOX_NS_JOINED], struct skiff_error **err);
/* Parent: --pid=container: makes the clone's child a member of that PID namespace; *saved
 * (-1: nothing done) goes back with _leave_pid right after the clone. */
int skiff_sandbox_ns_enter_pid (const struct skiff_sandbox_limits *l, int *saved,
                                struct skiff_error **err);
void skiff_sandbox_ns_leave_pid (int saved);
/* Child, once in its cgroup: a private cgroup namespace rooted there (--cgroupns=private). */
int skiff_sandbox_ns_unshare_cgroup (const struct skiff_sandbox_limits *l,
                                     struct skiff_error **err);

/* ---- cgroup_mount.c: child side, after pivot_root, in its cgroup ---- */

/* /sys/fs/cgroup, read-only, showing only the container's own cgroups (v1/hybrid: a tmpfs
 * with a directory per hierarchy; v2: cgroup2). */
int skiff_sandbox_mount_cgroupfs (bool v2, struct skiff_error **err);
