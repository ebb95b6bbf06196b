/* Child-side resource steps of the sandbox: rlimits (--ulimit), namespaced sysctls (--sysctl),
 * /dev/shm (--shm-size, --ipc host|container:|none) and the --device nodes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/resources.h"
#include "skiff/sandbox.h"
#include "skiff/xalloc.h"

int
skiff_sandbox_limits_in_cgroup (const struct skiff_sandbox_limits *l, struct skiff_error **err)
{
  if (l == NULL)
    return 0;
  if (skiff_sandbox_ns_unshare_cgroup (l, err) < 0
      || (l->cgroupfs && skiff_sandbox_mount_cgroupfs (l->cgroup_v2, err) < 0))
    return skiff_error_ret (*err);
  for (size_t i = 0; i < l->n_rlimits; i++)
    {
      struct rlimit rl = { (rlim_t)l->rlimits[i].soft, (rlim_t)l->rlimits[i].hard };
      if (setrlimit (l->rlimits[i].resource, &rl) < 0)
        return skiff_error_make (err, errno, "set rlimit %d to %llu:%llu", l->rlimits[i].resource,
                                 l->rlimits[i].soft, l->rlimits[i].hard);
    }
  return 0;
}

int
skiff_sandbox_set_sysctls (const struct skiff_sandbox_limits *l, struct skiff_error **err)
{
  for (size_t i = 0; l != NULL && l->sysctls && l->sysctls[i]; i++)
    {
      /* the key was checked: [A-Za-z0-9_.-] without "..", so the path stays in /proc/sys */
      const char *kv = l->sysctls[i], *eq = strchr (kv, '=');
      if (eq == NULL)
        return skiff_error_make (err, EINVAL, "sysctl '%s' has no value", kv);
      _cleanup_free_ char *path = xasprintf ("/proc/sys/%.*s", (int)(eq - kv), kv);
      for (char *p = path + 10; *p; p++)
        if (*p == '.')
          *p = '/';
      _cleanup_close_ int fd = open (path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
      size_t len = strlen (eq + 1);
      if (fd < 0 || write (fd, eq + 1, len) != (ssize_t)len)
        return skiff_error_make (err, errno, "set sysctl %s", kv);
    }
  return 0;
}

/* A detached copy of /dev/shm of process pid's mount namespace: a mount there cannot be bound
 * from here, so we step into that namespace to clone it and come back (root and cwd go with a
 * setns: the cwd, our rootfs, is restored). */
