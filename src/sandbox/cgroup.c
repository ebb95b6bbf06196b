/* Per-container cgroups: layout, creation, joining and removal.  See skiff/cgroup.h. */
#include "skiff/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/cgroup-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define CGROUP_MOUNT "/sys/fs/cgroup"

static const char *const v1_controllers[]
    = { "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids" };
#define N_V1 (sizeof v1_controllers / sizeof v1_controllers[0])

/* v2 controllers worth enabling for a container; others are left to the admin. */
static const char *const v2_controllers[] = { "cpu", "cpuset", "io", "memory", "pids" };

int
skiff_cgroup_write (const char *dir, const char *file, const char *text, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, file);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  size_t len = strlen (text);
  ssize_t n = write (fd, text, len);
  if (n < 0)
    return skiff_error_make (err, errno, "write '%s' to %s", text, path);
  if ((size_t)n != len)
    return skiff_error_make (err, EIO, "write '%s' to %s: short write", text, path);
  return 0;
}

int
skiff_cgroup_read (const char *dir, const char *file, char **out, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, file);
  return skiff_fs_read_file (path, out, NULL, err);
}

int
skiff_cgroup_detect (enum skiff_cgroup_layout *out, struct skiff_error **err)
{
  struct statfs fs;
  if (statfs (CGROUP_MOUNT, &fs) < 0)
    return skiff_error_make (err, errno, "statfs %s", CGROUP_MOUNT);
  if (fs.f_type == CGROUP2_SUPER_MAGIC)
    return *out = SKIFF_CGROUP_V2, 0;
  if (fs.f_type != TMPFS_MAGIC)
    return skiff_error_make (err, ENOTSUP, "%s is neither cgroup2 nor a tmpfs of v1 hierarchies",
                             CGROUP_MOUNT);
  *out = SKIFF_CGROUP_V1;
  if (statfs (CGROUP_MOUNT "/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
    *out = SKIFF_CGROUP_HYBRID;
  return 0;
}

const char *
skiff_cgroup_layout_name (enum skiff_cgroup_layout layout)
{
  static const char *const names[] = { "v1", "hybrid", "v2" };
  return names[layout];
}

/* Whether word is one of the seps-separated items of list. */
static bool
list_has (const char *list, const char *word, const char *seps)
{
  size_t n = strlen (word);
  for (const char *p = list; *p; p++)
    {
      p += strspn (p, seps);
      size_t len = strcspn (p, seps);
      if (len == n && strncmp (p, word, n) == 0)
        return true;
      p += len;
      if (*p == '\0')
        break;
    }
  return false;
}

/* Fills mounts[i] with the mount point of v1_controllers[i] from /proc/self/mountinfo. */
static int
find_v1_mounts (char *mounts[N_V1], struct skiff_error **err)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return skiff_error_make (err, errno, "open /proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      char mnt[4096], fstype[64], opts[1024];
      const char *sep = strstr (line, " - ");
      if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mnt) != 1
          || sscanf (sep + 3, "%63s %*s %1023s", fstype, opts) != 2 || strcmp (fstype, "cgroup"))
        continue;
      for (size_t i = 0; i < N_V1; i++)
        if (mounts[i] == NULL && list_has (opts, v1_controllers[i], ","))
          mounts[i] = xstrdup (mnt);
    }
  return 0;
}

void
skiff_cgroup_free (struct skiff_cgroup *cg)
{
  if (cg == NULL)
    return;
  free (cg->name);
  skiff_strv_free (cg->dirs);
  free (cg->freezer);
  free (cg->memory);
  free (cg->cpuacct);
  free (cg->pids);
  free (cg->devices);
  free (cg->cpu);
  free (cg->cpuset);
  free (cg);
}

static void
set_role (struct skiff_cgroup *cg, const char *ctrl, const char *dir)
{
  char **slot = !strcmp (ctrl, "freezer")   ? &cg->freezer
                : !strcmp (ctrl, "memory")  ? &cg->memory
                : !strcmp (ctrl, "cpuacct") ? &cg->cpuacct
                : !strcmp (ctrl, "pids")    ? &cg->pids
                : !strcmp (ctrl, "devices") ? &cg->devices
                : !strcmp (ctrl, "cpu")     ? &cg->cpu
                : !strcmp (ctrl, "cpuset")  ? &cg->cpuset
                                            : NULL;
  if (slot != NULL && *slot == NULL)
    *slot = xstrdup (dir);
}

