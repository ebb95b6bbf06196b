/* run/create's security flags -> the record's "Security": --security-opt values resolved as
 * docker's CLI and daemon do (seccomp=FILE is read here and stored as text, so the container
 * keeps the profile it was created with), podman's mask=/unmask=, the capability names checked.
 * Errors are docker's texts; nothing is made before they are found. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/sandbox.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define PROFILE_MAX (4u << 20) /* docker's default.json is 17 KiB */

static int
invalid (const char *opt, struct skiff_error **err)
{
  return skiff_error_make_status (err, 125, 0, "Invalid --security-opt: \"%s\"", opt);
}

/* Go's strconv.ParseBool */
static int
parse_bool (const char *s, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
  for (size_t i = 0; i < 6; i++)
    if (strcmp (s, yes[i]) == 0 || strcmp (s, no[i]) == 0)
      {
        *out = strcmp (s, yes[i]) == 0;
        return 0;
      }
  return -1;
}

static int
read_profile (const char *path, struct skiff_container_security *out, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make_status (err, 125, errno, "opening seccomp profile (%s) failed", path);
  _cleanup_free_ char *text = xmalloc (PROFILE_MAX + 1);
  size_t len = 0;
  ssize_t n;
  while ((n = read (fd, text + len, PROFILE_MAX + 1 - len)) > 0 && len + (size_t)n <= PROFILE_MAX)
    len += (size_t)n;
  if (n < 0)
    return skiff_error_make_status (err, 125, errno, "reading seccomp profile (%s) failed", path);
  if (n > 0)
    return skiff_error_make_status (err, 125, EFBIG, "seccomp profile %s is larger than 4 MiB",
                                    path);
  text[len] = '\0';
  if (strlen (text) != len)
    return skiff_error_make_status (err, 125, 0, "seccomp profile %s: not a JSON text", path);
  int r = skiff_sandbox_seccomp_check (text, path, err);
  if (r < 0)
    return r;
  free (out->seccomp);
  free (out->seccomp_origin);
  out->seccomp = steal_ptr (&text);
  out->seccomp_origin = xstrdup (path);
  return 0;
}

/* "a:b:c" -> each path, absolute */
static int
split_paths (const char *opt, const char *list, bool allow_all, char ***out,
             struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (list);
  char *save = NULL;
  for (char *p = strtok_r (copy, ":", &save); p != NULL; p = strtok_r (NULL, ":", &save))
    {
      if (p[0] != '/' && !(allow_all && strcmp (p, "ALL") == 0))
        return invalid (opt, err);
      skiff_strv_push (out, p);
    }
  return *list == '\0' ? invalid (opt, err) : 0;
}

static int
security_opt (const char *opt, struct skiff_container_security *out, struct skiff_error **err)
{
  if (strcmp (opt, "no-new-privileges") == 0)
    {
      out->no_new_privileges = true;
      return 0;
    }
  const char *sep = strpbrk (opt, "=:");
  if (sep == NULL)
    return invalid (opt, err);
  _cleanup_free_ char *key = xstrndup (opt, (size_t)(sep - opt));
  const char *value = sep + 1;
  if (strcmp (key, "no-new-privileges") == 0)
    return parse_bool (value, &out->no_new_privileges) < 0 ? invalid (opt, err) : 0;
  if (strcmp (key, "seccomp") == 0 && strcmp (value, "unconfined") == 0)
    {
      free (out->seccomp);
      out->seccomp = xstrdup ("unconfined");
      return 0;
    }
  if (strcmp (key, "seccomp") == 0)
    return *value ? read_profile (value, out, err) : invalid (opt, err);
  if (strcmp (key, "mask") == 0)
    return split_paths (opt, value, false, &out->mask, err);
  if (strcmp (key, "unmask") == 0)
    return split_paths (opt, value, true, &out->unmask, err);
  /* no LSM here: asking for none of it is what the container gets anyway */
  if ((strcmp (key, "label") == 0 && strcmp (value, "disable") == 0)
      || (strcmp (key, "apparmor") == 0 && strcmp (value, "unconfined") == 0))
    return 0;
  return invalid (opt, err);
}

int
skiff_engine_security_config (const struct skiff_security_spec *spec,
                              struct skiff_container_security *out, struct skiff_error **err)
{
  int r = skiff_sandbox_caps_check (spec->cap_add, spec->cap_drop, err);
  for (size_t i = 0; r == 0 && spec->security_opt && spec->security_opt[i]; i++)
    r = security_opt (spec->security_opt[i], out, err);
  if (r < 0)
    {
      skiff_container_security_clear (out);
      return r;
    }
  out->privileged = spec->privileged;
  out->read_only = spec->read_only;
  out->read_only_tmpfs = spec->read_only_tmpfs;
  out->cap_add = skiff_strv_dup (spec->cap_add);
  out->cap_drop = skiff_strv_dup (spec->cap_drop);
  return 0;
}