static int
clone_shm_of (pid_t pid, struct skiff_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
  _cleanup_close_ int other = open (path, O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int self = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (other < 0 || self < 0 || cwd < 0)
    return skiff_error_make (err, errno, "open the mount namespaces for --ipc=container:");
  if (setns (other, CLONE_NEWNS) < 0)
    return skiff_error_make (err, errno, "join the mount namespace of process %d", (int)pid);
  /* the other container may have replaced it with a symlink: not followed */
  int tree
      = open_tree (AT_FDCWD, "/dev/shm", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
  int e = errno;
  if (setns (self, CLONE_NEWNS) < 0 || fchdir (cwd) < 0)
    _exit (125); /* half in another container's mounts: nothing more may happen here */
  if (tree < 0)
    return skiff_error_make (err, e, "clone /dev/shm of process %d", (int)pid);
  return tree;
}

/* Mounts on /dev/<name> of dev_fd: a tmpfs of the given options (shm_of 0), our own /dev/shm
 * (-1: the host's) or that of process shm_of. */
static int
mount_at (int dev_fd, const char *name, pid_t shm_of, const char *opts, struct skiff_error **err)
{
  if (mkdirat (dev_fd, name, 0755) < 0 && errno != EEXIST)
    return skiff_error_make (err, errno, "mkdir /dev/%s", name);
  _cleanup_close_ int fd = openat (dev_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open /dev/%s", name);
  const unsigned long nse = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (shm_of == -1)
    {
      if (skiff_mount_on_fd ("/dev/shm", fd, NULL, MS_BIND | MS_REC, NULL) < 0)
        return skiff_error_make (err, errno, "bind /dev/shm on /dev/%s", name);
      return 0;
    }
  if (shm_of == 0)
    {
      if (skiff_mount_on_fd ("shm", fd, "tmpfs", nse, opts) < 0)
        return skiff_error_make (err, errno, "mount tmpfs on /dev/%s", name);
      return 0;
    }
  _cleanup_close_ int tree = clone_shm_of (shm_of, err);
  if (tree < 0)
    return tree;
  if (move_mount (tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return skiff_error_make (err, errno, "mount /dev/shm of process %d on /dev/%s", (int)shm_of,
                             name);
  return 0;
}

int
skiff_sandbox_mount_shm (int dev_fd, const struct skiff_sandbox_limits *l, struct skiff_error **err)
{
  if (l != NULL && l->no_shm)
    return 0;
  if (l != NULL && l->ipc.mode == SKIFF_SANDBOX_NS_HOST)
    return mount_at (dev_fd, "shm", -1, NULL, err);
  if (l != NULL && l->ipc.mode == SKIFF_SANDBOX_NS_JOIN)
    return mount_at (dev_fd, "shm", l->ipc.pid, NULL, err);
  long long size = l != NULL && l->shm_size > 0 ? l->shm_size : SKIFF_RESOURCES_DEFAULT_SHM_SIZE;
  char opts[64];
  snprintf (opts, sizeof opts, "mode=1777,size=%lldk", (size + 1023) / 1024);
  return mount_at (dev_fd, "shm", 0, opts, err);
}

/* Creates the missing directories of rel (a path below /dev) inside dev_fd. */
static int
make_parents (int dev_fd, const char *rel, struct skiff_error **err)
{
  _cleanup_free_ char *dir = xstrdup (rel);
  for (char *p = strchr (dir, '/'); p != NULL; p = strchr (p + 1, '/'))
    {
      *p = '\0';
      if (mkdirat (dev_fd, dir, 0755) < 0 && errno != EEXIST)
        return skiff_error_make (err, errno, "mkdir /dev/%s", dir);
      *p = '/';
    }
  return 0;
}

/* One --device: the host node's type and numbers (real root: mknod) or, in a user namespace
 * that cannot mknod, a bind mount of the host node. */
static int
add_device (int dev_fd, const char *spec, bool rootless, struct skiff_error **err)
{
  _cleanup_free_ char *host = NULL, *ctr = NULL;
  char perms[4];
  struct stat st;
  if (skiff_resources_parse_device (spec, &host, &ctr, perms, err) < 0)
    return skiff_error_ret (*err);
  if (stat (host, &st) < 0)
    return skiff_error_make (err, errno, "--device %s", host);
  const char *rel = ctr + 5;
  if (strncmp (ctr, "/dev/", 5) != 0 || *rel == '\0' || strstr (ctr, "/.") != NULL)
    return skiff_error_make (err, 0, "--device %s: the container path must be below /dev", spec);
  if (make_parents (dev_fd, rel, err) < 0)
    return skiff_error_ret (*err);
  unlinkat (dev_fd, rel, 0); /* a default node of the same name gives way */
  if (!rootless && mknodat (dev_fd, rel, (st.st_mode & (S_IFMT | 07777)), st.st_rdev) == 0)
    return 0;
  if (!rootless)
    return skiff_error_make (err, errno, "mknod %s", ctr);
  _cleanup_close_ int fd
      = openat (dev_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0 || skiff_mount_on_fd (host, fd, NULL, MS_BIND, NULL) < 0)
    return skiff_error_make (err, errno, "bind %s on %s", host, ctr);
  return 0;
}

int
skiff_sandbox_add_devices (int dev_fd, const struct skiff_sandbox_limits *l, bool rootless,
                           struct skiff_error **err)
{
  for (size_t i = 0; l != NULL && l->devices && l->devices[i]; i++)
    if (add_device (dev_fd, l->devices[i], rootless, err) < 0)
      return skiff_error_ret (*err);
  return 0;
}
