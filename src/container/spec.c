/* What to run: argv from ENTRYPOINT/CMD and flags, the environment, the working directory.
 * Pure functions (no store, no syscalls besides what the caller passes in). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/keyindex.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static void
strv_extend (char ***v, char *const *more)
{
  for (size_t i = 0; more && more[i]; i++)
    skiff_strv_push (v, more[i]);
}

int
skiff_container_build_argv (char *const *image_entrypoint, char *const *image_cmd,
                            const char *user_entrypoint, char *const *user_args, char ***argv_out,
                            char ***entrypoint_out, char ***cmd_out, struct skiff_error **err)
{
  _cleanup_strv_ char **ep = NULL;
  _cleanup_strv_ char **cmd = NULL;
  bool have_args = user_args && user_args[0];

  /* --entrypoint X drops the image's Cmd too; --entrypoint "" drops the image Entrypoint. */
  if (user_entrypoint == NULL)
    ep = skiff_strv_dup (image_entrypoint);
  else if (*user_entrypoint)
    skiff_strv_push (&ep, user_entrypoint);
  if (have_args)
    cmd = skiff_strv_dup (user_args);
  else if (user_entrypoint == NULL)
    cmd = skiff_strv_dup (image_cmd);

  _cleanup_strv_ char **argv = NULL;
  strv_extend (&argv, ep);
  strv_extend (&argv, cmd);
  if (argv == NULL || argv[0] == NULL)
    return skiff_error_make_status (err, 125, 0, "no command specified");
  *argv_out = steal_ptr (&argv);
  if (entrypoint_out)
    *entrypoint_out = steal_ptr (&ep);
  if (cmd_out)
    *cmd_out = steal_ptr (&cmd);
  return 0;
}

/* Value of key (length klen) in a "K=V" vector (the host environment), or NULL. */
static const char *
env_lookup (char *const *envp, const char *key, size_t klen)
{
  for (size_t i = 0; envp && envp[i]; i++)
    if (strncmp (envp[i], key, klen) == 0 && envp[i][klen] == '=')
      return envp[i] + klen + 1;
  return NULL;
}

int
skiff_container_env_option (const char *value, char *const *envp, struct skiff_strv_builder *env,
                            struct skiff_error **err)
{
  const char *eq = strchr (value, '=');
  if (*value == '\0' || eq == value)
    return skiff_error_make_status (err, 125, 0, "invalid environment variable: %s", value);
  if (eq)
    {
      skiff_strv_builder_push (env, value);
      return 0;
    }
  const char *v = env_lookup (envp, value, strlen (value));
  /* Unset in our environment: keep the bare name, which unsets it in the container. */
  skiff_strv_builder_push_owned (env, v ? xasprintf ("%s=%s", value, v) : xstrdup (value));
  return 0;
}

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* One logical line of an env file (already stripped of its end-of-line). */
static int
env_file_line (const char *path, char *line, char *const *envp, struct skiff_strv_builder *env,
               struct skiff_error **err)
{
  while (is_space (*line))
    line++;
  if (*line == '\0' || *line == '#')
    return 0;
  char *eq = strchr (line, '=');
  size_t klen = eq ? (size_t)(eq - line) : strlen (line);
  if (klen == 0)
    return skiff_error_make_status (
        err, 125, 0, "invalid env file (%s): no variable name on line '%s'", path, line);
  if (strcspn (line, " \t") < klen)
    return skiff_error_make_status (err, 125, 0,
                                    "invalid env file (%s): variable '%.*s' contains whitespaces",
                                    path, (int)klen, line);
  if (eq)
    skiff_strv_builder_push (env, line);
  else
    {
      const char *v = env_lookup (envp, line, klen);
      if (v)
        skiff_strv_builder_push_owned (env, xasprintf ("%s=%s", line, v));
    }
  return 0;
}

/* Line number lineno (from 1) of len bytes, without its LF, NUL-terminated at len.  Checks
 * what a C string cannot carry and what Go's line scanner (docker's reader) refuses. */
