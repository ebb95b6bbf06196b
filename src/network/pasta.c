/* Rootless networking through pasta (Debian's passt): started by the monitor once PID 1
 * exists, in the foreground as a child that dies with the monitor (PR_SET_PDEATHSIG survives
 * its execve), attached to PID 1's network namespace, where it makes a tap interface with the
 * host's address and routes (--config-net) and relays outbound traffic and the published
 * ports (-t/-u) through sockets of the host side.  Ready when the namespace has its default
 * route; its messages go to containers/<id>/pasta.log, the last one naming a failure. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/ports.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define PASTA_READY_MS 5000

/* The pasta executable from PATH (caller frees), or NULL. */
static char *
find_pasta (void)
{
  const char *path = getenv ("PATH");
  _cleanup_free_ char *copy = xstrdup (path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
  char *save = NULL;
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      char *cand = xasprintf ("%s/pasta", dir);
      if (access (cand, X_OK) == 0)
        return cand;
      free (cand);
    }
  return NULL;
}

int
skiff_pasta_check (struct skiff_error **err)
{
  _cleanup_free_ char *bin = find_pasta ();
  if (bin == NULL)
    return skiff_error_make_status (err, 125, 0,
                                    "--network pasta needs pasta: executable file not found in "
                                    "$PATH (Debian package passt)");
  int fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make_status (err, 125, errno,
                                    "--network pasta needs /dev/net/tun readable and writable "
                                    "by the user (mode 0666)");
  close (fd);
  return 0;
}

/* pasta's -t/-u value for the bindings of proto: "[ADDR/]HOSTPORT:PORT,...", or "none". */
static char *
port_list (const struct skiff_port_binding *v, size_t n, const char *proto)
{
  char *list = NULL;
  for (size_t i = 0; i < n; i++)
    {
      if (strcmp (v[i].proto, proto) != 0)
        continue;
      char *item = v[i].host_ip[0] ? xasprintf ("%s/%u:%u", v[i].host_ip, v[i].host_port, v[i].port)
                                   : xasprintf ("%u:%u", v[i].host_port, v[i].port);
      char *joined = list ? xasprintf ("%s,%s", list, item) : item;
      if (list)
        free (item), free (list);
      list = joined;
    }
  return list ? list : xstrdup ("none");
}

static _Noreturn void
exec_pasta (const char *bin, char **argv, int log_fd, int netns_fd, pid_t parent)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (127);
  sigset_t all;
  sigfillset (&all);
  sigprocmask (SIG_UNBLOCK, &all, NULL);
  /* ignored signals stay ignored across execve, and pasta refuses to start when SIGPIPE
   * already was (signal () returns the old SIG_IGN, which it reads as a failure) */
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
  int null = open ("/dev/null", O_RDWR);
  if (null < 0 || dup2 (null, 0) < 0 || dup2 (log_fd, 1) < 0 || dup2 (log_fd, 2) < 0
      || dup2 (netns_fd, 3) < 0)
    _exit (127);
  close_range (4, ~0U, 0);
  execv (bin, argv);
  dprintf (2, "exec %s: %s\n", bin, strerror (errno));
  _exit (127);
}

/* Whether pid's network namespace has a default route yet (/proc/<pid>/net/route). */
static bool
has_default_route (pid_t pid)
{
  _cleanup_free_ char *path = xasprintf ("/proc/%d/net/route", (int)pid);
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  char line[256], ifname[32];
  unsigned long dest;
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "%31s %lx", ifname, &dest) == 2 && dest == 0)
      return true;
  return false;
}

/* The last line pasta wrote, for an error. */
static char *
last_log_line (int fd)
{
  char buf[1024];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return xstrdup ("exited");
  buf[n] = '\0';
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
    buf[--n] = '\0';
  char *nl = strrchr (buf, '\n');
  return xstrdup (nl ? nl + 1 : buf);
}

static int
wait_ready (pid_t helper, pid_t pid, int log_fd, struct skiff_error **err)
{
  for (int waited = 0; waited < PASTA_READY_MS; waited++)
    {
      int st;
      if (waitpid (helper, &st, WNOHANG) == helper)
        {
          _cleanup_free_ char *why = last_log_line (log_fd);
          return skiff_error_make_status (err, 125, 0, "pasta failed: %s", why);
        }
      if (has_default_route (pid))
        return 0;
      nanosleep (&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
  kill (helper, SIGKILL);
  waitpid (helper, NULL, 0);
  return skiff_error_make_status (err, 125, ETIMEDOUT, "pasta did not configure the network");
}

int
skiff_pasta_start (pid_t pid, const char *log_path, const struct skiff_port_binding *v, size_t n,
                   pid_t *helper, struct skiff_error **err)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (v[i].proto, "sctp") == 0)
      return skiff_error_make_status (err, 125, 0, "pasta cannot publish sctp ports: %u/sctp",
                                      v[i].port);
  _cleanup_free_ char *bin = find_pasta ();
  int r = skiff_pasta_check (err);
  if (r < 0)
    return r;
  _cleanup_close_ int log_fd
      = open (log_path, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (log_fd < 0)
    return skiff_error_make (err, errno, "open %s", log_path);
  /* pasta gets the namespace as fd 3: PID 1 is not dumpable yet, and pasta, having dropped
   * its capabilities, may not open its /proc/<pid>/ns/net itself */
  _cleanup_free_ char *ns_path = xasprintf ("/proc/%d/ns/net", (int)pid);
  _cleanup_close_ int netns_fd = open (ns_path, O_RDONLY | O_CLOEXEC);
  if (netns_fd < 0)
    return skiff_error_make (err, errno, "open %s", ns_path);
  char netns[] = "/proc/self/fd/3";
  _cleanup_free_ char *tcp = port_list (v, n, "tcp");
  _cleanup_free_ char *udp = port_list (v, n, "udp");
  char *argv[] = { "pasta",   "--foreground", "--quiet", "--stderr", "--config-net",
                   "--runas", "0:0",          "-t",      tcp,        "-u",
                   udp,       "-T",           "none",    "-U",       "none",
                   "--netns", netns,          NULL };
  pid_t parent = getpid ();
  pid_t child = fork ();
  if (child < 0)
    return skiff_error_make (err, errno, "fork pasta");
  if (child == 0)
    exec_pasta (bin, argv, log_fd, netns_fd, parent);
  if ((r = wait_ready (child, pid, log_fd, err)) < 0)
    return r;
  *helper = child;
  return 0;
}
