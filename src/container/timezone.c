/* --tz (podman): the container's /etc/localtime is a read-only bind of a copy of a host zone
 * file: "local" is the host's /etc/localtime, a name is looked up under the host's
 * /usr/share/zoneinfo as Go's time.LoadLocation does (podman checks it that way).  The copy
 * lives in the container's dir, so the container can never write to the host's file, and the
 * target is resolved inside the rootfs like every mount target (a symlinked /etc/localtime
 * leads to the image's own zone file, never out of the root). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container-mounts.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define ZONEINFO_DIR "/usr/share/zoneinfo"
#define ZONE_FILE_MAX (1 << 20) /* the largest TZif files are a few KiB */

/* Go's containsDotDot: a ".." element anywhere ("a/../b", "..", "a/.."). */
static bool
has_dot_dot (const char *name)
{
  for (const char *p = name; (p = strstr (p, "..")) != NULL; p += 2)
    if ((p == name || p[-1] == '/' || p[-1] == '\\')
        && (p[2] == '\0' || p[2] == '/' || p[2] == '\\'))
      return true;
  return false;
}

/* The host file a --tz value names, or an error in podman's words. */
static int
zone_path (const char *tz, char **out, struct skiff_error **err)
{
  if (strcmp (tz, "local") == 0)
    {
      *out = realpath ("/etc/localtime", NULL);
      return *out ? 0
                  : skiff_error_make_status (err, 125, errno,
                                             "finding local timezone: /etc/localtime");
    }
  if (*tz == '\0' || *tz == '/' || *tz == '\\' || has_dot_dot (tz))
    return skiff_error_make_status (err, 125, 0, "finding timezone: time: invalid location name");
  *out = xasprintf (ZONEINFO_DIR "/%s", tz);
  return 0;
}

/* Reads the zone file: a regular file starting with TZif (what Go accepts), at most 1 MiB. */
static int
zone_read (const char *tz, char **data, size_t *len, struct skiff_error **err)
{
  _cleanup_free_ char *path = NULL;
  int r = zone_path (tz, &path, err);
  if (r < 0)
    return r;
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_size > ZONE_FILE_MAX)
    return skiff_error_make_status (err, 125, 0, "finding timezone: unknown time zone %s", tz);
  if ((r = skiff_fs_read_fd (fd, path, data, len, err)) < 0)
    return r;
  if (*len < 4 || memcmp (*data, "TZif", 4) != 0)
    {
      free (steal_ptr (data));
      return skiff_error_make_status (err, 125, 0, "finding timezone: unknown time zone %s", tz);
    }
  return 0;
}

int
skiff_container_timezone_check (const char *tz, struct skiff_error **err)
{
  _cleanup_free_ char *data = NULL;
  size_t len;
  return zone_read (tz, &data, &len, err);
}

int
skiff_container_timezone_mount (const struct skiff_container *c, struct skiff_container_mounts *cm,
                                struct skiff_error **err)
{
  const char *tz = c->config.podman.timezone;
  if (tz == NULL)
    return 0;
  _cleanup_free_ char *data = NULL;
  size_t len;
  int r = zone_read (tz, &data, &len, err);
  _cleanup_free_ char *copy = skiff_path_join (c->dir, "localtime");
  if (r < 0 || (r = skiff_fs_write_atomic (copy, data, len, 0644, 0, err)) < 0)
    return skiff_error_prefix (err, "setting timezone for container %s", c->config.id);
  cm->v = xrealloc (cm->v, (cm->n + 1) * sizeof *cm->v);
  struct skiff_sandbox_mount *m = &cm->v[cm->n++];
  memset (m, 0, sizeof *m);
  m->kind = SKIFF_SANDBOX_MOUNT_BIND;
  m->source = steal_ptr (&copy);
  skiff_strv_push_owned (&cm->owned, (char *)m->source);
  m->target = "/etc/localtime";
  m->flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  return 0;
}