/* Computes the directories of name without touching them. */
static int
cgroup_describe (const char *name, struct skiff_cgroup **out, struct skiff_error **err)
{
  struct skiff_cgroup *cg = xzalloc (sizeof *cg);
  cg->name = xstrdup (name);
  if (skiff_cgroup_detect (&cg->layout, err) < 0)
    return skiff_cgroup_free (cg), skiff_error_ret (*err);
  if (cg->layout == SKIFF_CGROUP_V2)
    {
      _cleanup_free_ char *dir = skiff_path_join (CGROUP_MOUNT, name);
      skiff_strv_push (&cg->dirs, dir);
      for (size_t i = 0; i < N_V1; i++)
        set_role (cg, v1_controllers[i], dir);
      return *out = cg, 0;
    }
  char *mounts[N_V1] = { 0 };
  int ret = find_v1_mounts (mounts, err);
  for (size_t i = 0; i < N_V1; i++)
    {
      if (ret == 0 && mounts[i] != NULL)
        {
          _cleanup_free_ char *dir = skiff_path_join (mounts[i], name);
          if (!skiff_strv_contains (cg->dirs, dir)) /* co-mounted controllers share one */
            skiff_strv_push (&cg->dirs, dir);
          set_role (cg, v1_controllers[i], dir);
        }
      else if (ret == 0)
        log_debug ("cgroup controller %s is not mounted", v1_controllers[i]);
      free (mounts[i]);
    }
  if (ret == 0 && cg->dirs == NULL)
    ret = skiff_error_make (err, ENOTSUP, "no cgroup v1 controller is mounted");
  if (ret < 0)
    return skiff_cgroup_free (cg), ret;
  return *out = cg, 0;
}

int
skiff_cgroup_open (const char *name, struct skiff_cgroup **out, struct skiff_error **err)
{
  struct skiff_cgroup *cg;
  if (cgroup_describe (name, &cg, err) < 0)
    return skiff_error_ret (*err);
  struct stat st;
  if (stat (cg->dirs[0], &st) < 0)
    {
      int ret = skiff_error_make (err, errno, "cgroup %s", cg->dirs[0]);
      skiff_cgroup_free (cg);
      return ret;
    }
  *out = cg;
  return 0;
}

/* v1 cpuset: a new cgroup starts with empty cpus/mems and refuses tasks; copy the parent's. */
static int
cpuset_inherit (const char *parent, const char *dir, struct skiff_error **err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  for (size_t i = 0; i < 2; i++)
    {
      _cleanup_free_ char *mine = NULL, *theirs = NULL;
      if (skiff_cgroup_read (dir, files[i], &mine, err) < 0)
        return skiff_error_ret (*err);
      if (strspn (mine, " \n") != strlen (mine))
        continue; /* already set (an existing level) */
      if (skiff_cgroup_read (parent, files[i], &theirs, err) < 0
          || skiff_cgroup_write (dir, files[i], theirs, err) < 0)
        return skiff_error_ret (*err);
    }
  return 0;
}

/* v2: let children of parent use the container controllers.  Best effort: a parent that holds
 * processes, or a controller the admin did not delegate, just means fewer stats/limits. */
static void
v2_enable_controllers (const char *parent)
{
  _cleanup_free_ char *avail = NULL;
  struct skiff_error *e = NULL;
  if (skiff_cgroup_read (parent, "cgroup.controllers", &avail, &e) < 0)
    goto out;
  for (size_t i = 0; i < sizeof v2_controllers / sizeof v2_controllers[0]; i++)
    {
      if (!list_has (avail, v2_controllers[i], " \n"))
        continue;
      _cleanup_free_ char *plus = xasprintf ("+%s", v2_controllers[i]);
      if (skiff_cgroup_write (parent, "cgroup.subtree_control", plus, &e) < 0)
        skiff_error_log_drop (&e, SKIFF_LOG_DEBUG);
    }
out:
  skiff_error_log_drop (&e, SKIFF_LOG_DEBUG);
}

static bool
is_permission_error (int e)
{
  return e == EACCES || e == EPERM || e == EROFS;
}

/* mkdir of one level below parent, with the per-layout setup.  *created tells the caller to
 * roll it back on a later failure. */
