/* skiff_engine_exec: a process in a running container, from a spec: the environment (the
 * container's, then env-file lines and -e), the working directory and the sandbox config. */
#include <string.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/sandbox.h"
#include "skiff/strv.h"

/* Docker: the container's environment (TERM=xterm first with -t, so the container's own TERM
 * wins), then env-file lines and -e values replacing same keys in place. */
static int
exec_env (const struct skiff_exec_spec *spec, const struct skiff_container *c, char ***out,
          struct skiff_error **err)
{
  _cleanup_strv_builder_ struct skiff_strv_builder env = { 0 };
  int r;
  if (spec->tty)
    skiff_strv_builder_push (&env, "TERM=xterm");
  for (size_t i = 0; c->config.env && c->config.env[i]; i++)
    skiff_strv_builder_push (&env, c->config.env[i]);
  if ((r = skiff_engine_user_env (spec->env_files, spec->env, &env, err)) < 0)
    return r;
  *out = skiff_container_build_env (NULL, env.v, c->config.hostname);
  return 0;
}

int
skiff_engine_exec (const struct skiff_container *c, const struct skiff_exec_spec *spec, pid_t *pid,
                   struct skiff_error **err)
{
  _cleanup_strv_ char **env = NULL;
  _cleanup_free_ char *cwd = NULL;
  int r = exec_env (spec, c, &env, err);
  if (r < 0 || (r = skiff_container_workdir (spec->workdir, c->config.workdir, &cwd, err)) < 0)
    return r;
  struct skiff_sandbox_config sc;
  memset (&sc, 0, sizeof sc);
  sc.argv = spec->args;
  sc.env = env;
  sc.cwd = cwd;
  sc.user = spec->user ? spec->user : c->config.user;
  skiff_container_security_to_sandbox (&c->config.security, &sc);
  /* c->dir is <root>/containers/<id>: the store's filter cache is <root>/seccomp */
  _cleanup_free_ char *cache = skiff_path_join (c->dir, "../../seccomp");
  sc.seccomp_cache_dir = cache;
  sc.process_privileged = spec->privileged;
  sc.terminal = spec->tty && !spec->detach;
  sc.terminal_master = spec->terminal_master;
  sc.terminal_rows = spec->rows;
  sc.terminal_cols = spec->cols;
  sc.stdin_fd = spec->stdin_fd;
  sc.stdout_fd = spec->stdout_fd;
  sc.stderr_fd = spec->stderr_fd;
  sc.preserve_fds = spec->preserve_fds;
  return skiff_sandbox_exec_in (skiff_container_join_pid (c), &sc, pid, err);
}
