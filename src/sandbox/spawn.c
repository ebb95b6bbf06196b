/* skiff_sandbox_spawn: clone into fresh namespaces, set the rootfs up, switch user, exec.
 * The child reports over a close-on-exec SOCK_SEQPACKET pair: an optional terminal master, then
 * either a failure ('E', exit code, errno, message) or EOF, which means the exec happened. */
#include "skiff/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

#define MSG_ERROR 'E'

struct child_report
{
  char tag; /* MSG_ERROR */
  int exit_code;
  int errnum;
};

/* Sends err to the parent and exits with its code. */
void __attribute__ ((noreturn)) skiff_sandbox_child_fail (int fd, struct skiff_error *err)
{
  if (err == NULL) /* every failure path sets one; never report a failure as an exec */
    skiff_error_make (&err, 0, "container setup failed");
  struct child_report rep = { MSG_ERROR, err->exit_code ? err->exit_code : 125, err->errnum };
  size_t len = strlen (err->msg);
  char buf[sizeof rep + 4096];
  if (len > sizeof buf - sizeof rep)
    len = sizeof buf - sizeof rep;
  memcpy (buf, &rep, sizeof rep);
  memcpy (buf + sizeof rep, err->msg, len);
  /* one datagram: the parent sees it whole */
  if (send (fd, buf, sizeof rep + len, MSG_NOSIGNAL) < 0)
    _exit (rep.exit_code);
  _exit (rep.exit_code);
}

