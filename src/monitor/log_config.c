/* --log-driver and --log-opt: which drivers there are, their options and docker's texts for
 * bad ones (moby daemon/logger/jsonfilelog: ValidateLogOpt, New). */
#include "skiff/logfile.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static const char *const driver_names[] = {
  [SKIFF_LOG_K8S_FILE] = "k8s-file",
  [SKIFF_LOG_JSON_FILE] = "json-file",
  [SKIFF_LOG_NONE] = "none",
  [SKIFF_LOG_PASSTHROUGH] = "passthrough",
};

/* docker's and podman's other drivers: named, but there is no such service here */
static const char *const foreign_drivers[]
    = { "journald", "syslog", "local",   "gelf",    "fluentd",
        "awslogs",  "splunk", "etwlogs", "gcplogs", "logentries" };

const char *
skiff_log_driver_name (enum skiff_log_driver d)
{
  return driver_names[d];
}

static int
parse_driver (const char *name, enum skiff_log_driver *out, struct skiff_error **err)
{
  if (name == NULL || *name == '\0')
    return *out = SKIFF_LOG_K8S_FILE, 0;
  for (size_t i = 0; i < sizeof driver_names / sizeof driver_names[0]; i++)
    if (strcmp (name, driver_names[i]) == 0)
      return *out = (enum skiff_log_driver)i, 0;
  for (size_t i = 0; i < sizeof foreign_drivers / sizeof foreign_drivers[0]; i++)
    if (strcmp (name, foreign_drivers[i]) == 0)
      return skiff_error_make_status (err, 125, 0,
                                      "the %s log driver is not supported by skiff: use "
                                      "k8s-file, json-file, none or passthrough",
                                      name);
  return skiff_error_make_status (err, 125, 0, "no log driver named '%s' is registered", name);
}

/* go-units RAMInBytes: a number, an optional binary unit (k, m, g, t, p; b or ib after it). */
static int
parse_size (const char *text, int64_t *out)
{
  char *end;
  errno = 0;
  double v = strtod (text, &end);
  if (end == text || errno || v < 0)
    return -1;
  static const char units[] = "bkmgtp";
  double mult = 1;
  if (*end)
    {
      const char *u = strchr (units, (char)(*end | 0x20));
      if (u == NULL)
        return -1;
      for (const char *q = units; q < u; q++)
        mult *= 1024;
      end++;
      if (*u != 'b' && (strcasecmp (end, "b") == 0 || strcasecmp (end, "ib") == 0))
        end += strlen (end);
      if (*end)
        return -1;
    }
  if (v * mult > (double)INT64_MAX)
    return -1;
  *out = (int64_t)(v * mult);
  return 0;
}

static int
parse_opt (struct skiff_log_config *lc, const char *key, const char *value,
           struct skiff_error **err)
{
  if (strcmp (key, "max-size") == 0)
    {
      if (parse_size (value, &lc->max_size) < 0)
        return skiff_error_make_status (err, 125, 0, "invalid size: '%s'", value);
      if (lc->max_size <= 0)
        return skiff_error_make_status (err, 125, 0, "max-size must be a positive number");
    }
  else if (strcmp (key, "max-file") == 0)
    {
      char *end;
      errno = 0;
      long n = strtol (value, &end, 10);
      if (*value == '\0' || *end || errno || n > INT_MAX)
        return skiff_error_make_status (err, 125, 0, "strconv.Atoi: parsing \"%s\": invalid syntax",
                                        value);
      if (n < 1)
        return skiff_error_make_status (err, 125, 0, "max-file cannot be less than 1");
      lc->max_file = (int)n;
    }
  else if (strcmp (key, "path") == 0)
    {
      if (value[0] != '/')
        return skiff_error_make_status (err, 125, 0, "log path %s must be absolute", value);
      lc->path = value;
    }
  else if (strcmp (key, "tag") == 0)
    lc->tag = value;
  else
    return skiff_error_make_status (err, 125, 0, "unknown log opt '%s' for %s log driver", key,
                                    driver_names[lc->driver]);
  return 0;
}

int
skiff_log_config_parse (const char *driver, char *const *opts, struct skiff_log_config *lc,
                        struct skiff_error **err)
{
  memset (lc, 0, sizeof *lc);
  lc->max_size = -1;
  lc->max_file = 1;
  int r = parse_driver (driver, &lc->driver, err);
  if (r < 0)
    return r;
  bool file = lc->driver == SKIFF_LOG_K8S_FILE || lc->driver == SKIFF_LOG_JSON_FILE;
  if (!file && opts && opts[0])
    return skiff_error_make_status (err, 125, 0, "invalid logging opts for driver %s",
                                    driver_names[lc->driver]);
  for (size_t i = 0; opts && opts[i] && opts[i + 1]; i += 2)
    if ((r = parse_opt (lc, opts[i], opts[i + 1], err)) < 0)
      return r;
  return 0;
}

char **
skiff_log_opts_map (char *const *kv)
{
  char **map = NULL;
  for (size_t i = 0; kv && kv[i]; i++)
    {
      const char *eq = strchr (kv[i], '=');
      skiff_strv_push_owned (&map, eq ? xstrndup (kv[i], (size_t)(eq - kv[i])) : xstrdup (kv[i]));
      skiff_strv_push_owned (&map, xstrdup (eq ? eq + 1 : ""));
    }
  return map;
}

char *
skiff_log_config_path (const struct skiff_log_config *lc, const char *ctr_dir)
{
  if (lc->driver != SKIFF_LOG_K8S_FILE && lc->driver != SKIFF_LOG_JSON_FILE)
    return NULL;
  return lc->path ? xstrdup (lc->path) : skiff_path_join (ctr_dir, "ctr.log");
}
