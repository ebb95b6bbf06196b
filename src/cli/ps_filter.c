/* ps --filter: the keys docker and podman accept for containers, their values checked as
 * docker's daemon does (moby daemon/list.go), and the matching (docker's filters.Args: values
 * of one key are alternatives, different keys must all match). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skiff/ports.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/humanize.h"
#include "skiff/logfile.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* docker's acceptedPsFilterTags, then podman's additions */
static const char *const known_keys[] = { "ancestor",
                                          "before",
                                          "exited",
                                          "expose",
                                          "health",
                                          "id",
                                          "isolation",
                                          "is-task",
                                          "label",
                                          "name",
                                          "network",
                                          "publish",
                                          "since",
                                          "status",
                                          "volume",
                                          "label!",
                                          "pod",
                                          "until",
                                          "command",
                                          "restart-policy",
                                          "should-start-on-boot",
                                          NULL };

static const char *const states[]
    = { "created", "restarting", "running", "removing", "paused", "exited", "dead", NULL };
static const char *const healths[] = { "starting", "healthy", "unhealthy", "none", NULL };
static const char *const policies[] = { "no", "always", "on-failure", "unless-stopped", NULL };

static bool
in_list (const char *const *list, const char *s, size_t len)
{
  for (size_t i = 0; list[i]; i++)
    if (strlen (list[i]) == len && strncmp (list[i], s, len) == 0)
      return true;
  return false;
}

int
skiff_cli_parse_filter (const char *value, void *field, struct skiff_error **err)
{
  /* docker's opts.FilterOpt.Set */
  if (strchr (value, '=') == NULL)
    return skiff_error_make_status (err, 125, 0,
                                    "invalid argument \"%s\" for \"-f, --filter\" flag: bad "
                                    "format of filter (expected name=value)",
                                    value);
  skiff_strv_push (field, value);
  return 0;
}

static int
created_of (struct skiff_store *store, const char *text, struct timespec *out,
            struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r < 0)
    return r;
  skiff_time_parse (c->config.created ? c->config.created : "", out);
  return 0;
}

/* One value, as docker checks it before listing: exit 1 like the daemon's errors. */
/* publish=/expose= values: docker's START[-END][/PROTO] (tcp unless given). */
static bool
port_range (const char *v, unsigned *lo, unsigned *hi, char proto[5])
{
  char *end;
  const char *slash = strchr (v, '/');
  const char *p = slash ? slash + 1 : "tcp";
  if (strcmp (p, "tcp") != 0 && strcmp (p, "udp") != 0 && strcmp (p, "sctp") != 0)
    return false;
  strcpy (proto, p);
  unsigned long a = strtoul (v, &end, 10), b = a;
  if (end == v || (*end == '-' && ((b = strtoul (end + 1, &end, 10)) < a)))
    return false;
  if ((*end != '\0' && *end != '/') || a == 0 || b > 65535)
    return false;
  *lo = (unsigned)a;
  *hi = (unsigned)b;
  return true;
}

