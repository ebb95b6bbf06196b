/* Health check configuration: docker's Healthcheck object (config.json and image configs),
 * its defaults, the probe's command, podman's --health-on-failure names, and Go's
 * time.ParseDuration for the --health-* flags.  Pure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"
#include "skiff/health.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_health_config_clear (struct skiff_health_config *h)
{
  skiff_strv_free (h->test);
  memset (h, 0, sizeof *h);
}

char **
skiff_health_argv (const struct skiff_health_config *h)
{
  if (h->test == NULL || h->test[0] == NULL || h->test[1] == NULL)
    return NULL; /* none, {"NONE"}, or a kind without a command */
  size_t n = 0;
  while (h->test[n])
    n++;
  char **argv = xzalloc ((n + 3) * sizeof *argv);
  if (strcmp (h->test[0], "CMD") == 0)
    memcpy (argv, h->test + 1, (n - 1) * sizeof *argv);
  else if (strcmp (h->test[0], "CMD-SHELL") == 0)
    {
      argv[0] = (char *)"/bin/sh";
      argv[1] = (char *)"-c";
      argv[2] = h->test[1];
    }
  else
    {
      free (argv);
      return NULL;
    }
  return argv;
}

int64_t
skiff_health_interval_ns (const struct skiff_health_config *h)
{
  return h->interval_ns > 0 ? h->interval_ns : SKIFF_HEALTH_DEFAULT_INTERVAL_NS;
}

int64_t
skiff_health_timeout_ns (const struct skiff_health_config *h)
{
  return h->timeout_ns > 0 ? h->timeout_ns : SKIFF_HEALTH_DEFAULT_TIMEOUT_NS;
}

int
skiff_health_retries (const struct skiff_health_config *h)
{
  return h->retries > 0 ? h->retries : SKIFF_HEALTH_DEFAULT_RETRIES;
}

static const char *const action_names[] = {
  [SKIFF_HEALTH_ACTION_NONE] = "none",
  [SKIFF_HEALTH_ACTION_KILL] = "kill",
  [SKIFF_HEALTH_ACTION_RESTART] = "restart",
  [SKIFF_HEALTH_ACTION_STOP] = "stop",
};

const char *
skiff_health_action_name (enum skiff_health_action a)
{
  return (size_t)a < sizeof action_names / sizeof action_names[0] ? action_names[a] : "none";
}

int
skiff_health_action_parse (const char *s)
{
  for (size_t i = 0; i < sizeof action_names / sizeof action_names[0]; i++)
    if (strcmp (s, action_names[i]) == 0)
      return (int)i;
  return -1;
}

void
skiff_health_config_gen (yajl_gen g, const struct skiff_health_config *h)
{
  if (h->test == NULL)
    return;
  skiff_json_gen_key (g, "Healthcheck");
  yajl_gen_map_open (g);
  skiff_json_gen_key_strv (g, "Test", h->test, true);
  skiff_json_gen_key_int (g, "Interval", h->interval_ns);
  skiff_json_gen_key_int (g, "Timeout", h->timeout_ns);
  skiff_json_gen_key_int (g, "StartPeriod", h->start_period_ns);
  skiff_json_gen_key_int (g, "Retries", h->retries);
  yajl_gen_map_close (g);
  if (h->on_failure != SKIFF_HEALTH_ACTION_NONE)
    skiff_json_gen_key_string (g, "HealthOnFailure", skiff_health_action_name (h->on_failure));
}

/* A hostile record or image: negative or absurd values are refused, not clamped. */
static int
read_ns (yajl_val hc, const char *key, const char *what, int64_t *out, struct skiff_error **err)
{
  int r = skiff_json_get_int (hc, key, what, out, err);
  if (r == 0 && *out < 0)
    return skiff_error_make (err, 0, "%s: Healthcheck \"%s\" cannot be negative", what, key);
  return r;
}

