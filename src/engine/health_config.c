/* create's share of health checks: the flags checked as docker's CLI and daemon do, and merged
 * with the image's HEALTHCHECK as docker's daemon merges them (daemon/commit.go merge): a
 * flag given wins, what is not given comes from the image. */
#include <string.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/health.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/strv.h"

/* --health-cmd: a shell command (docker), a JSON array (podman: its first word CMD,
 * CMD-SHELL or NONE, else CMD is meant), or podman's "none". */
static int
health_test (const char *cmd, char ***out, struct skiff_error **err)
{
  if (strcmp (cmd, "none") == 0)
    {
      skiff_strv_push (out, "NONE");
      return 0;
    }
  if (cmd[0] != '[')
    {
      skiff_strv_push (out, "CMD-SHELL");
      skiff_strv_push (out, cmd);
      return 0;
    }
  _cleanup_yajl_val_ yajl_val root = NULL;
  _cleanup_strv_ char **words = NULL;
  struct skiff_error *e = NULL;
  /* wrapped so the shared getter reads the array and refuses other types */
  _cleanup_free_ char *doc = NULL;
  size_t len = strlen (cmd);
  doc = malloc (len + 8);
  if (doc == NULL)
    return skiff_error_make (err, ENOMEM, "--health-cmd");
  memcpy (doc, "{\"T\":", 5);
  memcpy (doc + 5, cmd, len);
  memcpy (doc + 5 + len, "}", 2);
  if (skiff_json_parse (doc, "--health-cmd", &root, &e) < 0
      || skiff_json_get_strv (root, "T", "--health-cmd", &words, &e) < 0 || words == NULL
      || words[0] == NULL)
    {
      skiff_error_free (e);
      return skiff_error_make_status (err, 125, 0,
                                      "invalid --health-cmd %s: not a JSON array "
                                      "of strings with a command",
                                      cmd);
    }
  if (strcmp (words[0], "CMD") != 0 && strcmp (words[0], "CMD-SHELL") != 0
      && strcmp (words[0], "NONE") != 0)
    skiff_strv_push (out, "CMD");
  for (size_t i = 0; words[i]; i++)
    skiff_strv_push (out, words[i]);
  return 0;
}

static int
check_min (int64_t ns, const char *what, struct skiff_error **err)
{
  if (ns != 0 && ns < SKIFF_HEALTH_MIN_NS)
    return skiff_error_make_status (err, 125, 0, "%s in Healthcheck cannot be less than 1ms", what);
  return 0;
}

int
skiff_engine_health_check (const struct skiff_health_spec *h, struct skiff_error **err)
{
  int r;
  if (h->none && (h->cmd || h->interval_ns || h->timeout_ns || h->start_period_ns || h->retries))
    return skiff_error_make_status (err, 125, 0,
                                    "--no-healthcheck conflicts with --health-* options");
  const struct
  {
    int64_t v;
    const char *flag;
  } given[] = { { h->interval_ns, "interval" },
                { h->timeout_ns, "timeout" },
                { h->start_period_ns, "start-period" },
                { h->retries, "retries" } };
  for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) /* docker's CLI */
    if (given[i].v < 0)
      return skiff_error_make_status (err, 125, 0, "--health-%s cannot be negative", given[i].flag);
  if ((r = check_min (h->interval_ns, "Interval", err)) < 0
      || (r = check_min (h->timeout_ns, "Timeout", err)) < 0
      || (r = check_min (h->start_period_ns, "StartPeriod", err)) < 0)
    return r;
  if (h->on_failure && skiff_health_action_parse (h->on_failure) < 0)
    return skiff_error_make_status (err, 125, 0,
                                    "invalid on-failure action \"%s\" for health check: "
                                    "supported actions are: none,kill,restart,stop",
                                    h->on_failure);
  _cleanup_strv_ char **test = NULL;
  return h->cmd ? health_test (h->cmd, &test, err) : 0;
}

int
skiff_engine_health_config (const struct skiff_health_spec *h, const struct skiff_image *img,
                            struct skiff_health_config *out, struct skiff_error **err)
{
  const struct skiff_health_config *ih = &img->config.healthcheck;
  int r = 0;
  if (h->none)
    skiff_strv_push (&out->test, "NONE");
  else if (h->cmd)
    r = health_test (h->cmd, &out->test, err);
  else
    out->test = skiff_strv_dup (ih->test);
  out->interval_ns = h->interval_ns ? h->interval_ns : ih->interval_ns;
  out->timeout_ns = h->timeout_ns ? h->timeout_ns : ih->timeout_ns;
  out->start_period_ns = h->start_period_ns ? h->start_period_ns : ih->start_period_ns;
  out->retries = h->retries ? h->retries : ih->retries;
  out->on_failure = h->on_failure
                        ? (enum skiff_health_action)skiff_health_action_parse (h->on_failure)
                        : SKIFF_HEALTH_ACTION_NONE;
  return r;
}
