/* --userns=keep-id|nomap (rootless): the container's process gets a user namespace of its
 * own, nested in the CLI's, where the CLI's uid 0 (the rootless user on the host) is the
 * user's own uid (keep-id: files a CI job writes to a bind mount belong to the user) or is
 * not mapped at all (nomap).  The child makes the namespace after pivot_root (its mounts are
 * done: it has no privilege over the mount namespace afterwards); the parent, root of the
 * CLI's namespace, writes the maps when asked over the report socket. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"
#include "skiff/userns.h"

#define MSG_MAPPED 'M'

/* The map of a nested namespace over the `total` ids of ours: keep-id puts `self` on our 0
 * and 0..self-1 on 1..self (and the rest on themselves), nomap leaves our 0 out. */
int
skiff_sandbox_nested_map (enum skiff_sandbox_userns mode, unsigned long self, unsigned long total,
                          char *buf, size_t size)
{
  if (mode == SKIFF_SANDBOX_USERNS_NOMAP)
    return total < 2 ? -1 : snprintf (buf, size, "0 1 %lu\n", total - 1);
  if (total < 2)
    return snprintf (buf, size, "%lu 0 1\n", self);
  unsigned long below = self < total - 1 ? self : total - 1;
  int n = below ? snprintf (buf, size, "0 1 %lu\n%lu 0 1\n", below, self)
                : snprintf (buf, size, "0 0 1\n");
  if (below && self + 1 < total)
    n += snprintf (buf + n, size - (size_t)n, "%lu %lu %lu\n", self + 1, self + 1,
                   total - self - 1);
  return n;
}

static int
write_file (const char *path, const char *text, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen (text);
  if (fd < 0 || write (fd, text, len) != (ssize_t)len)
    return skiff_error_make (err, errno, "write %s", path);
  return 0;
}

int
skiff_sandbox_userns_write_maps (const struct skiff_sandbox_config *cfg, pid_t pid, int sock,
                                 struct skiff_error **err)
{
  char uid_map[128], gid_map[128], path[64];
  if (skiff_sandbox_nested_map (cfg->userns_mode, skiff_userns_host_uid (),
                                skiff_userns_mapped_ids (), uid_map, sizeof uid_map)
          < 0
      || skiff_sandbox_nested_map (cfg->userns_mode, skiff_userns_host_gid (),
                                   skiff_userns_mapped_gids (), gid_map, sizeof gid_map)
             < 0)
    return skiff_error_make (err, EINVAL,
                             "--userns=nomap needs subordinate ids (/etc/subuid, /etc/subgid)");
  int r;
  snprintf (path, sizeof path, "/proc/%d/uid_map", (int)pid);
  if ((r = write_file (path, uid_map, err)) < 0)
    return r;
  if (skiff_userns_mapped_gids () < 2)
    {
      /* our own namespace denies setgroups: a nested one must too before its gid map */
      snprintf (path, sizeof path, "/proc/%d/setgroups", (int)pid);
      if ((r = write_file (path, "deny", err)) < 0)
        return r;
    }
  snprintf (path, sizeof path, "/proc/%d/gid_map", (int)pid);
  if ((r = write_file (path, gid_map, err)) < 0)
    return r;
  char ok = MSG_MAPPED;
  if (send (sock, &ok, 1, MSG_NOSIGNAL) != 1)
    return skiff_error_make (err, errno, "resume the container after its user namespace");
  return 0;
}

int
skiff_sandbox_userns_child (const struct skiff_sandbox_config *cfg, int sock,
                            struct skiff_error **err)
{
  if (cfg->userns_mode == SKIFF_SANDBOX_USERNS_HOST)
    return 0;
  if (unshare (CLONE_NEWUSER) < 0)
    return skiff_error_make (err, errno, "create the container's user namespace");
  char msg = SKIFF_SANDBOX_MSG_USERNS, reply = 0;
  if (send (sock, &msg, 1, MSG_NOSIGNAL) != 1 || recv (sock, &reply, 1, 0) != 1
      || reply != MSG_MAPPED)
    return skiff_error_make (err, errno ? errno : EIO, "map the container's user namespace");
  /* root of the new namespace, as a container's process starts out */
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    return skiff_error_make (err, errno, "become root of the container's user namespace");
  return 0;
}
