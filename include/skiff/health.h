#pragma once
/* Health checks (docker's HEALTHCHECK, podman's --health-on-failure): the configuration in
 * config.json "Healthcheck" (docker's shape, durations in nanoseconds), the state in
 * <ctr>/health.json (docker's State.Health), docker's rules for a probe's result, and Go's
 * time.ParseDuration for the flags.  Pure but for the state file (src/container/health*.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct skiff_error;

/* docker's defaults (daemon/health.go) */
#define SKIFF_HEALTH_DEFAULT_INTERVAL_NS (30LL * 1000000000LL)
#define SKIFF_HEALTH_DEFAULT_TIMEOUT_NS (30LL * 1000000000LL)
#define SKIFF_HEALTH_DEFAULT_RETRIES 3
#define SKIFF_HEALTH_MIN_NS 1000000LL /* "cannot be less than 1ms" */
#define SKIFF_HEALTH_LOG_MAX 5        /* docker keeps the last 5 results */
#define SKIFF_HEALTH_OUTPUT_MAX 4096  /* and the first 4 KiB of each probe's output */

/* podman's --health-on-failure */
enum skiff_health_action
{
  SKIFF_HEALTH_ACTION_NONE = 0,
  SKIFF_HEALTH_ACTION_KILL,
  SKIFF_HEALTH_ACTION_RESTART,
  SKIFF_HEALTH_ACTION_STOP,
};

struct skiff_health_config
{
  char **test; /* {"CMD", argv...}, {"CMD-SHELL", cmd}, {"NONE"}; NULL: none given */
  int64_t interval_ns, timeout_ns, start_period_ns; /* 0: docker's default */
  int retries;                                      /* 0: docker's default */
  enum skiff_health_action on_failure;
};

void skiff_health_config_clear (struct skiff_health_config *h);
/* The command a probe runs (CMD's argv, or /bin/sh -c for CMD-SHELL; borrowed strings in a
 * vector the caller frees with free()), NULL when there is no check. */
char **skiff_health_argv (const struct skiff_health_config *h);
int64_t skiff_health_interval_ns (const struct skiff_health_config *h);
int64_t skiff_health_timeout_ns (const struct skiff_health_config *h);
int skiff_health_retries (const struct skiff_health_config *h);
/* "none", "kill", "restart", "stop" <-> the enum; parse: -1 for anything else */
const char *skiff_health_action_name (enum skiff_health_action a);
int skiff_health_action_parse (const char *s);
/* config.json "Healthcheck" (absent when h->test is NULL) and "HealthOnFailure" */
void skiff_health_config_gen (yajl_gen g, const struct skiff_health_config *h);
/* Reads docker's Healthcheck object from obj[key] (a container record or an image config;
 * absent or null: nothing), and "HealthOnFailure" when on_failure_key is set. */
int skiff_health_config_read (yajl_val obj, const char *key, const char *on_failure_key,
                              const char *what, struct skiff_health_config *h,
                              struct skiff_error **err);
/* Go's time.ParseDuration ("1m30s", "200ms", "1.5h", "0"); -1 with Go's error text. */
int skiff_health_parse_duration (const char *text, int64_t *ns, struct skiff_error **err);

enum skiff_health_status
{
  SKIFF_HEALTH_STARTING = 0,
  SKIFF_HEALTH_HEALTHY,
  SKIFF_HEALTH_UNHEALTHY,
};
const char *skiff_health_status_name (enum skiff_health_status s);

struct skiff_health_result
{
  char *start, *end; /* RFC 3339 nano */
  int exit_code;     /* -1: it did not finish (timeout) */
  char *output;
};

struct skiff_health_state
{
  enum skiff_health_status status;
  int failing_streak;
  struct skiff_health_result log[SKIFF_HEALTH_LOG_MAX]; /* oldest first */
  size_t n_log;
};

void skiff_health_result_clear (struct skiff_health_result *r);
void skiff_health_state_clear (struct skiff_health_state *st);
/* Docker's handleProbeResult: a success makes it healthy and ends the streak; a failure
 * counts unless the container is still starting within its start period, and `retries` of
 * them in a row make it unhealthy.  The result is taken over (appended to the log, the
 * oldest dropped).  Returns true when the status changed. */
bool skiff_health_state_record (struct skiff_health_state *st, const struct skiff_health_config *h,
                                struct skiff_health_result *res, bool in_start_period);
/* docker's State.Health object */
void skiff_health_state_gen (yajl_gen g, const struct skiff_health_state *st);

/* <ctr_dir>/health.json: a missing file reads as a fresh "starting" state.  The writer holds
 * the container lock; the file is replaced atomically. */
int skiff_health_state_load (const char *ctr_dir, struct skiff_health_state *st,
                             struct skiff_error **err);
int skiff_health_state_save (const char *ctr_dir, const struct skiff_health_state *st,
                             struct skiff_error **err);