static int
env_file_raw_line (const char *path, size_t lineno, char *line, size_t len, char *const *envp,
                   struct skiff_strv_builder *env, struct skiff_error **err)
{
  if (lineno == 1 && len >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 BOM */
    {
      line += 3;
      len -= 3;
    }
  if (memchr (line, '\0', len))
    return skiff_error_make_status (err, 125, 0, "invalid env file (%s): NUL byte on line %zu",
                                    path, lineno);
  if (len > 0 && line[len - 1] == '\r') /* Go's line scanner drops a CR before LF */
    line[--len] = '\0';
  return env_file_line (path, line, envp, env, err);
}

int
skiff_container_env_file_parse (const char *path, const char *text, char *const *envp,
                                struct skiff_strv_builder *env, struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (text);
  char *p = copy;
  for (size_t lineno = 1; *p; lineno++)
    {
      char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen (p);
      p[len] = '\0';
      int r = env_file_raw_line (path, lineno, p, len, envp, env, err);
      if (r < 0)
        return r;
      p += len + (nl != NULL);
    }
  return 0;
}

/* Bounded, so that /dev/zero or a pipe without end is an error, not a hang. */
#define ENV_FILE_MAX_LINE 65535u      /* Go's bufio.Scanner limit, which docker reads with */
#define ENV_FILE_MAX_SIZE (16u << 20) /* more than execve takes with a default stack limit */

struct env_file_reader
{
  char buf[ENV_FILE_MAX_LINE + 2]; /* a longest line, its LF, and a NUL */
  size_t used, total, lineno;
};

/* Parses every complete line in r->buf and keeps the incomplete rest at its start. */
static int
env_file_drain (const char *path, struct env_file_reader *r, bool eof, char *const *envp,
                struct skiff_strv_builder *env, struct skiff_error **err)
{
  size_t start = 0;
  for (;;)
    {
      char *nl = memchr (r->buf + start, '\n', r->used - start);
      if (nl == NULL && !(eof && start < r->used))
        break;
      size_t len = nl ? (size_t)(nl - (r->buf + start)) : r->used - start;
      if (len > ENV_FILE_MAX_LINE)
        break;
      r->buf[start + len] = '\0';
      int rc = env_file_raw_line (path, ++r->lineno, r->buf + start, len, envp, env, err);
      if (rc < 0)
        return rc;
      start += len + (nl != NULL);
    }
  memmove (r->buf, r->buf + start, r->used - start);
  r->used -= start;
  if (r->used > ENV_FILE_MAX_LINE)
    return skiff_error_make_status (err, 125, 0,
                                    "invalid env file (%s): line %zu is longer than %u bytes", path,
                                    r->lineno + 1, ENV_FILE_MAX_LINE);
  return 0;
}

int
skiff_container_env_file_read (const char *path, char *const *envp, struct skiff_strv_builder *env,
                               struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  _cleanup_free_ struct env_file_reader *r = xzalloc (sizeof *r);
  for (;;)
    {
      ssize_t n = read (fd, r->buf + r->used, sizeof r->buf - 1 - r->used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "read %s", path);
      r->used += (size_t)n;
      r->total += (size_t)n;
      if (r->total > ENV_FILE_MAX_SIZE)
        return skiff_error_make_status (err, 125, 0, "invalid env file (%s): larger than %u MiB",
                                        path, ENV_FILE_MAX_SIZE >> 20);
      int rc = env_file_drain (path, r, n == 0, envp, env, err);
      if (rc < 0 || n == 0)
        return rc;
    }
}

static size_t
key_len (const char *entry)
{
  const char *eq = strchr (entry, '=');
  return eq ? (size_t)(eq - entry) : strlen (entry);
}

/* docker's ReplaceOrAppendEnvValues step: same key replaces in place, a bare key removes
 * (leaves a hole in env, compacted by the caller).  keys maps a key to its place in env. */
static void
replace_or_append (char **env, size_t *n, struct skiff_key_index *keys, const char *entry)
{
  size_t klen = key_len (entry);
  bool bare = entry[klen] != '=';
  size_t at = skiff_key_index_find (keys, entry, klen);
  if (at != SKIFF_KEY_INDEX_NONE)
    {
      free (env[at]);
      env[at] = bare ? NULL : xstrdup (entry);
      if (bare)
        skiff_key_index_set (keys, entry, klen, SKIFF_KEY_INDEX_NONE);
      return;
    }
  if (bare)
    return;
  env[*n] = xstrdup (entry);
  skiff_key_index_set (keys, entry, klen, (*n)++);
}

/* Linear in the number of entries: an image may carry any number of them. */
char **
skiff_container_build_env (char *const *image_env, char *const *user_env, const char *hostname)
{
  /* Config.Env = user env, then image entries whose key the user did not mention. */
  size_t n_user = skiff_strv_len (user_env), n_image = skiff_strv_len (image_env);
  _cleanup_free_ const char **config_env = xmalloc ((n_user + n_image + 1) * sizeof (char *));
  _cleanup_key_index_ struct skiff_key_index user_keys = { 0 };
  size_t n_config = 0;
  for (size_t i = 0; i < n_user; i++)
    {
      config_env[n_config++] = user_env[i];
      skiff_key_index_set (&user_keys, user_env[i], key_len (user_env[i]), i);
    }
  for (size_t i = 0; i < n_image; i++)
    if (skiff_key_index_find (&user_keys, image_env[i], key_len (image_env[i]))
        == SKIFF_KEY_INDEX_NONE)
      config_env[n_config++] = image_env[i];

  static const char path_entry[]
      = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  _cleanup_free_ char *hostname_entry = xasprintf ("HOSTNAME=%s", hostname ? hostname : "");
  _cleanup_key_index_ struct skiff_key_index keys = { 0 };
  char **env = xzalloc ((n_config + 3) * sizeof (char *));
  size_t n = 0;
  replace_or_append (env, &n, &keys, path_entry);
  replace_or_append (env, &n, &keys, hostname_entry);
  for (size_t i = 0; i < n_config; i++)
    replace_or_append (env, &n, &keys, config_env[i]);

  size_t out = 0;
  for (size_t i = 0; i < n; i++)
    if (env[i])
      env[out++] = env[i];
  env[out] = NULL;
  return env;
}

int
skiff_container_workdir (const char *user_workdir, const char *image_workdir, char **out,
                         struct skiff_error **err)
{
  const char *w = user_workdir && *user_workdir     ? user_workdir
                  : image_workdir && *image_workdir ? image_workdir
                                                    : "/";
  if (*w != '/')
    return skiff_error_make_status (
        err, 125, 0, "the working directory '%s' is invalid, it needs to be an absolute path", w);
  *out = xstrdup (w);
  return 0;
}
