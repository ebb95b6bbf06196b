#pragma once
/* Starting a container's process: fresh PID, mount, network, UTS and IPC namespaces, an overlay
 * rootfs, pivot_root, proc/sys/dev, hostname, user switch, exec.  The caller (the CLI in the
 * foreground, the monitor when detached) is the parent of the container's PID 1. */

#include <stdbool.h>
#include <sys/types.h>

struct skiff_error;

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
  char *const *argv; /* argv[0] is looked up in the container's PATH from env if no '/' */
  char *const *env;  /* "K=V"; HOME is added from the container's /etc/passwd if absent */
  const char *cwd;   /* absolute; created if missing */
  const char *user;  /* "user[:group]", names resolved in the rootfs; NULL/"" = root */

  /* stdio for the process: -1 = inherit the caller's */
  int stdin_fd, stdout_fd, stderr_fd;
};

/* Clones the sandboxed child and waits until it has exec'd the command (or failed).  On
 * failure the error carries exit_code 127 (command not found), 126 (not executable) or 125
 * (engine failure), and no process is left.  On success *pid is the container's PID 1 as seen
 * from the caller. */
int skiff_sandbox_spawn (const struct skiff_sandbox_config *cfg, pid_t *pid,
                         struct skiff_error **err);

/* Converts a waitpid status to a shell-style exit code: code, or 128+signal. */
int skiff_sandbox_exit_code (int wait_status);
