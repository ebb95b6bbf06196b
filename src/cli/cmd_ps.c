/* skiff ps: list containers, newest first, in docker's table, with docker's filters and
 * --format. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/humanize.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define DEFAULT_TABLE                                                                              \
  "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

struct ps_opts
{
  bool all, quiet, no_trunc, latest;
  long last; /* -n; -1 = all */
  const char *format;
  char **filters; /* "key=value" as given */
};

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct ps_opts *o,
             struct skiff_error **err)
{
  enum
  {
    OPT_NO_TRUNC = 256,
    OPT_FORMAT,
  };
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "quiet", no_argument, NULL, 'q' },
    { "latest", no_argument, NULL, 'l' },
    { "last", required_argument, NULL, 'n' },
    { "filter", required_argument, NULL, 'f' },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  int c;
  char *end;
  o->last = -1;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":aqln:f:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        o->all = true;
        break;
      case 'q':
        o->quiet = true;
        break;
      case 'l':
        o->latest = true;
        break;
      case 'n':
        o->last = strtol (optarg, &end, 10);
        if (*end || end == optarg)
          return skiff_cli_usage_error (cli, err, "invalid argument \"%s\" for \"-n, --last\" flag",
                                        optarg);
        break;
      case 'f':
        if (strchr (optarg, '=') == NULL)
          return skiff_error_make (err, 0, "bad format of filter (expected name=value)");
        skiff_strv_push (&o->filters, optarg);
        break;
      case OPT_FORMAT:
        o->format = optarg;
        break;
      case OPT_NO_TRUNC:
        o->no_trunc = true;
        break;
      case 'h':
        return 1;
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind < argc)
    return skiff_cli_usage_error (cli, err, "\"skiff ps\" accepts no arguments.");
  static const char *const known[] = { "status", "name", "id", "ancestor", "label", "exited" };
  for (size_t i = 0; o->filters && o->filters[i]; i++)
    {
      size_t klen = strcspn (o->filters[i], "=");
      bool ok = false;
      for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        ok = ok || (strlen (known[k]) == klen && strncmp (known[k], o->filters[i], klen) == 0);
      if (!ok)
        return skiff_error_make (err, 0, "invalid filter '%.*s'", (int)klen, o->filters[i]);
    }
  return 0;
}

static int64_t
seconds_since (const char *rfc3339, time_t now)
{
  struct timespec ts;
  if (rfc3339 == NULL || skiff_time_parse (rfc3339, &ts) < 0)
    return 0;
  return (int64_t)(now - ts.tv_sec);
}

/* moby's State.String(). */
static char *
status_text (const struct skiff_container_state *st, time_t now)
{
  _cleanup_free_ char *d = NULL;
  switch (st->status)
    {
    case SKIFF_CONTAINER_RUNNING:
      d = skiff_human_duration (seconds_since (st->started_at, now));
      return xasprintf ("Up %s%s", d, st->paused ? " (Paused)" : "");
    case SKIFF_CONTAINER_RESTARTING:
      d = skiff_human_duration (seconds_since (st->finished_at, now));
      return xasprintf ("Restarting (%d) %s ago", st->exit_code, d);
    case SKIFF_CONTAINER_EXITED:
      d = skiff_human_duration (seconds_since (st->finished_at, now));
      return xasprintf ("Exited (%d) %s ago", st->exit_code, d);
    case SKIFF_CONTAINER_REMOVING:
      return xstrdup ("Removal In Progress");
    default:
      return xstrdup ("Created");
    }
}

/* One filter "key=value" against a container. */
static bool
filter_matches (const char *filter, const struct skiff_container *c)
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
    return strcmp (cfg->image_name, v) == 0
           || (strlen (v) >= 3
               && strncmp (cfg->image_id, strncmp (v, "sha256:", 7) == 0 ? v + 7 : v,
                           strlen (v) - (strncmp (v, "sha256:", 7) == 0 ? 7 : 0))
                      == 0);
  if (KEY ("exited"))
    return c->state.status == SKIFF_CONTAINER_EXITED && atoi (v) == c->state.exit_code;
  if (KEY ("label"))
    {
      size_t lk = strcspn (v, "=");
      for (size_t i = 0; cfg->labels && cfg->labels[i] && cfg->labels[i + 1]; i += 2)
        if (strlen (cfg->labels[i]) == lk && strncmp (cfg->labels[i], v, lk) == 0)
          return v[lk] == '\0' || strcmp (cfg->labels[i + 1], v + lk + 1) == 0;
      return false;
    }
#undef KEY
  return false;
}

/* Same key: any may match; different keys: all must (docker's filters.Args). */
static bool
filters_match (char *const *filters, const struct skiff_container *c)
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
          any = any || filter_matches (filters[j], c);
      if (!any)
        return false;
    }
  return true;
}

static char *
labels_text (char *const *labels)
{
  _cleanup_strv_ char **parts = NULL;
  for (size_t i = 0; labels && labels[i] && labels[i + 1]; i += 2)
    skiff_strv_push_owned (&parts, xasprintf ("%s=%s", labels[i], labels[i + 1]));
  return skiff_strv_join (parts, ",");
}

