/* Health state: docker's rules for a probe's result (daemon/health.go handleProbeResult), and
 * <ctr>/health.json, docker's State.Health, replaced atomically by the writer holding the
 * container lock (the monitor, or `healthcheck run`). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/health.h"
#include "skiff/json.h"
#include "skiff/xalloc.h"

static const char *const status_names[] = { [SKIFF_HEALTH_STARTING] = "starting",
                                            [SKIFF_HEALTH_HEALTHY] = "healthy",
                                            [SKIFF_HEALTH_UNHEALTHY] = "unhealthy" };

const char *
skiff_health_status_name (enum skiff_health_status s)
{
  return (size_t)s < sizeof status_names / sizeof status_names[0] ? status_names[s] : "starting";
}

void
skiff_health_result_clear (struct skiff_health_result *r)
{
  free (r->start);
  free (r->end);
  free (r->output);
  memset (r, 0, sizeof *r);
}

void
skiff_health_state_clear (struct skiff_health_state *st)
{
  for (size_t i = 0; i < st->n_log; i++)
    skiff_health_result_clear (&st->log[i]);
  memset (st, 0, sizeof *st);
}

bool
skiff_health_state_record (struct skiff_health_state *st, const struct skiff_health_config *h,
                           struct skiff_health_result *res, bool in_start_period)
{
  enum skiff_health_status old = st->status;
  if (res->exit_code == 0)
    {
      st->failing_streak = 0;
      st->status = SKIFF_HEALTH_HEALTHY;
    }
  else if (!(in_start_period && st->status == SKIFF_HEALTH_STARTING))
    {
      st->failing_streak++;
      if (st->failing_streak >= skiff_health_retries (h))
        st->status = SKIFF_HEALTH_UNHEALTHY;
    }
  if (st->n_log == SKIFF_HEALTH_LOG_MAX)
    {
      skiff_health_result_clear (&st->log[0]);
      memmove (st->log, st->log + 1, (SKIFF_HEALTH_LOG_MAX - 1) * sizeof st->log[0]);
      st->n_log--;
    }
  st->log[st->n_log++] = *res;
  memset (res, 0, sizeof *res);
  return st->status != old;
}

void
skiff_health_state_gen (yajl_gen g, const struct skiff_health_state *st)
{
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Status", skiff_health_status_name (st->status));
  skiff_json_gen_key_int (g, "FailingStreak", st->failing_streak);
  skiff_json_gen_key (g, "Log");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < st->n_log; i++)
    {
      const struct skiff_health_result *r = &st->log[i];
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "Start", r->start);
      skiff_json_gen_key_string (g, "End", r->end);
      skiff_json_gen_key_int (g, "ExitCode", r->exit_code);
      skiff_json_gen_key_string (g, "Output", r->output ? r->output : "");
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
}

static int
read_result (yajl_val e, const char *what, struct skiff_health_result *r, struct skiff_error **err)
{
  int64_t code = 0;
  int rc;
  if (!YAJL_IS_OBJECT (e))
    return skiff_error_make (err, 0, "%s: \"Log\" entries must be objects", what);
  if ((rc = skiff_json_get_string (e, "Start", what, &r->start, err)) < 0
      || (rc = skiff_json_get_string (e, "End", what, &r->end, err)) < 0
      || (rc = skiff_json_get_string (e, "Output", what, &r->output, err)) < 0
      || (rc = skiff_json_get_int (e, "ExitCode", what, &code, err)) < 0)
    return rc;
  r->exit_code = code < -1 || code > 255 ? -1 : (int)code;
  return 0;
}

int
skiff_health_state_load (const char *ctr_dir, struct skiff_health_state *st,
                         struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (ctr_dir, "health.json");
  _cleanup_yajl_val_ yajl_val root = NULL;
  memset (st, 0, sizeof *st);
  if (!skiff_fs_exists (path))
    return 0;
  int r = skiff_json_parse_file (path, &root, err);
  _cleanup_free_ char *status = NULL;
  int64_t streak = 0;
  if (r < 0 || (r = skiff_json_get_string (root, "Status", path, &status, err)) < 0
      || (r = skiff_json_get_int (root, "FailingStreak", path, &streak, err)) < 0)
    return r;
  for (int s = SKIFF_HEALTH_STARTING; s <= SKIFF_HEALTH_UNHEALTHY; s++)
    if (status && strcmp (status, status_names[s]) == 0)
      st->status = (enum skiff_health_status)s;
  st->failing_streak = streak < 0 || streak > 1000000 ? 0 : (int)streak;
  yajl_val log = skiff_json_get (root, "Log");
  size_t n = log && YAJL_IS_ARRAY (log) ? log->u.array.len : 0;
  size_t first = n > SKIFF_HEALTH_LOG_MAX ? n - SKIFF_HEALTH_LOG_MAX : 0;
  for (size_t i = first; i < n; i++)
    {
      if ((r = read_result (log->u.array.values[i], path, &st->log[st->n_log++], err)) < 0)
        {
          skiff_health_state_clear (st);
          return r;
        }
    }
  return 0;
}

int
skiff_health_state_save (const char *ctr_dir, const struct skiff_health_state *st,
                         struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (ctr_dir, "health.json");
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  size_t len;
  skiff_health_state_gen (g, st);
  _cleanup_free_ char *text = skiff_json_gen_finish (g, &len);
  return skiff_fs_write_atomic (path, text, len, 0600, SKIFF_WRITE_DURABLE, err);
}

int
skiff_container_health_status (const struct skiff_container *c)
{
  _cleanup_free_ char **argv = skiff_health_argv (&c->config.health);
  struct skiff_health_state st;
  if (argv == NULL)
    return -1;
  if (skiff_health_state_load (c->dir, &st, NULL) < 0)
    return SKIFF_HEALTH_STARTING;
  int status = (int)st.status;
  skiff_health_state_clear (&st);
  return status;
}
