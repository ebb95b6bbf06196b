/* --init: the container's PID 1 is a forked copy of skiff, the command its child (PID 2).
 * The copy stays non-dumpable (set before the user switch, never reset since it does not
 * exec): the container cannot open its /proc/1/exe (the host's skiff), mem, maps or fd/
 * without CAP_SYS_PTRACE in the host's user namespace.  It shows itself as `skiff-init` (comm
 * and cmdline: the CLI's argv is not the container's business) and holds no host fd: only
 * stderr stays open, stdin and stdout become /dev/null.  It runs the command in a process group
 * of its own, forwards every signal it gets to that group (tini and catatonit with -g), reaps
 * every child (orphans are re-parented to it) and exits with the command's status, 128+N for
 * signal N.  An exec failure of the command goes over the report socket like that of a PID 1
 * without an init, so `run --init IMG /bad` reads the same.  The PID 1 cannot exec a sealed
 * memfd copy of skiff (as `exec` does): skiff is linked dynamically and the container's root
 * has no loader for it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

/* Signals the kernel raises for a fault of the init itself: left unblocked (tini's list). */
static const int synchronous_signals[]
    = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS };

/* PID 2: its own process group (the terminal's foreground one, if it has a terminal), the
 * signal mask of a fresh process, then the command. */
static void __attribute__ ((noreturn))
run_command (const char *path, char *const *argv, char *const *env, int report_fd)
{
  struct skiff_error *err = NULL;
  if (setpgid (0, 0) < 0)
    {
      skiff_error_make (&err, errno, "init: setpgid");
      skiff_sandbox_child_fail (report_fd, err);
    }
  /* SIGTTOU is still blocked: a background group may take the terminal over */
  if (isatty (STDIN_FILENO) && tcsetpgrp (STDIN_FILENO, getpid ()) < 0)
    {
      skiff_error_make (&err, errno, "init: make the command the terminal's foreground");
      skiff_sandbox_child_fail (report_fd, err);
    }
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  execve (path, argv, env);
  skiff_exec_error (&err, argv[0], errno);
  skiff_sandbox_child_fail (report_fd, err);
}

/* The argv area of /proc/self/stat (fields 48 and 49): the CLI's arguments, which are now
 * PID 1's /proc/1/cmdline in the container. */
static bool
argv_area (unsigned long *start, unsigned long *end)
{
  _cleanup_free_ char *stat = NULL;
  size_t len = 0;
  struct skiff_error *err = NULL;
  if (skiff_fs_read_file ("/proc/self/stat", &stat, &len, &err) < 0)
    {
      skiff_error_free (err);
      return false;
    }
  char *p = strrchr (stat, ')'); /* after comm, which may hold anything */
  for (int field = 2; p != NULL && field < 48; field++)
    p = strchr (p + 1, ' ');
  return p != NULL && sscanf (p, " %lu %lu", start, end) == 2 && *end > *start;
}

/* "skiff-init -- COMMAND ARGS" as comm and cmdline, truncated to the CLI's argv area.  Its
 * last byte stays non-NUL, which makes the kernel read the title up to the first NUL
 * (setproctitle's convention). */
static void
set_title (char *const *argv)
{
  prctl (PR_SET_NAME, "skiff-init");
  unsigned long start, end;
  if (!argv_area (&start, &end))
    return;
  char *area = (char *)start;
  size_t size = end - start, n = 0;
  memset (area, ' ', size);
  const char *head[] = { "skiff-init", "--" };
  for (size_t i = 0; n + 1 < size && (i < 2 || argv[i - 2] != NULL); i++)
    {
      const char *word = i < 2 ? head[i] : argv[i - 2];
      size_t w = strlen (word);
      if (n + w + 2 > size)
        w = size - n - 2;
      memcpy (area + n, word, w);
      n += w + 1;
    }
  area[n > 0 ? n - 1 : 0] = '\0';
}

