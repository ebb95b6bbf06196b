/* exec: moving the caller into the cgroups of a running container's PID 1.  For every hierarchy
 * listed in /proc/<pid>/cgroup whose path differs from ours, the caller writes its pid to
 * cgroup.procs of that cgroup, found under the hierarchy's mount point (from mountinfo, so the
 * hybrid v1+v2 layout of the CI machines works as well as pure v2). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

/* True when every comma-separated item of want is an item of have. */
static bool
opts_include (const char *have, const char *want)
{
  _cleanup_free_ char *w = xstrdup (want);
  char *save = NULL;
  for (char *t = strtok_r (w, ",", &save); t != NULL; t = strtok_r (NULL, ",", &save))
    {
      size_t n = strlen (t);
      const char *p = have;
      bool found = false;
      while (!found && (p = strstr (p, t)) != NULL)
        {
          found = (p == have || p[-1] == ',') && (p[n] == ',' || p[n] == '\0');
          p += n;
        }
      if (!found)
        return false;
    }
  return true;
}

/* One mountinfo line: mount root, mount point, fs type, super options (pointers into line). */
static bool
split_mountinfo (char *line, char **root, char **point, char **fstype, char **super)
{
  char *f[5], *save = NULL, *t;
  int i = 0;
  for (t = strtok_r (line, " \n", &save); t != NULL && i < 5; t = strtok_r (NULL, " \n", &save))
    f[i++] = t;
  while (t != NULL && strcmp (t, "-") != 0) /* optional fields end at " - " */
    t = strtok_r (NULL, " \n", &save);
  if (i < 5 || t == NULL || (*fstype = strtok_r (NULL, " \n", &save)) == NULL
      || strtok_r (NULL, " \n", &save) == NULL || (*super = strtok_r (NULL, " \n", &save)) == NULL)
    return false;
  *root = f[3];
  *point = f[4];
  return true;
}

char *
skiff_sandbox_cgroup_dir (const char *mountinfo, const char *controllers, const char *path)
{
  _cleanup_free_ char *text = xstrdup (mountinfo);
  char *save = NULL;
  bool v2 = *controllers == '\0';
  for (char *l = strtok_r (text, "\n", &save); l != NULL; l = strtok_r (NULL, "\n", &save))
    {
      char *root, *point, *fstype, *super;
      if (!split_mountinfo (l, &root, &point, &fstype, &super))
        continue;
      if (v2 ? strcmp (fstype, "cgroup2") != 0
             : strcmp (fstype, "cgroup") != 0 || !opts_include (super, controllers))
        continue;
      size_t rl = strcmp (root, "/") == 0 ? 0 : strlen (root);
      if (strncmp (path, root, rl) != 0 || (path[rl] != '/' && path[rl] != '\0'))
        continue; /* this mount shows another part of the hierarchy */
      return xasprintf ("%s%s", point, path + rl);
    }
  return NULL;
}

/* The path of hierarchy "ID:CONTROLLERS" in a /proc/<pid>/cgroup text, or NULL. */
static const char *
find_hierarchy (char *const *lines, const char *key, size_t keylen)
{
  for (size_t i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], key, keylen) == 0 && lines[i][keylen] == ':')
      return lines[i] + keylen + 1;
  return NULL;
}

static char **
read_lines (const char *path, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  if (skiff_fs_read_file (path, &text, NULL, err) < 0)
    return NULL;
  char **v = xzalloc (sizeof *v), *save = NULL;
  for (char *l = strtok_r (text, "\n", &save); l != NULL; l = strtok_r (NULL, "\n", &save))
    skiff_strv_push (&v, l);
  return v;
}

/* Writes our pid to dir/cgroup.procs.  Rootless callers usually may not (no delegation): that
 * is not an error, the process then stays in the caller's cgroup. */
static int
enter_cgroup (const char *dir, struct skiff_error **err)
{
  _cleanup_free_ char *procs = skiff_path_join (dir, "cgroup.procs");
  _cleanup_close_ int fd = open (procs, O_WRONLY | O_CLOEXEC);
  char pid[32];
  int len = snprintf (pid, sizeof pid, "%d", (int)getpid ());
  if (fd >= 0 && write (fd, pid, (size_t)len) == len)
    return 0;
  if (skiff_userns_is_rootless ()
      && (errno == EACCES || errno == EPERM || errno == EROFS || errno == ENOENT))
    {
      log_debug ("not joining cgroup %s: %s", dir, strerror (errno));
      return 0;
    }
  return skiff_error_make (err, errno, "join cgroup %s", dir);
}

int
skiff_sandbox_join_cgroups (pid_t target, struct skiff_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/cgroup", (int)target);
  _cleanup_strv_ char **theirs = read_lines (path, err);
  _cleanup_strv_ char **ours = theirs ? read_lines ("/proc/self/cgroup", err) : NULL;
  _cleanup_free_ char *mountinfo = NULL;
  if (ours == NULL || skiff_fs_read_file ("/proc/self/mountinfo", &mountinfo, NULL, err) < 0)
    return skiff_error_ret (*err);
  for (size_t i = 0; theirs[i] != NULL; i++)
    {
      char *id_end = strchr (theirs[i], ':');
      char *ctl_end = id_end ? strchr (id_end + 1, ':') : NULL;
      if (ctl_end == NULL)
        continue;
      const char *mine = find_hierarchy (ours, theirs[i], (size_t)(ctl_end - theirs[i]));
      if (mine != NULL && strcmp (mine, ctl_end + 1) == 0)
        continue; /* already there */
      _cleanup_free_ char *ctl = xstrndup (id_end + 1, (size_t)(ctl_end - id_end - 1));
      _cleanup_free_ char *dir = skiff_sandbox_cgroup_dir (mountinfo, ctl, ctl_end + 1);
      if (dir == NULL)
        {
          log_debug ("no mount of cgroup hierarchy %s", theirs[i]);
          continue;
        }
      if (enter_cgroup (dir, err) < 0)
        return skiff_error_ret (*err);
    }
  return 0;
}