static int
loopback_up (struct skiff_error **err)
{
  _cleanup_close_ int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return skiff_error_make (err, errno, "socket");
  struct ifreq ifr = { 0 };
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    return skiff_error_make (err, errno, "get flags of lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    return skiff_error_make (err, errno, "bring lo up");
  return 0;
}

int
skiff_sandbox_check_cwd (const char *cwd, struct skiff_error **err)
{
  char buf[PATH_MAX];
  /* glibc fails with ENOENT where the kernel says "(unreachable)" */
  if (getcwd (buf, sizeof buf) == NULL || buf[0] != '/')
    return skiff_error_make (err, 0, "working directory %s is outside the container's root", cwd);
  return 0;
}

/* chdir to the working directory, creating it (0755, owned by container root) if missing. */
static int
enter_cwd (const char *cwd, struct skiff_error **err)
{
  if (cwd == NULL || *cwd == '\0')
    return 0;
  if (chdir (cwd) == 0)
    return skiff_sandbox_check_cwd (cwd, err);
  if (errno == ENOENT)
    {
      struct skiff_error *e = NULL;
      if (skiff_fs_mkdir_p (cwd, 0755, &e) == 0 && chdir (cwd) == 0)
        return skiff_sandbox_check_cwd (cwd, err);
      if (e != NULL && e->errnum != ENOTDIR && e->errnum != EEXIST)
        {
          *err = e;
          return skiff_error_ret (e);
        }
      skiff_error_free (e);
    }
  if (errno == ENOTDIR || errno == EEXIST || errno == ENOENT)
    return skiff_error_make (err, 0, "Cannot mkdir: %s is not a directory", cwd);
  return skiff_error_make (err, errno, "chdir %s", cwd);
}

static int
switch_user (const struct skiff_exec_user *u, struct skiff_error **err)
{
  /* a single-id namespace denies setgroups; there is nothing to drop there anyway */
  if (setgroups (u->ngroups, u->groups) < 0
      && !(errno == EPERM && skiff_userns_is_rootless () && skiff_userns_mapped_ids () == 1))
    return skiff_error_make (err, errno, "setgroups");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return skiff_error_make (err, errno, "setgid %u", (unsigned)u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return skiff_error_make (err, errno, "setuid %u", (unsigned)u->uid);
  return 0;
}

/* env plus HOME=<home> when env has no HOME. */
static char **
env_with_home (char *const *env, const char *home)
{
  size_t n = 0;
  for (; env != NULL && env[n] != NULL; n++)
    if (strncmp (env[n], "HOME=", 5) == 0)
      return (char **)env;
  char **out = xmalloc ((n + 2) * sizeof *out);
  for (size_t i = 0; i < n; i++)
    out[i] = env[i];
  out[n] = xasprintf ("HOME=%s", home);
  out[n + 1] = NULL;
  return out;
}

/* Moves the requested fds onto 0/1/2 (clearing close-on-exec), handling overlaps by first
 * duplicating every source above 2. */
static int
setup_stdio (const struct skiff_sandbox_config *cfg, struct skiff_error **err)
{
  int want[3] = { cfg->stdin_fd, cfg->stdout_fd, cfg->stderr_fd };
  int tmp[3];
  for (int i = 0; i < 3; i++)
    {
      tmp[i] = -1;
      if (want[i] >= 0 && (tmp[i] = fcntl (want[i], F_DUPFD_CLOEXEC, 3)) < 0)
        return skiff_error_make (err, errno, "dup fd %d", want[i]);
    }
  for (int i = 0; i < 3; i++)
    if (tmp[i] >= 0 && dup2 (tmp[i], i) < 0)
      return skiff_error_make (err, errno, "dup2 fd %d", want[i]);
  return 0;
}

static int
cmp_int (const void *a, const void *b)
{
  return *(const int *)a - *(const int *)b;
}

int
skiff_sandbox_close_fds (const struct skiff_sandbox_config *cfg, const int *keep, size_t nkeep,
                         struct skiff_error **err)
{
  int kept[8];
  size_t n = 0;
  int stdio[3] = { cfg->stdin_fd, cfg->stdout_fd, cfg->stderr_fd };
  for (size_t i = 0; i < 3 + nkeep && n < sizeof kept / sizeof kept[0]; i++)
    kept[n++] = i < 3 ? stdio[i] : keep[i - 3];
  qsort (kept, n, sizeof kept[0], cmp_int);
  unsigned lo = 3 + cfg->preserve_fds;
  for (size_t i = 0; i < n; i++)
    {
      if (kept[i] < 0 || (unsigned)kept[i] < lo)
        continue;
      if ((unsigned)kept[i] > lo && close_range (lo, (unsigned)kept[i] - 1, 0) < 0)
        return skiff_error_make (err, errno, "close_range");
      lo = (unsigned)kept[i] + 1;
    }
  if (close_range (lo, ~0U, 0) < 0)
    return skiff_error_make (err, errno, "close_range");
  return 0;
}

/* Nothing of the CLI leaks into the container but stdio and the preserved fds. */
static int
limit_fds (unsigned preserve, int report_fd, struct skiff_error **err)
{
  for (unsigned fd = 3; fd < 3 + preserve; fd++)
    if ((int)fd != report_fd && fcntl ((int)fd, F_SETFD, 0) < 0)
      return skiff_error_make (err, errno, "preserve fd %u", fd);
  if (close_range (3 + preserve, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "close_range");
  return 0;
}

/* Signal dispositions and mask as a fresh process expects them (the CLI ignores SIGPIPE, and
 * may block signals it handles with signalfd). */
static void
reset_signals (void)
{
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  for (int s = 1; s < NSIG; s++)
    {
      struct sigaction sa;
      if (sigaction (s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
        signal (s, SIG_DFL);
    }
}

static int
setup_container (const struct skiff_sandbox_config *cfg, struct skiff_error **err)
{
  int r;
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return skiff_error_make (err, errno, "make / private");
  if (!cfg->host_network && cfg->netns_path == NULL && (r = loopback_up (err)) < 0)
    return r;
  if ((r = skiff_sandbox_mount_rootfs (cfg, err)) < 0
      || (r = skiff_sandbox_pivot (cfg->mergeddir, err)) < 0)
    return r;
  if (cfg->hostname != NULL && sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
    return skiff_error_make (err, errno, "sethostname %s", cfg->hostname);
  return enter_cwd (cfg->cwd, err);
}

/* The user switch and stdio, then exec: after pivot_root, as container root. */
int
skiff_sandbox_exec_process (const struct skiff_sandbox_config *cfg,
                            const struct skiff_sandbox_security *sec, int fd, bool console,
                            struct skiff_error **err)
{
  struct skiff_exec_user user = { 0 };
  int r = skiff_user_resolve (cfg->user, cfg->group_add, "/etc/passwd", "/etc/group", &user, err);
  if (r == 0)
    r = skiff_user_check_mapped (&user, skiff_userns_mapped_ids (), skiff_userns_mapped_gids (),
                                 err);
  if (r < 0)
    return r;
  if (cfg->terminal)
    r = skiff_sandbox_setup_terminal (fd, user.uid, console, err);
  else if (setsid () < 0)
    r = skiff_error_make (err, errno, "setsid");
  /* before the exec: the process must not see 0x0 before the client's first resize */
  struct winsize ws = { .ws_row = cfg->terminal_rows, .ws_col = cfg->terminal_cols };
  if (r == 0 && cfg->terminal && ws.ws_col > 0 && ioctl (0, TIOCSWINSZ, &ws) < 0)
    r = skiff_error_make (err, errno, "set the terminal size");
  if (r < 0 || (r = skiff_sandbox_security_before_user (cfg, sec, user.uid, err)) < 0
      || (r = switch_user (&user, err)) < 0
      || (r = skiff_sandbox_security_after_user (sec, user.uid, err)) < 0
      || (!cfg->terminal && (r = setup_stdio (cfg, err)) < 0)
      || (r = limit_fds (cfg->preserve_fds, fd, err)) < 0)
    return r;
  const char *cmd = cfg->argv[0];
  char *path = skiff_exec_lookup (cmd, skiff_env_path (cfg->env));
  if (path == NULL)
    return skiff_exec_error (err, cmd, 0);
  char **env = env_with_home (cfg->env, user.home);
  /* the user switch cleared it */
  if (cfg->parent_death_signal && prctl (PR_SET_PDEATHSIG, cfg->parent_death_signal) < 0)
    return skiff_error_make (err, errno, "set the parent death signal");
  reset_signals ();
  umask (022);
  if ((r = skiff_sandbox_security_before_exec (cfg, sec, err)) < 0)
    return r;
  if (cfg->init)
    return skiff_sandbox_run_init (path, cfg->argv, env, fd, err);
  execve (path, cfg->argv, env);
  return skiff_exec_error (err, cmd, errno);
}

static void __attribute__ ((noreturn))
child_main (const struct skiff_sandbox_config *cfg, const struct skiff_sandbox_security *sec,
            int fd, int netns_fd, int ns_fds[SKIFF_SANDBOX_NS_JOINED])
{
  struct skiff_error *err = NULL;
  char go;
  umask (0);
  if (cfg->parent_death_signal)
    prctl (PR_SET_PDEATHSIG, cfg->parent_death_signal);
  int keep[] = { fd, netns_fd, ns_fds[0], ns_fds[1], ns_fds[2] };
  if (skiff_sandbox_close_fds (cfg, keep, 5, &err) < 0)
    skiff_sandbox_child_fail (fd, err);
  if (netns_fd >= 0 && setns (netns_fd, CLONE_NEWNET) < 0)
    skiff_error_make (&err, errno, "join network namespace %s", cfg->netns_path);
  else if (skiff_sandbox_ns_join (ns_fds, &err) == 0
           /* through the host's /proc, which acts on the namespaces we are in now */
           && skiff_sandbox_set_sysctls (cfg->limits, &err) == 0
           && setup_container (cfg, &err) == 0)
    {
      /* the parent's hook (cgroups) ran meanwhile: nothing of the container's runs before */
      if (cfg->before_start != NULL && recv (fd, &go, 1, 0) != 1)
        _exit (125); /* the parent gave up and kills us */
      if (skiff_sandbox_limits_in_cgroup (cfg->limits, &err) == 0
          && skiff_sandbox_userns_child (cfg, fd, &err) == 0
          && skiff_sandbox_chown_mounts (cfg, &err) == 0)
        skiff_sandbox_exec_process (cfg, sec, fd, true, &err);
    }
  skiff_sandbox_child_fail (fd, err);
}

/* Receives one message, with an fd if one is attached (*fd, else -1). */
static ssize_t
recv_msg (int sock, char *buf, size_t size, int *fd)
{
  union
  {
    char b[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = buf, .iov_len = size };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
  ssize_t n;
  *fd = -1;
  /* ECONNRESET: the child exited with a byte of ours unread ("G", when it failed first); the
   * error is reported once, ahead of what it had queued, which the next call still reads */
  int resets = 0;
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0
         && (errno == EINTR || (errno == ECONNRESET && resets++ == 0)))
    ;
  struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR (&msg) : NULL;
  if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
    memcpy (fd, CMSG_DATA (c), sizeof *fd);
  return n;
}

static int
report_error (const char *buf, ssize_t n, struct skiff_error **err)
{
  if (n < (ssize_t)sizeof (struct child_report) || buf[0] != MSG_ERROR)
    return skiff_error_make (err, n < 0 ? errno : EIO, "read the container's setup status");
  struct child_report rep;
  memcpy (&rep, buf, sizeof rep);
  int r = skiff_error_make_status (err, rep.exit_code, 0, "%.*s", (int)(n - (ssize_t)sizeof rep),
                                   buf + sizeof rep);
  if (*err != NULL)
    (*err)->errnum = rep.errnum;
  return rep.errnum > 0 ? -rep.errnum : r;
}

static void kill_child (pid_t child);

/* Reads the child's messages until EOF (it exec'd: returns 0) or a failure report (the child
 * is reaped).  A terminal master is stored in *master. */
static int
read_report (const struct skiff_sandbox_config *cfg, int sock, pid_t pid, int *master,
             struct skiff_error **err)
{
  char buf[sizeof (struct child_report) + 4096];
  for (;;)
    {
      int fd;
      ssize_t n = recv_msg (sock, buf, sizeof buf, &fd);
      if (n == 0)
        return 0;
      if (n > 0 && buf[0] == SKIFF_SANDBOX_MSG_TERMINAL && fd >= 0 && *master < 0)
        {
          *master = fd;
          continue;
        }
      if (fd >= 0)
        close (fd);
      if (n == 1 && buf[0] == SKIFF_SANDBOX_MSG_USERNS && cfg->userns_mode)
        {
          if (skiff_sandbox_userns_write_maps (cfg, pid, sock, err) == 0)
            continue;
          kill_child (pid);
          return -EIO;
        }
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
      return report_error (buf, n, err);
    }
}

static void
kill_child (pid_t child)
{
  kill (child, SIGKILL);
  while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Runs the caller's hook while the child sets the rootfs up (the two overlap: the cgroups cost
 * about as much as the mounts), then lets it run the container's process.  A child that
 * failed meanwhile is what the hook then failed on (it is gone): its own report wins. */
static int
before_start (const struct skiff_sandbox_config *cfg, pid_t child, int sock,
              struct skiff_error **err)
{
  if (cfg->before_start == NULL)
    return 0;
  struct skiff_error *hook_err = NULL;
  int r = cfg->before_start (child, cfg->before_start_data, &hook_err);
  if (r == 0 && send (sock, "G", 1, MSG_NOSIGNAL) != 1)
    r = skiff_error_make (&hook_err, errno, "resume the container's setup");
  if (r == 0)
    return 0;
  kill_child (child);
  char buf[sizeof (struct child_report) + 4096];
  int fd;
  ssize_t n = recv_msg (sock, buf, sizeof buf, &fd); /* the child is gone: does not block */
  if (fd >= 0)
    close (fd);
  if (n >= (ssize_t)sizeof (struct child_report) && buf[0] == MSG_ERROR)
    {
      skiff_error_free (hook_err);
      return report_error (buf, n, err);
    }
  *err = hook_err;
  return r;
}

int
skiff_sandbox_await_exec (int sock, pid_t child, const struct skiff_sandbox_config *cfg,
                          struct skiff_error **err)
{
  _cleanup_close_ int master = -1;
  int r = read_report (cfg, sock, child, &master, err);
  if (r < 0)
    return r;
  if (cfg->terminal && master < 0)
    {
      kill_child (child);
      return skiff_error_make (err, EIO, "receive the process's terminal");
    }
  if (cfg->terminal_master != NULL)
    *cfg->terminal_master = steal_fd (&master);
  return 0;
}

int
skiff_sandbox_spawn (const struct skiff_sandbox_config *cfg, pid_t *pid, struct skiff_error **err)
{
  if (cfg->argv == NULL || cfg->argv[0] == NULL)
    return skiff_error_make (err, 0, "no command specified");
  _cleanup_security_ struct skiff_sandbox_security sec = { 0 };
  int r = skiff_sandbox_security_prepare (cfg, &sec, err);
  if (r < 0)
    return r;
  _cleanup_close_ int netns_fd = -1;
  if (cfg->netns_path != NULL && (netns_fd = open (cfg->netns_path, O_RDONLY | O_CLOEXEC)) < 0)
    return skiff_error_make (err, errno, "open %s", cfg->netns_path);
  int ns_fds[SKIFF_SANDBOX_NS_JOINED], saved_pidns;
  if ((r = skiff_sandbox_ns_open (cfg->limits, ns_fds, err)) < 0)
    return r;
  if ((r = skiff_sandbox_ns_enter_pid (cfg->limits, &saved_pidns, err)) < 0)
    {
      skiff_sandbox_ns_close (ns_fds);
      return r;
    }
  int fds[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    {
      skiff_sandbox_ns_leave_pid (saved_pidns);
      skiff_sandbox_ns_close (ns_fds);
      return skiff_error_make (err, errno, "socketpair");
    }
  unsigned long flags = skiff_sandbox_ns_clone_flags (cfg->limits) | SIGCHLD;
  if (!cfg->host_network && cfg->netns_path == NULL)
    flags |= CLONE_NEWNET;
  /* fork-like clone: the child runs on a copy of this stack */
  pid_t child = (pid_t)syscall (SYS_clone, flags, NULL, NULL, NULL, NULL);
  if (child == 0)
    {
      close (fds[0]);
      child_main (cfg, &sec, fds[1], netns_fd, ns_fds);
    }
  int clone_errno = errno;
  skiff_sandbox_ns_leave_pid (saved_pidns);
  skiff_sandbox_ns_close (ns_fds);
  if (child < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return skiff_error_make (err, clone_errno, "clone");
    }
  close (fds[1]);
  r = before_start (cfg, child, fds[0], err);
  if (r == 0)
    r = skiff_sandbox_await_exec (fds[0], child, cfg, err);
  close (fds[0]);
  if (r < 0)
    return r;
  *pid = child;
  return 0;
}

int
skiff_sandbox_exit_code (int wait_status)
{
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  return 125;
}
