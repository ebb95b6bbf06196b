/* The IPC, PID, UTS and cgroup namespace modes of skiff_sandbox_spawn: which namespaces the
 * clone makes, the ones the child joins (another container's), a PID namespace entered by the
 * parent for the clone only, and the private cgroup namespace unshared once the child sits in
 * its cgroup (so that the namespace is rooted there). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"

static const struct
{
  const char *name;
  int type;
} joinable[SKIFF_SANDBOX_NS_JOINED] = {
  { "ipc", CLONE_NEWIPC },
  { "uts", CLONE_NEWUTS },
  { "cgroup", CLONE_NEWCGROUP },
};

static const struct skiff_sandbox_ns *
joinable_ns (const struct skiff_sandbox_limits *l, size_t i)
{
  return i == 0 ? &l->ipc : i == 1 ? &l->uts : &l->cgroup;
}

unsigned long
skiff_sandbox_ns_clone_flags (const struct skiff_sandbox_limits *l)
{
  unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
  if (l == NULL)
    return flags;
  if (l->pid.mode != SKIFF_SANDBOX_NS_PRIVATE)
    flags &= ~(unsigned long)CLONE_NEWPID;
  if (l->ipc.mode != SKIFF_SANDBOX_NS_PRIVATE)
    flags &= ~(unsigned long)CLONE_NEWIPC;
  if (l->uts.mode != SKIFF_SANDBOX_NS_PRIVATE)
    flags &= ~(unsigned long)CLONE_NEWUTS;
  return flags;
}

static int
open_ns (pid_t pid, const char *name, struct skiff_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/%s", (int)pid, name);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open the %s namespace of process %d", name, (int)pid);
  return fd;
}

int
skiff_sandbox_ns_open (const struct skiff_sandbox_limits *l, int fds[SKIFF_SANDBOX_NS_JOINED],
                       struct skiff_error **err)
{
  for (size_t i = 0; i < SKIFF_SANDBOX_NS_JOINED; i++)
    fds[i] = -1;
  for (size_t i = 0; l != NULL && i < SKIFF_SANDBOX_NS_JOINED; i++)
    if (joinable_ns (l, i)->mode == SKIFF_SANDBOX_NS_JOIN
        && (fds[i] = open_ns (joinable_ns (l, i)->pid, joinable[i].name, err)) < 0)
      {
        skiff_sandbox_ns_close (fds);
        return skiff_error_ret (*err);
      }
  return 0;
}

void
skiff_sandbox_ns_close (int fds[SKIFF_SANDBOX_NS_JOINED])
{
  for (size_t i = 0; i < SKIFF_SANDBOX_NS_JOINED; i++)
    if (fds[i] >= 0)
      {
        close (fds[i]);
        fds[i] = -1;
      }
}

int
skiff_sandbox_ns_join (int fds[SKIFF_SANDBOX_NS_JOINED], struct skiff_error **err)
{
  for (size_t i = 0; i < SKIFF_SANDBOX_NS_JOINED; i++)
    if (fds[i] >= 0 && setns (fds[i], joinable[i].type) < 0)
      return skiff_error_make (err, errno, "join the %s namespace of another container",
                               joinable[i].name);
  skiff_sandbox_ns_close (fds);
  return 0;
}

int
skiff_sandbox_ns_enter_pid (const struct skiff_sandbox_limits *l, int *saved,
                            struct skiff_error **err)
{
  *saved = -1;
  if (l == NULL || l->pid.mode != SKIFF_SANDBOX_NS_JOIN)
    return 0;
  _cleanup_close_ int target = open_ns (l->pid.pid, "pid", err);
  if (target < 0)
    return target;
  int self = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return skiff_error_make (err, errno, "open /proc/self/ns/pid");
  if (setns (target, CLONE_NEWPID) < 0)
    {
      int e = errno;
      close (self);
      return skiff_error_make (err, e, "join the PID namespace of process %d", (int)l->pid.pid);
    }
  *saved = self;
  return 0;
}

void
skiff_sandbox_ns_leave_pid (int saved)
{
  if (saved < 0)
    return;
  /* back to our own: later children of ours are not the other container's */
  setns (saved, CLONE_NEWPID);
  close (saved);
}

int
skiff_sandbox_ns_unshare_cgroup (const struct skiff_sandbox_limits *l, struct skiff_error **err)
{
  if (l != NULL && l->cgroup.mode == SKIFF_SANDBOX_NS_PRIVATE && unshare (CLONE_NEWCGROUP) < 0)
    return skiff_error_make (err, errno, "unshare the cgroup namespace");
  return 0;
}
