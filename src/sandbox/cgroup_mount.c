/* The container's /sys/fs/cgroup (read-only, as docker's): its own cgroup of each hierarchy,
 * so that limits can be read from inside (memory.limit_in_bytes, pids.max, cpu.max...).  Child
 * side, after pivot_root and once the child sits in its cgroup (and, with --cgroupns=private,
 * in its cgroup namespace).  v1 and hybrid: a tmpfs with one directory per hierarchy; v2 the
 * cgroup2 file system itself.  Each is a fresh mount of which only the subtree of the
 * container's cgroup is attached (open_tree), so no other cgroup of the host shows.  Real root
 * only: a user namespace cannot mount cgroup v1, and rootless has no cgroup of its own. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

#define CGROUP_DIR "/sys/fs/cgroup"

/* A fresh cgroup (controllers: "memory", "cpu,cpuacct") or cgroup2 (controllers NULL) mount,
 * read-only, as an fd (fsmount). */
static int
fresh_hierarchy (const char *controllers, struct skiff_error **err)
{
  _cleanup_close_ int fs = fsopen (controllers ? "cgroup" : "cgroup2", FSOPEN_CLOEXEC);
  if (fs < 0)
    return skiff_error_make (err, errno, "fsopen cgroup");
  _cleanup_free_ char *list = controllers ? xstrdup (controllers) : NULL;
  for (char *save = NULL, *c = list ? strtok_r (list, ",", &save) : NULL; c;
       c = strtok_r (NULL, ",", &save))
    if (fsconfig (fs, FSCONFIG_SET_FLAG, c, NULL, 0) < 0)
      return skiff_error_make (err, errno, "mount the %s cgroup hierarchy", c);
  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return skiff_error_make (err, errno, "mount the %s cgroup hierarchy",
                             controllers ? controllers : "cgroup2");
  int mnt = fsmount (fs, FSMOUNT_CLOEXEC,
                     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  return mnt >= 0 ? mnt : skiff_error_make (err, errno, "fsmount cgroup");
}

/* The subtree path of a fresh hierarchy attached at target.  Only the subtree is attached; the
 * whole hierarchy is first attached under stage_dir (a mount of its own; v1), because
 * dropping a mount that was never attached costs an RCU grace period per hierarchy, while the
 * caller detaches the whole stage, every hierarchy at once, for one. */
static int
attach_subtree (const char *controllers, const char *path, const char *target,
                const char *stage_dir, struct skiff_error **err)
{
  _cleanup_close_ int mnt = fresh_hierarchy (controllers, err);
  if (mnt < 0)
    return mnt;
  const char *rel = path[0] == '/' && path[1] ? path + 1 : ".";
  if (strcmp (rel, ".") == 0) /* the cgroup namespace's root: the whole mount is ours */
    {
      if (move_mount (mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return skiff_error_make (err, errno, "mount cgroup on %s", target);
      return 0;
    }
  if (stage_dir == NULL) /* v2: one hierarchy, one grace period */
    {
      _cleanup_close_ int tree = open_tree (mnt, rel, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (tree < 0)
        return skiff_error_make (err, errno, "open cgroup %s", path);
      if (move_mount (tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return skiff_error_make (err, errno, "mount cgroup %s on %s", path, target);
      return 0;
    }
  _cleanup_free_ char *staged = xasprintf ("%s/%s", stage_dir, controllers ? controllers : "2");
  if (mkdir (staged, 0700) < 0 && errno != EEXIST)
    return skiff_error_make (err, errno, "mkdir %s", staged);
  if (move_mount (mnt, "", AT_FDCWD, staged, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return skiff_error_make (err, errno, "mount cgroup on %s", staged);
  _cleanup_free_ char *sub = xasprintf ("%s/%s", staged, rel);
  _cleanup_close_ int tree = open_tree (AT_FDCWD, sub, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return skiff_error_make (err, errno, "open cgroup %s", path);
  if (move_mount (tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return skiff_error_make (err, errno, "mount cgroup %s on %s", path, target);
  return 0;
}

/* One "ID:CONTROLLERS:PATH" line of /proc/self/cgroup (v1 hierarchies only). */
static int
mount_v1_line (char *line, const char *stage, struct skiff_error **err)
{
  char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 == NULL)
    return 0;
  *c2 = '\0';
  const char *controllers = c1 + 1, *path = c2 + 1;
  if (*controllers == '\0' || strncmp (controllers, "name=", 5) == 0)
    return 0; /* the v2 tree (hybrid: hugetlb only) and named hierarchies stay out */
  _cleanup_free_ char *target = xasprintf (CGROUP_DIR "/%s", controllers);
  if (mkdir (target, 0755) < 0 && errno != EEXIST)
    return skiff_error_make (err, errno, "mkdir %s", target);
  int r = attach_subtree (controllers, path, target, stage, err);
  /* docker's names for co-mounted controllers: cpu -> cpu,cpuacct */
  if (r == 0 && strchr (controllers, ',') != NULL)
    {
      _cleanup_free_ char *list = xstrdup (controllers);
      for (char *save = NULL, *c = strtok_r (list, ",", &save); c; c = strtok_r (NULL, ",", &save))
        {
          _cleanup_free_ char *link = xasprintf (CGROUP_DIR "/%s", c);
          if (symlink (controllers, link) < 0 && errno != EEXIST)
            return skiff_error_make (err, errno, "symlink %s", link);
        }
    }
  return r;
}

#define STAGE_DIR CGROUP_DIR "/.stage"

static int
mount_v1 (FILE *f, struct skiff_error **err)
{
  if (mount ("cgroup", CGROUP_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return skiff_error_make (err, errno, "mount tmpfs on " CGROUP_DIR);
  if (mkdir (STAGE_DIR, 0700) < 0
      || mount ("stage", STAGE_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=700") < 0)
    return skiff_error_make (err, errno, "mount tmpfs on " STAGE_DIR);
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline (&line, &cap, f)) > 0)
    {
      line[strcspn (line, "\n")] = '\0';
      if (mount_v1_line (line, STAGE_DIR, err) < 0)
        return skiff_error_ret (*err);
    }
  /* every whole hierarchy goes at once (one grace period); the subtrees stay */
  if (umount2 (STAGE_DIR, MNT_DETACH) < 0 || rmdir (STAGE_DIR) < 0)
    return skiff_error_make (err, errno, "unmount " STAGE_DIR);
  if (mount (NULL, CGROUP_DIR, NULL,
             MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
      < 0)
    return skiff_error_make (err, errno, "remount " CGROUP_DIR " read-only");
  return 0;
}

int
skiff_sandbox_mount_cgroupfs (bool v2, struct skiff_error **err)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/cgroup", "re");
  if (f == NULL)
    return skiff_error_make (err, errno, "open /proc/self/cgroup");
  if (!v2)
    return mount_v1 (f, err);
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    if (strncmp (line, "0::", 3) == 0)
      {
        line[strcspn (line, "\n")] = '\0';
        return attach_subtree (NULL, line + 3, CGROUP_DIR, NULL, err);
      }
  return 0;
}
