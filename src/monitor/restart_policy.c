/* --restart parsing and docker's restart manager rules (moby restartmanager). */
#include "skiff/restart.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

static const char *const mode_names[] = {
  [SKIFF_RESTART_NO] = "no",
  [SKIFF_RESTART_ALWAYS] = "always",
  [SKIFF_RESTART_UNLESS_STOPPED] = "unless-stopped",
  [SKIFF_RESTART_ON_FAILURE] = "on-failure",
};

const char *
skiff_restart_mode_name (enum skiff_restart_mode mode)
{
  return mode_names[mode];
}

/* strconv.Atoi: optional sign, decimal digits, fits an int. */
static int
parse_count (const char *s, int *out)
{
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (*s == '\0' || *s == ' ' || *end != '\0' || errno != 0 || v < INT_MIN || v > INT_MAX)
    return -1;
  *out = (int)v;
  return 0;
}

static int
mode_from_name (const char *name, enum skiff_restart_mode *mode)
{
  if (*name == '\0' || strcmp (name, "never") == 0)
    return *mode = SKIFF_RESTART_NO, 0;
  for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
    if (strcmp (name, mode_names[i]) == 0)
      return *mode = (enum skiff_restart_mode)i, 0;
  return -1;
}

int
skiff_restart_policy_parse (const char *text, struct skiff_restart_policy *out,
                            struct skiff_error **err)
{
  _cleanup_free_ char *name = xstrdup (text);
  char *colon = strchr (name, ':');
  int count = 0;
  if (colon != NULL)
    {
      *colon = '\0';
      if (*name == '\0')
        return skiff_error_make (err, 0,
                                 "invalid restart policy format: no policy provided before colon");
      if (colon[1] != '\0' && parse_count (colon + 1, &count) < 0)
        return skiff_error_make (
            err, 0, "invalid restart policy format: maximum retry count must be an integer");
    }
  enum skiff_restart_mode mode;
  if (mode_from_name (name, &mode) < 0)
    return skiff_error_make (err, 0,
                             "invalid restart policy: unknown policy '%s'; use one of 'no', "
                             "'always', 'on-failure', or 'unless-stopped'",
                             name);
  if (mode != SKIFF_RESTART_ON_FAILURE && count != 0)
    return skiff_error_make (err, 0,
                             "invalid restart policy: maximum retry count can only be used with "
                             "'on-failure'%s",
                             count < 0 ? " and cannot be negative" : "");
  if (count < 0)
    return skiff_error_make (err, 0,
                             "invalid restart policy: maximum retry count cannot be negative");
  out->mode = mode;
  out->max_retries = count;
  return 0;
}

int
skiff_restart_check_rm (const struct skiff_restart_policy *policy, bool rm,
                        struct skiff_error **err)
{
  if (rm && policy->mode != SKIFF_RESTART_NO)
    return skiff_error_make (err, 0, "conflicting options: cannot specify both --restart and --rm");
  return 0;
}

void
skiff_restart_state_reset (struct skiff_restart_state *st)
{
  memset (st, 0, sizeof *st);
}

static void
update_delay (struct skiff_restart_state *st, int64_t run_ms)
{
  if (run_ms >= SKIFF_RESTART_RESET_AFTER_MS)
    st->delay_ms = 0;
  if (st->delay_ms == 0)
    st->delay_ms = SKIFF_RESTART_DELAY_MIN_MS;
  else if (st->delay_ms < SKIFF_RESTART_DELAY_MAX_MS)
    st->delay_ms *= 2;
  if (st->delay_ms > SKIFF_RESTART_DELAY_MAX_MS)
    st->delay_ms = SKIFF_RESTART_DELAY_MAX_MS;
}

static bool
on_failure_applies (const struct skiff_restart_policy *policy, int restart_count, int exit_code)
{
  return exit_code != 0 && (policy->max_retries == 0 || restart_count < policy->max_retries);
}

bool
skiff_restart_should (const struct skiff_restart_policy *policy, struct skiff_restart_state *st,
                      int exit_code, int64_t run_ms)
{
  if (policy->mode == SKIFF_RESTART_NO || st->cancelled)
    return false;
  /* moby computes the delay before deciding, so it advances even on a "no" */
  update_delay (st, run_ms);
  bool restart = false;
  switch (policy->mode)
    {
    case SKIFF_RESTART_ALWAYS:
      restart = true;
      break;
    case SKIFF_RESTART_UNLESS_STOPPED:
      restart = !st->manually_stopped;
      break;
    case SKIFF_RESTART_ON_FAILURE:
      restart = on_failure_applies (policy, st->restart_count, exit_code);
      break;
    case SKIFF_RESTART_NO:
      break;
    }
  if (restart)
    st->restart_count++;
  return restart;
}

bool
skiff_restart_on_boot (const struct skiff_restart_policy *policy,
                       const struct skiff_restart_state *st, int exit_code)
{
  switch (policy->mode)
    {
    case SKIFF_RESTART_ALWAYS:
      return true;
    case SKIFF_RESTART_UNLESS_STOPPED:
      return !st->manually_stopped;
    case SKIFF_RESTART_ON_FAILURE:
      return on_failure_applies (policy, st->restart_count, exit_code);
    case SKIFF_RESTART_NO:
      break;
    }
  return false;
}
