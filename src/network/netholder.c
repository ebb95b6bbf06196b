/* The rootless network holder (see skiff/netholder.h).  Its record, <runroot>/netns.holder,
 * names the holder's pid and start time; <runroot>/netns.lock is held shared by every command
 * and monitor that needs the namespace, and the holder waits to take it exclusive: once it
 * has it nobody needs it, so it drops the record and exits (the namespace, its bridges and
 * veths go with it).  <runroot>/netns.create.lock serialises the making of a holder. */
#include "skiff/netholder.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/store.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

static pid_t holder_pid = -1;
static unsigned long long holder_start;
static int lock_fd = -1;

/* The running holder named by the record, or -1. */
static pid_t
read_record (const char *path, unsigned long long *start)
{
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  int pid;
  if (f == NULL || fscanf (f, "%d %llu", &pid, start) != 2 || pid <= 1
      || !skiff_container_pid_alive (pid, *start))
    return -1;
  return pid;
}

/* What the holder tells its maker: 0 and its pid, or the errno that stopped it. */
struct holder_report
{
  int errnum;
  int pid;
};

static _Noreturn void
holder_fail (int ready, int e)
{
  struct holder_report m = { .errnum = e ? e : EIO, .pid = 0 };
  if (write (ready, &m, sizeof m) < 0)
    _exit (1);
  _exit (1);
}

/* The holder itself: a namespace with loopback up, then a wait for the exclusive lock. */
static _Noreturn void
holder_main (int ready, const char *lock_path, const char *record_path)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  for (int i = 0; i < 3 && null >= 0; i++)
    dup2 (null, i);
  /* the creator's shared lock must not be ours: keep nothing but the pipe */
  if (ready > 3)
    close_range (3, (unsigned)ready - 1, 0);
  close_range ((unsigned)ready + 1, ~0U, 0);
  prctl (PR_SET_NAME, "skiff-netns");
  if (chdir ("/") < 0 || unshare (CLONE_NEWNET) < 0)
    holder_fail (ready, errno);
  struct skiff_nl nl = { 0 };
  struct skiff_error *e = NULL;
  unsigned lo = if_nametoindex ("lo");
  if (lo == 0 || skiff_nl_open (&nl, &e) < 0 || skiff_nl_link_up (&nl, "lo", lo, &e) < 0)
    holder_fail (ready, e ? e->errnum : errno);
  skiff_nl_close (&nl);
  int lock = open (lock_path, O_RDWR | O_CLOEXEC);
  if (lock < 0)
    holder_fail (ready, errno);
  struct holder_report m = { .errnum = 0, .pid = getpid () };
  if (write (ready, &m, sizeof m) != sizeof m)
    _exit (1);
  close (ready);
  while (flock (lock, LOCK_EX) < 0)
    if (errno != EINTR)
      _exit (1);
  unsigned long long start;
  if (read_record (record_path, &start) == getpid ())
    unlink (record_path);
  _exit (0);
}

/* Records the holder (pid and start time, so a recycled pid is never taken for it). */
static int
record_holder (const char *record_path, pid_t pid, struct skiff_error **err)
{
  unsigned long long start = skiff_container_pid_start_time (pid);
  _cleanup_free_ char *text = xasprintf ("%d %llu\n", (int)pid, start);
  int r = skiff_fs_write_atomic (record_path, text, strlen (text), 0600, 0, err);
  if (r == 0)
    holder_pid = pid, holder_start = start;
  return r;
}

/* Starts the holder (detached: a new session, reparented once its first fork exits) in the
 * user namespace this process is in, and records it. */
static int
start_holder (const char *lock_path, const char *record_path, struct skiff_error **err)
{
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  pid_t first = fork ();
  if (first < 0)
    {
      int e = errno;
      close (fds[0]), close (fds[1]);
      return skiff_error_make (err, e, "fork the network namespace holder");
    }
  if (first == 0)
    {
      close (fds[0]);
      pid_t holder = setsid () < 0 ? -1 : fork ();
      if (holder == 0)
        holder_main (fds[1], lock_path, record_path);
      _exit (holder < 0 ? 1 : 0);
    }
  close (fds[1]);
  int st;
  while (waitpid (first, &st, 0) < 0 && errno == EINTR)
    ;
  struct holder_report m = { .errnum = EIO, .pid = 0 };
  ssize_t got = read (fds[0], &m, sizeof m);
  close (fds[0]);
  if (got != sizeof m || m.errnum != 0 || m.pid <= 1)
    return skiff_error_make_status (err, 125, got == sizeof m ? m.errnum : EIO,
                                    "start the rootless network namespace");
  return record_holder (record_path, m.pid, err);
}

static bool
same_userns (pid_t pid)
{
  char path[48];
  struct stat a, b;
  snprintf (path, sizeof path, "/proc/%d/ns/user", (int)pid);
  return stat (path, &a) == 0 && stat ("/proc/self/ns/user", &b) == 0 && a.st_ino == b.st_ino
         && a.st_dev == b.st_dev;
}

