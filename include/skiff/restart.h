#pragma once
/* Restart policies (--restart) and docker's restart decision and backoff, applied by the
 * per-container monitor.  See /work/shared/spec/restart.md. */

#include <stdbool.h>
#include <stdint.h>

struct skiff_error;

enum skiff_restart_mode
{
  SKIFF_RESTART_NO = 0,
  SKIFF_RESTART_ALWAYS,
  SKIFF_RESTART_UNLESS_STOPPED,
  SKIFF_RESTART_ON_FAILURE,
};

struct skiff_restart_policy
{
  enum skiff_restart_mode mode;
  int max_retries; /* on-failure only; 0 = unlimited */
};

/* Parses "no", "always", "unless-stopped", "on-failure[:N]" ("" and podman's "never" mean
 * "no").  Errors are docker's texts, e.g. "invalid restart policy: unknown policy 'x'; use one
 * of 'no', 'always', 'on-failure', or 'unless-stopped'"; callers report them as usage errors
 * (exit 125). */
int skiff_restart_policy_parse (const char *text, struct skiff_restart_policy *out,
                                struct skiff_error **err);

/* "no", "always", "unless-stopped", "on-failure" (inspect's RestartPolicy.Name). */
const char *skiff_restart_mode_name (enum skiff_restart_mode mode);

/* --rm with a policy other than "no": "conflicting options: cannot specify both --restart and
 * --rm" (docker CLI).  Returns 0 or -EINVAL. */
int skiff_restart_check_rm (const struct skiff_restart_policy *policy, bool rm,
                            struct skiff_error **err);

/* Persisted in the container state; zeroed on a user start/restart. */
struct skiff_restart_state
{
  int64_t delay_ms;      /* current backoff delay; 0 = none yet */
  int restart_count;     /* policy restarts since the last user start (inspect RestartCount) */
  bool manually_stopped; /* stop/kill by the user (HasBeenManuallyStopped) */
  bool cancelled;        /* stop/kill with the stop signal or SIGKILL: never restart again */
};

#define SKIFF_RESTART_DELAY_MIN_MS 100
#define SKIFF_RESTART_DELAY_MAX_MS 60000
#define SKIFF_RESTART_RESET_AFTER_MS 10000

/* A user start: count, delay and the stop flags are reset. */
void skiff_restart_state_reset (struct skiff_restart_state *st);

/* Called when the container exited with exit_code after running run_ms.  Updates the backoff
 * delay (reset when run_ms >= 10 s; then 100 ms, doubling, capped at 60 s), decides, and on
 * "yes" increments restart_count.  Returns true to restart after st->delay_ms. */
bool skiff_restart_should (const struct skiff_restart_policy *policy,
                           struct skiff_restart_state *st, int exit_code, int64_t run_ms);

/* At engine/boot start (podman-restart.service analogue): always; unless-stopped when not
 * manually stopped; on-failure per its rule on the stored exit code. */
bool skiff_restart_on_boot (const struct skiff_restart_policy *policy,
                            const struct skiff_restart_state *st, int exit_code);