static int
make_level (const struct skiff_cgroup *cg, const char *parent, const char *dir, bool *created,
            struct skiff_error **err)
{
  *created = false;
  if (cg->layout == SKIFF_CGROUP_V2)
    v2_enable_controllers (parent);
  int r = mkdir (dir, 0755);
  if (r < 0 && errno != EEXIST)
    {
      int e = errno;
      skiff_error_make (err, e, "create cgroup %s", dir);
      return is_permission_error (e) ? -EPERM : -e;
    }
  *created = r == 0;
  _cleanup_free_ char *probe = skiff_path_join (parent, "cpuset.cpus");
  if (cg->layout != SKIFF_CGROUP_V2 && access (probe, F_OK) == 0)
    return cpuset_inherit (parent, dir, err);
  return 0;
}

/* Creates every level of dir below its hierarchy's mount (dir = mount + "/" + name). */
static int
make_dir_levels (const struct skiff_cgroup *cg, const char *dir, char ***created,
                 struct skiff_error **err)
{
  size_t mount_len = strlen (dir) - strlen (cg->name) - 1;
  _cleanup_free_ char *path = xstrdup (dir);
  for (char *p = path + mount_len + 1;; p++)
    {
      if (*p != '/' && *p != '\0')
        continue;
      char saved = *p;
      *p = '\0';
      _cleanup_free_ char *parent = xstrdup (path);
      *strrchr (parent, '/') = '\0';
      bool made;
      int ret = make_level (cg, parent, path, &made, err);
      if (made)
        skiff_strv_push (created, path);
      if (ret < 0)
        return ret;
      if (saved == '\0')
        return 0;
      *p = saved;
    }
}

int
skiff_cgroup_create (const char *name, struct skiff_cgroup **out, struct skiff_error **err)
{
  struct skiff_cgroup *cg;
  if (cgroup_describe (name, &cg, err) < 0)
    return skiff_error_ret (*err);
  _cleanup_strv_ char **created = NULL;
  for (char **d = cg->dirs; *d; d++)
    {
      int ret = make_dir_levels (cg, *d, &created, err);
      if (ret < 0)
        {
          /* undo in reverse order: leaves before their parents */
          for (size_t i = skiff_strv_len (created); i > 0; i--)
            rmdir (created[i - 1]);
          skiff_cgroup_free (cg);
          return ret;
        }
    }
  *out = cg;
  return 0;
}

int
skiff_cgroup_add_pid (const struct skiff_cgroup *cg, pid_t pid, struct skiff_error **err)
{
  char text[32];
  snprintf (text, sizeof text, "%d", (int)pid);
  for (char **d = cg->dirs; *d; d++)
    if (skiff_cgroup_write (*d, "cgroup.procs", text, err) < 0)
      return skiff_error_prefix (err, "add pid %d to cgroup %s", (int)pid, cg->name);
  return 0;
}

#define RMDIR_TRIES 200
#define RMDIR_WAIT_NS 10000000L

int
skiff_cgroup_remove (const struct skiff_cgroup *cg, struct skiff_error **err)
{
  int ret = 0;
  for (char **d = cg->dirs; *d; d++)
    for (int tries = 0;; tries++)
      {
        if (rmdir (*d) == 0 || errno == ENOENT)
          break;
        if (errno != EBUSY || tries == RMDIR_TRIES)
          {
            /* keep going so that one busy hierarchy does not leak the others */
            ret = skiff_error_make (err, errno, "remove cgroup %s", *d);
            break;
          }
        nanosleep (&(struct timespec){ 0, RMDIR_WAIT_NS }, NULL);
      }
  return ret;
}

bool
skiff_cgroup_can_create (const char *name)
{
  struct skiff_cgroup *cg;
  struct skiff_error *e = NULL;
  if (cgroup_describe (name, &cg, &e) < 0)
    {
      skiff_error_free (e);
      return false;
    }
  bool ok = true;
  for (char **d = cg->dirs; ok && *d; d++)
    {
      /* the nearest level that exists decides: a new level below it needs write access */
      _cleanup_free_ char *dir = xstrdup (*d);
      char *slash;
      while (access (dir, F_OK) < 0 && (slash = strrchr (dir, '/')) != NULL && slash != dir)
        *slash = '\0';
      ok = access (dir, W_OK) == 0;
    }
  skiff_cgroup_free (cg);
  return ok;
}
