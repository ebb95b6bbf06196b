/* The privilege-dropping steps of a container's (or exec's) process, in crun's order
 * (linux.c set_required_caps): bounding set, the seccomp filter while CAP_SYS_ADMIN is still
 * held (without no_new_privs the kernel demands it), keepcaps, setresgid/setresuid (spawn.c),
 * capset and ambient, no_new_privs, the filter (with no_new_privs: last, so that it filters
 * nothing of ours but the execve).  The filter is compiled in the parent: the child only
 * calls seccomp(2). */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"

static bool
is_unconfined (const struct skiff_sandbox_config *cfg)
{
  return cfg->privileged
         || (cfg->seccomp_profile != NULL && strcmp (cfg->seccomp_profile, "unconfined") == 0);
}

static int
compile_filter (const struct skiff_sandbox_config *cfg, uint64_t caps,
                struct skiff_seccomp_bpf *out, struct skiff_error **err)
{
  if (cfg->seccomp_profile == NULL)
    return skiff_seccomp_compile_cached (&skiff_seccomp_default_profile, caps,
                                         cfg->seccomp_cache_dir, out, err);
  struct skiff_seccomp_profile *p = NULL;
  const char *origin = cfg->seccomp_origin ? cfg->seccomp_origin : "(inline)";
  int r = skiff_seccomp_profile_parse (cfg->seccomp_profile, origin, &p, err);
  if (r < 0)
    return r;
  r = skiff_seccomp_compile_cached (p, caps, cfg->seccomp_cache_dir, out, err);
  skiff_seccomp_profile_free (p);
  return r;
}

int
skiff_sandbox_security_prepare (const struct skiff_sandbox_config *cfg,
                                struct skiff_sandbox_security *out, struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  uint64_t container_caps;
  int r = skiff_caps_compute (cfg->cap_add, cfg->cap_drop, cfg->privileged, &container_caps, err);
  if (r < 0)
    return r;
  out->caps = container_caps;
  if (cfg->process_privileged)
    out->caps = skiff_caps_all ();
  if ((r = skiff_caps_user (cfg->process_privileged ? (char *const[]){ "ALL", NULL } : cfg->cap_add,
                            out->caps, &out->user_caps, err))
      < 0)
    return r;
  if (is_unconfined (cfg))
    return 0;
  return compile_filter (cfg, container_caps, &out->filter, err);
}

void
skiff_sandbox_security_clear (struct skiff_sandbox_security *s)
{
  skiff_seccomp_bpf_clear (&s->filter);
}

int
skiff_sandbox_security_before_user (const struct skiff_sandbox_config *cfg,
                                    const struct skiff_sandbox_security *sec, uid_t uid,
                                    struct skiff_error **err)
{
  int r = skiff_caps_limit_bounding (sec->caps, err);
  if (r < 0)
    return r;
  if (!cfg->no_new_privileges && sec->filter.len > 0
      && (r = skiff_seccomp_bpf_load (&sec->filter, err)) < 0)
    return r;
  if (uid != 0 && sec->user_caps != 0 && prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return skiff_error_make (err, errno, "keep capabilities over the user switch");
  return 0;
}

int
skiff_sandbox_security_after_user (const struct skiff_sandbox_security *sec, uid_t uid,
                                   struct skiff_error **err)
{
  /* a uid change resets dumpable to fs.suid_dumpable, which may be 1: an exec joiner must stay
   * non-dumpable (its /proc/<pid>/exe, mem, fd/) until the execve resets it */
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    return skiff_error_make (err, errno, "set non-dumpable");
  if (uid == 0)
    return skiff_caps_set_root (sec->caps, err);
  if (sec->user_caps != 0)
    return skiff_caps_set_user (sec->user_caps, err);
  return 0;
}

int
skiff_sandbox_security_before_exec (const struct skiff_sandbox_config *cfg,
                                    const struct skiff_sandbox_security *sec,
                                    struct skiff_error **err)
{
  if (!cfg->no_new_privileges)
    return 0;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return skiff_error_make (err, errno, "set no_new_privs");
  return sec->filter.len > 0 ? skiff_seccomp_bpf_load (&sec->filter, err) : 0;
}

int
skiff_sandbox_caps_check (char *const *add, char *const *drop, struct skiff_error **err)
{
  uint64_t caps;
  return skiff_caps_compute (add, drop, false, &caps, err);
}

int
skiff_sandbox_seccomp_check (const char *text, const char *origin, struct skiff_error **err)
{
  struct skiff_seccomp_profile *p = NULL;
  int r = skiff_seccomp_profile_parse (text, origin, &p, err);
  skiff_seccomp_profile_free (p);
  return r;
}
