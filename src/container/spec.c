/* What to run: argv from ENTRYPOINT/CMD and flags, the environment, the working directory.
 * Pure functions (no store, no syscalls besides what the caller passes in). */
#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
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

/* Value of key (length klen) in a "K=V" vector, or NULL. */
static const char *
env_lookup (char *const *envp, const char *key, size_t klen)
{
  for (size_t i = 0; envp && envp[i]; i++)
    if (strncmp (envp[i], key, klen) == 0 && envp[i][klen] == '=')
      return envp[i] + klen + 1;
  return NULL;
}

int
skiff_container_env_option (const char *value, char *const *envp, char ***env,
                            struct skiff_error **err)
{
  const char *eq = strchr (value, '=');
  if (*value == '\0' || eq == value)
    return skiff_error_make_status (err, 125, 0, "invalid environment variable: %s", value);
  if (eq)
    {
      skiff_strv_push (env, value);
      return 0;
    }
  const char *v = env_lookup (envp, value, strlen (value));
  /* Unset in our environment: keep the bare name, which unsets it in the container. */
  skiff_strv_push_owned (env, v ? xasprintf ("%s=%s", value, v) : xstrdup (value));
  return 0;
}

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* One logical line of an env file (already stripped of its end-of-line). */
static int
env_file_line (const char *path, char *line, char *const *envp, char ***env,
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
    skiff_strv_push (env, line);
  else
    {
      const char *v = env_lookup (envp, line, klen);
      if (v)
        skiff_strv_push_owned (env, xasprintf ("%s=%s", line, v));
    }
  return 0;
}

int
skiff_container_env_file_parse (const char *path, const char *text, char *const *envp, char ***env,
                                struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (text);
  char *p = copy;
  if (strncmp (p, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte order mark */
    p += 3;
  while (*p)
    {
      char *nl = strchr (p, '\n');
      char *next = nl ? nl + 1 : p + strlen (p);
      if (nl)
        *nl = '\0';
      size_t len = strlen (p);
      if (len > 0 && p[len - 1] == '\r') /* Go's line scanner drops a CR before LF */
        p[len - 1] = '\0';
      int r = env_file_line (path, p, envp, env, err);
      if (r < 0)
        return r;
      p = next;
    }
  return 0;
}

int
skiff_container_env_file_read (const char *path, char *const *envp, char ***env,
                               struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  int r = skiff_fs_read_file (path, &text, NULL, err);
  if (r < 0)
    return r;
  return skiff_container_env_file_parse (path, text, envp, env, err);
}

static size_t
key_len (const char *entry)
{
  const char *eq = strchr (entry, '=');
  return eq ? (size_t)(eq - entry) : strlen (entry);
}

static ssize_t
find_key (char *const *v, size_t n, const char *key, size_t klen)
{
  for (size_t i = 0; i < n; i++)
    if (v[i] && key_len (v[i]) == klen && strncmp (v[i], key, klen) == 0)
      return (ssize_t)i;
  return -1;
}

/* docker's ReplaceOrAppendEnvValues: same key replaces in place, bare key removes. */
static void
replace_or_append (char ***env, size_t *n, const char *entry)
{
  size_t klen = key_len (entry);
  ssize_t at = find_key (*env, *n, entry, klen);
  if (entry[klen] != '=')
    {
      if (at >= 0)
        {
          free ((*env)[at]);
          (*env)[at] = NULL; /* hole, compacted at the end */
        }
      return;
    }
  if (at >= 0)
    {
      free ((*env)[at]);
      (*env)[at] = xstrdup (entry);
      return;
    }
  *env = xrealloc (*env, (*n + 2) * sizeof (char *));
  (*env)[(*n)++] = xstrdup (entry);
  (*env)[*n] = NULL;
}

char **
skiff_container_build_env (char *const *image_env, char *const *user_env, const char *hostname)
{
  /* Config.Env = user env, then image entries whose key the user did not mention. */
  size_t n_user = skiff_strv_len (user_env);
  _cleanup_strv_ char **config_env = skiff_strv_dup (user_env);
  for (size_t i = 0; image_env && image_env[i]; i++)
    if (find_key (user_env, n_user, image_env[i], key_len (image_env[i])) < 0)
      skiff_strv_push (&config_env, image_env[i]);

  size_t n = 2;
  char **env = xmalloc (3 * sizeof (char *));
  env[0] = xstrdup ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  env[1] = xasprintf ("HOSTNAME=%s", hostname ? hostname : "");
  env[2] = NULL;
  for (size_t i = 0; config_env && config_env[i]; i++)
    replace_or_append (&env, &n, config_env[i]);

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
