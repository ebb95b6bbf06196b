/* Command lookup in the container's PATH (Go exec.LookPath rules, as runc and crun apply them)
 * and the docker-compatible texts and exit codes for commands that cannot be run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const char *
skiff_env_path (char *const *env)
{
  for (size_t i = 0; env != NULL && env[i] != NULL; i++)
    if (strncmp (env[i], "PATH=", 5) == 0)
      return env[i] + 5;
  return DEFAULT_PATH;
}

static bool
is_executable_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && !S_ISDIR (st.st_mode) && (st.st_mode & 0111) != 0;
}

char *
skiff_exec_lookup (const char *cmd, const char *path)
{
  if (strchr (cmd, '/') != NULL)
    return xstrdup (cmd);
  if (*cmd == '\0')
    return NULL;
  size_t clen = strlen (cmd);
  for (const char *p = path; p != NULL;)
    {
      const char *colon = strchr (p, ':');
      size_t dlen = colon ? (size_t)(colon - p) : strlen (p);
      const char *dir = dlen ? p : ".";
      if (!dlen)
        dlen = 1;
      char *cand = xmalloc (dlen + clen + 2);
      memcpy (cand, dir, dlen);
      cand[dlen] = '/';
      memcpy (cand + dlen + 1, cmd, clen + 1);
      if (is_executable_file (cand))
        return cand;
      free (cand);
      p = colon ? colon + 1 : NULL;
    }
  return NULL;
}

int
skiff_exec_error (struct skiff_error **err, const char *cmd, int e)
{
  bool has_slash = strchr (cmd, '/') != NULL;
  switch (e)
    {
    case 0:
      if (has_slash)
        return skiff_error_make_status (
            err, 127, 0, "exec: \"%s\": stat %s: no such file or directory", cmd, cmd);
      return skiff_error_make_status (err, 127, 0,
                                      "exec: \"%s\": executable file not found in $PATH", cmd);
    case ENOENT:
    case ENOTDIR:
      return skiff_error_make_status (err, 127, 0, "exec: \"%s\": %s: no such file or directory",
                                      cmd, cmd);
    case EACCES:
    case EPERM:
      return skiff_error_make_status (err, 126, 0, "exec: \"%s\": permission denied", cmd);
    case EISDIR:
      return skiff_error_make_status (err, 126, 0, "exec: \"%s\": is a directory", cmd);
    case ENOEXEC:
      return skiff_error_make_status (err, 126, 0, "exec: \"%s\": exec format error", cmd);
    default:
      return skiff_error_make_status (err, 126, e, "exec: \"%s\"", cmd);
    }
}