static int
join_holder (pid_t pid, unsigned long long start, struct skiff_error **err)
{
  int r = skiff_userns_join (pid, err);
  if (r < 0)
    return skiff_error_prefix (err, "join the rootless network namespace's user namespace");
  /* a mount namespace of our own, owned by that user namespace, as skiff_userns_enter makes */
  if (unshare (CLONE_NEWNS) < 0)
    return skiff_error_make (err, errno, "create a mount namespace");
  holder_pid = pid;
  holder_start = start;
  return 0;
}

int
skiff_netholder_enter (struct skiff_store *store, bool create, struct skiff_error **err)
{
  if (!skiff_userns_is_rootless () || holder_pid > 0)
    return 0;
  _cleanup_free_ char *lock_path = skiff_store_runpath (store, "netns.lock");
  _cleanup_free_ char *record_path = skiff_store_runpath (store, "netns.holder");
  int shared = skiff_lock_acquire (lock_path, SKIFF_LOCK_SHARED, err);
  if (shared < 0)
    return shared;
  unsigned long long start;
  pid_t pid = read_record (record_path, &start);
  if (skiff_userns_entered ())
    {
      /* in a container's namespace already (run --network container:X): the holder's
       * if X is on a bridge */
      if (pid > 0 && same_userns (pid))
        holder_pid = pid, holder_start = start, lock_fd = shared;
      else
        skiff_lock_release (shared);
      return 0;
    }
  if (pid < 0 && !create)
    {
      skiff_lock_release (shared);
      return 0;
    }
  int r = 0;
  int creating = -1;
  if (pid < 0)
    {
      _cleanup_free_ char *create_path = skiff_store_runpath (store, "netns.create.lock");
      if ((creating = skiff_lock_acquire (create_path, SKIFF_LOCK_EXCLUSIVE, err)) < 0)
        {
          skiff_lock_release (shared);
          return creating;
        }
      pid = read_record (record_path, &start); /* made meanwhile by another command */
    }
  if (pid > 0)
    r = join_holder (pid, start, err);
  else if ((r = skiff_userns_enter (err)) == 0)
    r = start_holder (lock_path, record_path, err);
  if (creating >= 0)
    skiff_lock_release (creating);
  if (r < 0)
    {
      skiff_lock_release (shared);
      return r;
    }
  lock_fd = shared;
  return 0;
}

bool
skiff_netholder_joined (void)
{
  return holder_pid > 0;
}

int
skiff_netholder_lock_fd (void)
{
  return lock_fd;
}

void
skiff_netholder_set_lock_fd (int fd)
{
  lock_fd = fd;
}

/* The holder's network namespace, opened (and checked to still be the holder's). */
static int
open_netns (struct skiff_error **err)
{
  if (holder_pid <= 0)
    return skiff_error_make_status (err, 125, 0,
                                    "rootless bridge networking: skiff's network namespace "
                                    "is not running for this command");
  char path[48];
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int)holder_pid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || skiff_container_pid_start_time (holder_pid) != holder_start)
    {
      int e = fd < 0 ? errno : ESRCH;
      if (fd >= 0)
        close (fd);
      return skiff_error_make_status (err, 125, e, "the rootless network namespace is gone");
    }
  return fd;
}

struct netns_call
{
  int (*fn) (void *arg, struct skiff_error **err);
  void *arg;
  int netns;
  int r;
  struct skiff_error *err;
};

static void *
netns_thread (void *data)
{
  struct netns_call *c = data;
  /* a network namespace is a thread's own: the process stays where its ports listen */
  if (setns (c->netns, CLONE_NEWNET) < 0)
    c->r = skiff_error_make (&c->err, errno, "enter the rootless network namespace");
  else
    c->r = c->fn (c->arg, &c->err);
  return NULL;
}

int
skiff_netholder_call (int (*fn) (void *arg, struct skiff_error **err), void *arg,
                      struct skiff_error **err)
{
  if (!skiff_userns_is_rootless ())
    return fn (arg, err);
  struct netns_call c = { .fn = fn, .arg = arg, .netns = open_netns (err), .r = 0, .err = NULL };
  if (c.netns < 0)
    return c.netns;
  pthread_t t;
  int e = pthread_create (&t, NULL, netns_thread, &c);
  if (e == 0)
    e = pthread_join (t, NULL);
  close (c.netns);
  if (e != 0)
    {
      skiff_error_free (c.err);
      return skiff_error_make (err, e, "start a thread for the rootless network namespace");
    }
  if (c.r < 0)
    *err = c.err;
  else
    skiff_error_free (c.err);
  return c.r;
}

int
skiff_netholder_open_netns (int *fd, struct skiff_error **err)
{
  *fd = -1;
  if (!skiff_userns_is_rootless () || holder_pid <= 0)
    return 0;
  int r = open_netns (err);
  if (r >= 0)
    *fd = r;
  return r < 0 ? r : 0;
}