/* Go's time.Time.String() for a whole second, in local time: "2006-01-02 15:04:05 -0700 MST". */
static char *
go_time_string (const char *rfc3339)
{
  struct timespec ts = { 0 };
  struct tm tm;
  char buf[64];
  skiff_time_parse (rfc3339 ? rfc3339 : "", &ts);
  if (localtime_r (&ts.tv_sec, &tm) == NULL
      || strftime (buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z %Z", &tm) == 0)
    return xstrdup ("");
  return xstrdup (buf);
}

/* The object docker's templates see ({{.ID}}, {{.Status}}, {{json .}}...). */
static yajl_val
row_object (const struct skiff_container *c, const struct ps_opts *o, time_t now)
{
  const struct skiff_container_config *cfg = &c->config;
  _cleanup_free_ char *id
      = xstrndup (cfg->id, o->no_trunc ? SKIFF_CONTAINER_ID_LEN : SKIFF_CONTAINER_SHORT_ID_LEN);
  _cleanup_free_ char *cmd = skiff_strv_join (cfg->argv, " ");
  _cleanup_free_ char *cut = o->no_trunc ? xstrdup (cmd) : skiff_cli_ellipsis (cmd, 20);
  _cleanup_free_ char *quoted = skiff_cli_quote (cut);
  _cleanup_free_ char *age = skiff_human_duration (seconds_since (cfg->created, now));
  _cleanup_free_ char *running_for = xasprintf ("%s ago", age);
  _cleanup_free_ char *status = status_text (&c->state, now);
  _cleanup_free_ char *labels = labels_text (cfg->labels);
  _cleanup_free_ char *at = go_time_string (cfg->created);
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Command", quoted);
  skiff_json_gen_key_string (g, "CreatedAt", at);
  skiff_json_gen_key_string (g, "ID", id);
  skiff_json_gen_key_string (g, "Image", cfg->image_name);
  skiff_json_gen_key_string (g, "Labels", labels);
  skiff_json_gen_key_string (g, "LocalVolumes", "0");
  skiff_json_gen_key_string (g, "Mounts", "");
  skiff_json_gen_key_string (g, "Names", cfg->name);
  skiff_json_gen_key_string (g, "Networks", "none");
  skiff_json_gen_key_string (g, "Ports", "");
  skiff_json_gen_key_string (g, "RunningFor", running_for);
  skiff_json_gen_key_string (g, "Size", "0B");
  skiff_json_gen_key_string (g, "State", skiff_container_state_word (&c->state));
  skiff_json_gen_key_string (g, "Status", status);
  yajl_gen_map_close (g);
  return skiff_cli_gen_tree (g);
}

static int
by_created_desc (const void *a, const void *b)
{
  const struct skiff_container *x = *(struct skiff_container *const *)a;
  const struct skiff_container *y = *(struct skiff_container *const *)b;
  struct timespec tx = { 0 }, ty = { 0 };
  skiff_time_parse (x->config.created, &tx);
  skiff_time_parse (y->config.created, &ty);
  if (tx.tv_sec != ty.tv_sec)
    return tx.tv_sec < ty.tv_sec ? 1 : -1;
  return tx.tv_nsec < ty.tv_nsec ? 1 : tx.tv_nsec > ty.tv_nsec ? -1 : 0;
}

/* Loads the containers to show, newest first; ones that vanish while we read are skipped. */
static size_t
load_all (struct skiff_store *store, char **ids, const struct ps_opts *o,
          struct skiff_container ***out)
{
  size_t n = 0;
  struct skiff_container **list = xzalloc ((skiff_strv_len (ids) + 1) * sizeof *list);
  for (size_t i = 0; ids[i]; i++)
    {
      struct skiff_error *e = NULL;
      if (skiff_container_load (store, ids[i], &list[n], &e) < 0)
        skiff_error_free (e);
      else
        n++;
    }
  qsort (list, n, sizeof *list, by_created_desc);
  /* -n / -l count the newest containers of any status (docker), then the filters apply */
  long limit = o->latest ? 1 : o->last;
  bool all = o->all || limit >= 0 || o->filters != NULL;
  size_t kept = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct skiff_container *c = list[i];
      bool show = (limit < 0 || (long)i < limit)
                  && (all || c->state.status == SKIFF_CONTAINER_RUNNING)
                  && filters_match (o->filters, c);
      if (show)
        list[kept++] = c;
      else
        skiff_container_free (c);
    }
  *out = list;
  return kept;
}

static int
print_list (struct skiff_container **list, size_t n, const struct ps_opts *o,
            struct skiff_error **err)
{
  static const char header_json[]
      = "{\"Command\":\"COMMAND\",\"CreatedAt\":\"CREATED AT\",\"ID\":\"CONTAINER ID\","
        "\"Image\":\"IMAGE\",\"Labels\":\"LABELS\",\"LocalVolumes\":\"LOCAL VOLUMES\","
        "\"Mounts\":\"MOUNTS\",\"Names\":\"NAMES\",\"Networks\":\"NETWORKS\",\"Ports\":\"PORTS\","
        "\"RunningFor\":\"CREATED\",\"Size\":\"SIZE\",\"State\":\"STATE\",\"Status\":\"STATUS\"}";
  time_t now = time (NULL);
  yajl_val *rows = xzalloc ((n + 1) * sizeof *rows);
  for (size_t i = 0; i < n; i++)
    rows[i] = row_object (list[i], o, now);
  return skiff_cli_format_rows (o->quiet ? "{{.ID}}" : o->format, DEFAULT_TABLE, header_json, rows,
                                n, err);
}

int
cmd_ps (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct ps_opts o = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **ids = NULL;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0 && (r = skiff_cli_store_outside (cli, &store, err)) == 0
           && (r = skiff_container_list_ids (store, &ids, err)) == 0)
    {
      struct skiff_container **list = NULL;
      size_t n = load_all (store, ids, &o, &list);
      r = print_list (list, n, &o, err);
      for (size_t i = 0; i < n; i++)
        skiff_container_free (list[i]);
      free (list);
    }
  skiff_strv_free (o.filters);
  return r;
}