/* Stdin and stdout are the command's; the init keeps only stderr, for its own last words. */
static void
drop_own_fds (void)
{
  int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0)
    {
      dup2 (null_fd, STDIN_FILENO);
      dup2 (null_fd, STDOUT_FILENO);
    }
  close_range (3, ~0U, 0);
}

/* Reaps every child that has exited; returns true once `command` is among them. */
static bool
reap (pid_t command, int *status)
{
  bool done = false;
  for (;;)
    {
      int st;
      pid_t p = waitpid (-1, &st, WNOHANG);
      if (p <= 0)
        return done; /* 0: others still run; ECHILD: none left */
      if (p == command)
        {
          *status = st;
          done = true;
        }
    }
}

/* The pages of skiff and its libraries that the CLI touched stay resident in this copy: drops
 * the clean ones (read-only file mappings without private copies, per /proc/self/smaps); the
 * few the loop needs fault back in. */
static void
drop_file_pages (void)
{
  _cleanup_free_ char *smaps = NULL;
  size_t len = 0;
  struct skiff_error *err = NULL;
  if (skiff_fs_read_file ("/proc/self/smaps", &smaps, &len, &err) < 0)
    {
      skiff_error_free (err);
      return;
    }
  unsigned long start = 0, end = 0, inode = 0, anon;
  char perms[5] = "";
  for (char *line = smaps; line != NULL && *line != '\0';)
    {
      char *next = strchr (line, '\n');
      unsigned long s, e, i; /* "Anonymous:" starts with a hex digit: parse apart */
      char p[5];
      if (sscanf (line, "%lx-%lx %4s %*s %*s %lu", &s, &e, p, &i) == 4)
        {
          start = s, end = e, inode = i;
          memcpy (perms, p, sizeof perms);
        }
      else if (sscanf (line, "Anonymous: %lu", &anon) == 1 && anon == 0 && inode != 0
               && perms[1] != 'w' && perms[3] == 'p')
        madvise ((void *)start, end - start, MADV_DONTNEED);
      line = next ? next + 1 : NULL;
    }
}

static int
supervise (pid_t command, int sfd)
{
  int status = 0;
  for (;;)
    {
      struct signalfd_siginfo si;
      ssize_t n = read (sfd, &si, sizeof si);
      if (n < 0 && errno == EINTR)
        continue;
      if (n != (ssize_t)sizeof si)
        {
          fprintf (stderr, "skiff-init: read signalfd: %s\n", strerror (errno));
          kill (-command, SIGKILL);
          return 125;
        }
      if (si.ssi_signo == SIGCHLD)
        {
          if (reap (command, &status))
            return skiff_sandbox_exit_code (status);
          continue;
        }
      /* the group, as tini -g; a command that left it still gets the signal itself */
      if (kill (-command, (int)si.ssi_signo) < 0)
        kill (command, (int)si.ssi_signo);
    }
}

int
skiff_sandbox_run_init (const char *path, char *const *argv, char *const *env, int report_fd,
                        struct skiff_error **err)
{
  sigset_t all;
  sigfillset (&all);
  for (size_t i = 0; i < sizeof synchronous_signals / sizeof synchronous_signals[0]; i++)
    sigdelset (&all, synchronous_signals[i]);
  if (sigprocmask (SIG_SETMASK, &all, NULL) < 0)
    return skiff_error_make (err, errno, "init: block signals");
  pid_t command = fork ();
  if (command < 0)
    return skiff_error_make (err, errno, "init: fork the command");
  if (command == 0)
    run_command (path, argv, env, report_fd);
  setpgid (command, command); /* also here: a signal may come before the child's own call */
  set_title (argv);
  drop_own_fds (); /* the report socket too: EOF once the command has exec'd */
  int sfd = signalfd (-1, &all, SFD_CLOEXEC);
  if (sfd < 0)
    {
      fprintf (stderr, "skiff-init: signalfd: %s\n", strerror (errno));
      kill (-command, SIGKILL);
      _exit (125);
    }
  drop_file_pages ();
  _exit (supervise (command, sfd));
}
