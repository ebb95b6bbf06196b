/* skiff_sandbox_exec_in: a new process inside a running container (exec).  The caller joins the
 * cgroups and namespaces of the container's PID 1 (its user namespace was joined before, by
 * skiff_userns_join, when rootless), then forks: only children enter a joined PID namespace.
 * The child chroots to PID 1's root and goes through the same user/capability/terminal steps as
 * a container's first process (skiff_sandbox_exec_process), reporting over the same channel. */
#include "skiff/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/userns.h"

/* Joined in this order; the user namespace is not here (see above). */
static const struct
{
  const char *name;
  int type;
} namespaces[] = {
  { "mnt", CLONE_NEWNS },  { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
  { "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP },
};
#define N_NS (sizeof namespaces / sizeof namespaces[0])

static bool
same_file (int fd, const char *path)
{
  struct stat a, b;
  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_dev == b.st_dev
         && a.st_ino == b.st_ino;
}

static void
close_all (int fds[N_NS])
{
  for (size_t i = 0; i < N_NS; i++)
    skiff_closep (&fds[i]);
}

/* Opens target's namespaces while /proc is still ours; those we already share stay -1 (setns
 * to one's own user or mount namespace is refused or pointless). */
static int
open_namespaces (pid_t target, int fds[N_NS], struct skiff_error **err)
{
  for (size_t i = 0; i < N_NS; i++)
    {
      char path[64], self[64];
      snprintf (path, sizeof path, "/proc/%d/ns/%s", (int)target, namespaces[i].name);
      snprintf (self, sizeof self, "/proc/self/ns/%s", namespaces[i].name);
      fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        {
          int e = errno;
          close_all (fds);
          return skiff_error_make (err, e, "open %s", path);
        }
      if (same_file (fds[i], self))
        skiff_closep (&fds[i]);
    }
  return 0;
}

static int
join_namespaces (pid_t target, int fds[N_NS], struct skiff_error **err)
{
  for (size_t i = 0; i < N_NS; i++)
    if (fds[i] >= 0 && setns (fds[i], namespaces[i].type) < 0)
      return skiff_error_make (err, errno, "join the %s namespace of process %d",
                               namespaces[i].name, (int)target);
  return 0;
}

static void __attribute__ ((noreturn))
exec_child (const struct skiff_sandbox_config *cfg, const struct skiff_sandbox_security *sec,
            int root_fd, int sock)
{
  struct skiff_error *err = NULL;
  const char *cwd = cfg->cwd && *cfg->cwd ? cfg->cwd : "/";
  int keep[] = { root_fd, sock };
  umask (0);
  if (skiff_sandbox_close_fds (cfg, keep, 2, &err) < 0)
    ;
  else if (fchdir (root_fd) < 0 || chroot (".") < 0)
    skiff_error_make (&err, errno, "enter the container's root directory");
  else if (chdir (cwd) < 0)
    skiff_error_make_status (&err, 126, errno, "chdir to %s", cwd);
  else if (skiff_sandbox_check_cwd (cwd, &err) == 0)
    skiff_sandbox_exec_process (cfg, sec, sock, false, &err);
  skiff_sandbox_child_fail (sock, err);
}

/* The joining process: enters PID 1's cgroups and namespaces and clones the process with
 * CLONE_PARENT, so that it is the CLI's child (which waits for it and proxies signals to it)
 * while the CLI itself stays in its own cgroups and mount namespace: a CLI left in the
 * container's cgroup would keep it from being removed, and in the container's mount namespace
 * it no longer sees the store (nor could LeakSanitizer read /proc at its exit).  Reports the
 * clone's pid over pid_fd and exits; failures go over sock like the process's own. */
static void __attribute__ ((noreturn))
join_child (pid_t target, const struct skiff_sandbox_config *cfg,
            const struct skiff_sandbox_security *sec, int sock, int pid_fd)
{
  struct skiff_error *err = NULL;
  char root[64];
  int ns[N_NS];
  snprintf (root, sizeof root, "/proc/%d/root", (int)target);
  /* Before the PID namespace, inherited by the clone until its execve: the container's
   * processes may not open its /proc/<pid>/exe (nor fd/, mem...) without CAP_SYS_PTRACE in the
   * user namespace we were executed in, the host's (CVE-2019-5736; the binary behind it is
   * a sealed copy too, see selfexe.h).  skiff_sandbox_exec_process sets it again after the uid
   * switch, which resets it to fs.suid_dumpable. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    {
      skiff_error_make (&err, errno, "make the joining process non-dumpable");
      skiff_sandbox_child_fail (sock, err);
    }
  if (skiff_sandbox_join_cgroups (target, &err) < 0)
    skiff_sandbox_child_fail (sock, err);
  int root_fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    skiff_error_make (&err, errno, "open %s", root);
  else if (open_namespaces (target, ns, &err) == 0)
    {
      int r = join_namespaces (target, ns, &err);
      close_all (ns);
      if (r == 0)
        r = skiff_userns_join_nested (&err);
      if (r == 0)
        {
          pid_t child = (pid_t)syscall (SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
          if (child == 0)
            exec_child (cfg, sec, root_fd, sock);
          if (child > 0 && write (pid_fd, &child, sizeof child) == sizeof child)
            _exit (0);
          skiff_error_make (&err, errno, child < 0 ? "clone" : "report the process's pid");
          if (child > 0)
            kill (child, SIGKILL);
        }
    }
  skiff_sandbox_child_fail (sock, err);
}

/* Reads the pid join_child reports, and reaps join_child. */
static pid_t
read_pid (int pid_fd, pid_t joiner)
{
  pid_t pid = 0;
  ssize_t n;
  while ((n = read (pid_fd, &pid, sizeof pid)) < 0 && errno == EINTR)
    ;
  while (waitpid (joiner, NULL, 0) < 0 && errno == EINTR)
    ;
  return n == sizeof pid ? pid : 0;
}

int
skiff_sandbox_exec_in (pid_t target, const struct skiff_sandbox_config *cfg, pid_t *pid,
                       struct skiff_error **err)
{
  if (cfg->argv == NULL || cfg->argv[0] == NULL)
    return skiff_error_make (err, 0, "no command specified");
  _cleanup_security_ struct skiff_sandbox_security sec = { 0 };
  int r = skiff_sandbox_security_prepare (cfg, &sec, err);
  if (r < 0)
    return r;
  int fds[2], pfd[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return skiff_error_make (err, errno, "socketpair");
  if (pipe2 (pfd, O_CLOEXEC) < 0)
    {
      int e = errno;
      close (fds[0]);
      close (fds[1]);
      return skiff_error_make (err, e, "pipe");
    }
  pid_t joiner = fork ();
  if (joiner == 0)
    {
      close (fds[0]);
      close (pfd[0]);
      join_child (target, cfg, &sec, fds[1], pfd[1]);
    }
  int e = errno;
  close (fds[1]);
  close (pfd[1]);
  _cleanup_close_ int sock = fds[0];
  _cleanup_close_ int pid_fd = pfd[0];
  if (joiner < 0)
    return skiff_error_make (err, e, "fork");
  pid_t child = read_pid (pid_fd, joiner);
  /* no pid: the joiner failed, and its report is on the socket (already reaped: no child) */
  r = skiff_sandbox_await_exec (sock, child > 0 ? child : joiner, cfg, err);
  if (r == 0 && child <= 0)
    r = skiff_error_make (err, EIO, "join the container of process %d", (int)target);
  if (r < 0)
    return r;
  *pid = child;
  return 0;
}