static int
check_one (struct skiff_store *store, const char *f, size_t klen, struct skiff_error **err)
{
  const char *v = f + klen + 1;
#define KEY(k) (klen == strlen (k) && strncmp (f, k, klen) == 0)
  if (!in_list (known_keys, f, klen))
    return skiff_error_make_status (err, 1, 0, "invalid filter '%.*s'", (int)klen, f);
  if (KEY ("status") && !in_list (states, v, strlen (v)))
    return skiff_error_make_status (err, 1, 0, "invalid filter 'status=%s'", v);
  if (KEY ("health") && !in_list (healths, v, strlen (v)))
    return skiff_error_make_status (err, 1, 0, "Unrecognised filter value for health: %s", v);
  if (KEY ("restart-policy") && !in_list (policies, v, strlen (v)))
    return skiff_error_make_status (err, 1, 0, "invalid filter 'restart-policy=%s'", v);
  if (KEY ("should-start-on-boot") && strcmp (v, "true") != 0 && strcmp (v, "false") != 0)
    return skiff_error_make_status (err, 1, 0, "invalid filter 'should-start-on-boot=%s'", v);
  if (KEY ("is-task") && strcmp (v, "true") != 0 && strcmp (v, "false") != 0)
    return skiff_error_make_status (err, 1, 0, "Invalid filter 'is-task=%s'", v);
  unsigned lo, hi;
  char proto[5];
  if ((KEY ("publish") || KEY ("expose")) && !port_range (v, &lo, &hi, proto))
    return skiff_error_make_status (err, 1, 0,
                                    "invalid filter '%.*s=%s': a port, a range or "
                                    "either with /tcp, /udp or /sctp",
                                    (int)klen, f, v);
  if (KEY ("exited"))
    {
      char *end;
      long code = strtol (v, &end, 10);
      if (*v == '\0' || *end != '\0' || code < INT32_MIN || code > INT32_MAX)
        return skiff_error_make_status (err, 1, 0, "strconv.Atoi: parsing \"%s\": invalid syntax",
                                        v);
    }
  struct timespec ts, now;
  clock_gettime (CLOCK_REALTIME, &now);
  if (((KEY ("before") || KEY ("since")) && created_of (store, v, &ts, err) < 0)
      || (KEY ("until") && skiff_logfile_parse_time (v, &now, &ts, err) < 0))
    {
      (*err)->exit_code = 1;
      return skiff_error_ret (*err);
    }
#undef KEY
  return 0;
}

int
skiff_cli_ps_filters_check (struct skiff_store *store, char *const *filters,
                            const char *const *keys, struct skiff_error **err)
{
  for (size_t i = 0; filters && filters[i]; i++)
    {
      size_t klen = strcspn (filters[i], "=");
      if (keys != NULL && !in_list (keys, filters[i], klen))
        return skiff_error_make_status (err, 1, 0, "invalid filter '%.*s'", (int)klen, filters[i]);
      int r = check_one (store, filters[i], klen, err);
      if (r < 0)
        return r;
    }
  return 0;
}

static bool
has_label (const struct skiff_container_config *cfg, const char *v)
{
  size_t lk = strcspn (v, "=");
  for (size_t i = 0; cfg->labels && cfg->labels[i] && cfg->labels[i + 1]; i += 2)
    if (strlen (cfg->labels[i]) == lk && strncmp (cfg->labels[i], v, lk) == 0)
      return v[lk] == '\0' || strcmp (cfg->labels[i + 1], v + lk + 1) == 0;
  return false;
}

static bool
ancestor_matches (const struct skiff_container_config *cfg, const char *v)
{
  const char *hex = strncmp (v, "sha256:", 7) == 0 ? v + 7 : v;
  return strcmp (cfg->image_name, v) == 0
         || (strlen (hex) >= 3 && strncmp (cfg->image_id, hex, strlen (hex)) == 0);
}

/* Created strictly before (sign < 0) or after (sign > 0) the time of container or moment v. */
static bool
created_cmp (struct skiff_store *store, const struct skiff_container *c, const char *v, int sign,
             bool moment)
{
  _cleanup_error_ struct skiff_error *e = NULL;
  struct timespec ref = { 0 }, mine = { 0 }, now;
  clock_gettime (CLOCK_REALTIME, &now);
  if ((moment ? skiff_logfile_parse_time (v, &now, &ref, &e) : created_of (store, v, &ref, &e)) < 0)
    return false;
  skiff_time_parse (c->config.created ? c->config.created : "", &mine);
  int cmp = mine.tv_sec != ref.tv_sec     ? (mine.tv_sec < ref.tv_sec ? -1 : 1)
            : mine.tv_nsec != ref.tv_nsec ? (mine.tv_nsec < ref.tv_nsec ? -1 : 1)
                                          : 0;
  return cmp == sign;
}

/* docker's publish= (a container port of HostConfig.PortBindings, -p's) and expose= (one of
 * Config.ExposedPorts) in the range. */
