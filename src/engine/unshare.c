/* skiff_engine_unshare: `skiff unshare [COMMAND...]`, podman's: a rootless user's command (or
 * shell) runs as root of skiff's user namespace (the subuid range mapped) in a mount namespace
 * of its own, where `skiff mount` can mount the user's containers and their files show with
 * their container owners.  A skiff run inside knows the namespace from _SKIFF_ROOTLESS_UID/GID
 * (src/sandbox/userns.c) and does not make another.  Root has nothing to unshare. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/error.h"
#include "skiff/userns.h"

int
skiff_engine_unshare (char *const *argv, struct skiff_error **err)
{
  if (!skiff_userns_is_rootless ())
    return skiff_error_make_status (err, 125, 0, "please use unshare with rootless");
  char uid[24], gid[24];
  snprintf (uid, sizeof uid, "%u", (unsigned)skiff_userns_host_uid ());
  snprintf (gid, sizeof gid, "%u", (unsigned)skiff_userns_host_gid ());
  int r = skiff_userns_enter (err);
  if (r < 0)
    return r;
  if (setenv ("_SKIFF_ROOTLESS_UID", uid, 1) < 0 || setenv ("_SKIFF_ROOTLESS_GID", gid, 1) < 0)
    return skiff_error_make (err, errno, "set the environment");
  const char *shell = getenv ("SHELL");
  char *const sh[] = { (char *)(shell && *shell ? shell : "/bin/sh"), NULL };
  char *const *cmd = argv && argv[0] ? argv : sh;
  execvp (cmd[0], cmd);
  int e = errno;
  if (e == ENOENT)
    return skiff_error_make_status (err, 127, 0, "exec: \"%s\": executable file not found in $PATH",
                                    cmd[0]);
  return skiff_error_make_status (err, 126, e, "exec %s", cmd[0]);
}