int
skiff_health_config_read (yajl_val obj, const char *key, const char *on_failure_key,
                          const char *what, struct skiff_health_config *h, struct skiff_error **err)
{
  yajl_val hc = skiff_json_get_field (obj, key);
  int r = 0;
  if (hc != NULL && !YAJL_IS_NULL (hc))
    {
      int64_t retries = 0;
      if (!YAJL_IS_OBJECT (hc))
        return skiff_error_make (err, 0, "%s: \"%s\" must be an object", what, key);
      if ((r = skiff_json_get_strv (hc, "Test", what, &h->test, err)) < 0
          || (r = read_ns (hc, "Interval", what, &h->interval_ns, err)) < 0
          || (r = read_ns (hc, "Timeout", what, &h->timeout_ns, err)) < 0
          || (r = read_ns (hc, "StartPeriod", what, &h->start_period_ns, err)) < 0
          || (r = read_ns (hc, "Retries", what, &retries, err)) < 0)
        return r;
      if (retries > 1000000)
        return skiff_error_make (err, 0, "%s: Healthcheck \"Retries\" out of range", what);
      h->retries = (int)retries;
    }
  if (on_failure_key == NULL)
    return 0;
  _cleanup_free_ char *action = NULL;
  if ((r = skiff_json_get_string (obj, on_failure_key, what, &action, err)) < 0)
    return r;
  int a = action ? skiff_health_action_parse (action) : 0;
  if (a < 0)
    return skiff_error_make (err, 0, "%s: unknown \"%s\" %s", what, on_failure_key, action);
  h->on_failure = (enum skiff_health_action)a;
  return 0;
}

/* ---- Go's time.ParseDuration ---- */

static const struct
{
  const char *unit;
  double ns;
} units[] = {
  { "ns", 1 },   { "us", 1e3 }, { "µs", 1e3 }, { "μs", 1e3 },
  { "ms", 1e6 }, { "s", 1e9 },  { "m", 60e9 }, { "h", 3600e9 },
};

static int
bad_duration (const char *text, const char *why, struct skiff_error **err)
{
  return skiff_error_make (err, 0, "time: %s \"%s\"", why, text);
}

int
skiff_health_parse_duration (const char *text, int64_t *ns, struct skiff_error **err)
{
  const char *p = text;
  bool neg = *p == '-';
  if (*p == '-' || *p == '+')
    p++;
  if (strcmp (p, "0") == 0)
    return *ns = 0, 0;
  if (*p == '\0')
    return bad_duration (text, "invalid duration", err);
  double total = 0;
  while (*p)
    {
      if (!(*p == '.' || (*p >= '0' && *p <= '9')))
        return bad_duration (text, "invalid duration", err);
      /* Go takes digits with at most one dot (no exponent, hex or inf as strtod would) */
      size_t span = strspn (p, "0123456789.");
      char num[64];
      const char *dot = memchr (p, '.', span);
      if (span >= sizeof num || span == (dot ? 1u : 0u)
          || (dot && memchr (dot + 1, '.', span - (size_t)(dot + 1 - p))))
        return bad_duration (text, "invalid duration", err);
      memcpy (num, p, span);
      num[span] = '\0';
      double v = strtod (num, NULL);
      p += span;
      size_t ulen = strcspn (p, "0123456789.");
      if (ulen == 0)
        return bad_duration (text, "missing unit in duration", err);
      double mult = 0;
      for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen (units[i].unit) == ulen && strncmp (p, units[i].unit, ulen) == 0)
          mult = units[i].ns;
      if (mult == 0)
        {
          char unit[16];
          snprintf (unit, sizeof unit, "%.*s", (int)(ulen < 15 ? ulen : 15), p);
          return skiff_error_make (err, 0, "time: unknown unit \"%s\" in duration \"%s\"", unit,
                                   text);
        }
      total += v * mult;
      p += ulen;
    }
  if (!(total <= 9.2e18)) /* also NaN */
    return bad_duration (text, "invalid duration", err);
  *ns = (int64_t)(total + 0.5) * (neg ? -1 : 1);
  return 0;
}