static bool
ports_match (const struct skiff_ports_config *pc, bool published, const char *v)
{
  unsigned lo, hi;
  char proto[5];
  if (!port_range (v, &lo, &hi, proto))
    return false;
  for (size_t i = 0; published && i < pc->n; i++)
    if (strcmp (pc->bindings[i].proto, proto) == 0 && pc->bindings[i].port >= lo
        && pc->bindings[i].port <= hi)
      return true;
  for (size_t i = 0; !published && pc->exposed && pc->exposed[i]; i++)
    {
      unsigned port;
      char p[8];
      if (sscanf (pc->exposed[i], "%u/%7s", &port, p) == 2 && strcmp (p, proto) == 0 && port >= lo
          && port <= hi)
        return true;
    }
  return false;
}

/* One filter "key=value" against a container. */
static bool
filter_matches (struct skiff_store *store, const char *filter, const struct skiff_container *c)
{
  const char *v = strchr (filter, '=') + 1;
  size_t klen = (size_t)(v - 1 - filter);
  const struct skiff_container_config *cfg = &c->config;
#define KEY(k) (klen == strlen (k) && strncmp (filter, k, klen) == 0)
  if (KEY ("status"))
    return strcmp (v, skiff_container_state_word (&c->state)) == 0;
  if (KEY ("name"))
    return strstr (cfg->name, *v == '/' ? v + 1 : v) != NULL;
  if (KEY ("id"))
    return strncmp (cfg->id, v, strlen (v)) == 0;
  if (KEY ("ancestor"))
    return ancestor_matches (cfg, v);
  if (KEY ("exited"))
    return c->state.status == SKIFF_CONTAINER_EXITED && atoi (v) == c->state.exit_code;
  if (KEY ("label"))
    return has_label (cfg, v);
  if (KEY ("label!"))
    return !has_label (cfg, v);
  if (KEY ("before") || KEY ("since") || KEY ("until"))
    return created_cmp (store, c, v, KEY ("since") ? 1 : -1, KEY ("until"));
  if (KEY ("health"))
    {
      int h = skiff_container_health_status (c);
      return strcmp (v, h < 0 ? "none" : skiff_health_status_name ((enum skiff_health_status)h))
             == 0;
    }
  if (KEY ("is-task")) /* no swarm */
    return strcmp (v, "false") == 0;
  if (KEY ("isolation")) /* linux: the default, HostConfig.Isolation "" */
    return *v == '\0' || strcmp (v, "default") == 0;
  if (KEY ("network")) /* its mode, or the default bridge network's name */
    return strcmp (v, cfg->network.mode ? cfg->network.mode : "none") == 0
           || (strcmp (v, SKIFF_NETWORK_DEFAULT) == 0 && cfg->network.mode
               && strcmp (cfg->network.mode, "bridge") == 0);
  if (KEY ("command"))
    return cfg->argv && cfg->argv[0] && strcmp (cfg->argv[0], v) == 0;
  if (KEY ("restart-policy"))
    return strcmp (cfg->restart_policy ? cfg->restart_policy : "no", v) == 0;
  if (KEY ("should-start-on-boot")) /* podman's ShouldStartOnBoot */
    {
      const char *p = cfg->restart_policy ? cfg->restart_policy : "no";
      bool boot = strcmp (p, "always") == 0
                  || (strcmp (p, "unless-stopped") == 0 && !c->state.manually_stopped);
      return boot == (strcmp (v, "true") == 0);
    }
  if (KEY ("publish") || KEY ("expose"))
    return ports_match (&cfg->ports, KEY ("publish"), v);
#undef KEY
  return false; /* volume, pod: skiff has none of them */
}

bool
skiff_cli_ps_filters_match (struct skiff_store *store, char *const *filters,
                            const struct skiff_container *c)
{
  for (size_t i = 0; filters && filters[i]; i++)
    {
      size_t klen = strcspn (filters[i], "=");
      bool any = false, seen_earlier = false;
      for (size_t j = 0; j < i; j++)
        seen_earlier = seen_earlier || strncmp (filters[j], filters[i], klen + 1) == 0;
      if (seen_earlier)
        continue;
      for (size_t j = i; filters[j]; j++)
        if (strncmp (filters[j], filters[i], klen + 1) == 0)
          any = any || filter_matches (store, filters[j], c);
      if (!any)
        return false;
    }
  return true;
}
