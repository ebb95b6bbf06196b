/* skiff events: the store's events journal, past records and then live ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/events.h"
#include "skiff/format.h"
#include "skiff/json.h"
#include "skiff/logfile.h"
#include "skiff/store.h"
#include "skiff/template.h"
#include "skiff/xalloc.h"

struct events_opts
{
  char **filters;
  const char *format, *since, *until;
};

#define E struct events_opts
static const struct skiff_opt events_options[] = {
  { .name = "filter",
    .shorthand = 'f',
    .type = SKIFF_OPT_STRINGS,
    .value_name = "filter",
    .offset = SKIFF_OPT_FIELD (E, filters, char **),
    .help = "Filter output based on conditions provided" },
  SKIFF_OPT_S ("format", 0, E, format, "Format the output using the given Go template"),
  SKIFF_OPT_S ("since", 0, E, since, "Show all events created since timestamp"),
  SKIFF_OPT_S ("until", 0, E, until, "Stream events until this timestamp"),
  SKIFF_OPT_END,
};
#undef E
const struct skiff_opt *const skiff_cli_events_groups[] = { events_options, NULL };

/* docker's default line: TIME TYPE ACTION ID (k=v, ...), the time in RFC 3339 with 9 digits */
static void
print_default (yajl_val rec)
{
  yajl_val tn = skiff_json_get (rec, "TimeNano");
  long long ns = YAJL_IS_INTEGER (tn) ? YAJL_GET_INTEGER (tn) : 0;
  time_t secs = (time_t)(ns / 1000000000);
  struct tm tm;
  gmtime_r (&secs, &tm);
  char when[64];
  strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  yajl_val type = skiff_json_get (rec, "Type"), action = skiff_json_get (rec, "Action");
  yajl_val actor = skiff_json_get (rec, "Actor");
  yajl_val id = actor ? skiff_json_get (actor, "ID") : NULL;
  yajl_val attrs = actor ? skiff_json_get (actor, "Attributes") : NULL;
  printf ("%s.%09lldZ %s %s %s", when, ns % 1000000000,
          YAJL_IS_STRING (type) ? YAJL_GET_STRING (type) : "",
          YAJL_IS_STRING (action) ? YAJL_GET_STRING (action) : "",
          YAJL_IS_STRING (id) ? YAJL_GET_STRING (id) : "");
  size_t n = YAJL_IS_OBJECT (attrs) ? attrs->u.object.len : 0;
  /* sorted by key, as docker prints them */
  _cleanup_free_ size_t *order = xmalloc ((n + 1) * sizeof *order);
  for (size_t i = 0; i < n; i++)
    {
      size_t j = i;
      for (; j > 0 && strcmp (attrs->u.object.keys[order[j - 1]], attrs->u.object.keys[i]) > 0; j--)
        order[j] = order[j - 1];
      order[j] = i;
    }
  for (size_t i = 0; i < n; i++)
    {
      yajl_val v = attrs->u.object.values[order[i]];
      printf ("%s%s=%s", i ? ", " : " (", attrs->u.object.keys[order[i]],
              YAJL_IS_STRING (v) ? YAJL_GET_STRING (v) : "");
    }
  printf ("%s\n", n ? ")" : "");
}

static int
emit (yajl_val rec, void *data, struct skiff_error **err)
{
  const struct skiff_template *t = data;
  if (t == NULL)
    print_default (rec);
  else
    {
      _cleanup_free_ char *out = NULL;
      int r = skiff_template_execute (t, rec, &out, err);
      if (r < 0)
        {
          (*err)->exit_code = 1;
          return skiff_error_prefix (err, "template parsing error");
        }
      printf ("%s\n", out);
    }
  fflush (stdout); /* live: a reader sees each event as it comes */
  return 0;
}

static int
build_query (struct events_opts *o, struct skiff_events_query *q, struct skiff_error **err)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  int r;
  memset (q, 0, sizeof *q);
  if (o->since && (r = skiff_logfile_parse_time (o->since, &now, &q->since, err)) < 0)
    return r;
  if (o->until && (r = skiff_logfile_parse_time (o->until, &now, &q->until, err)) < 0)
    return r;
  q->has_since = true; /* without --since (and --until): only what comes from now on */
  if (!o->since && !o->until)
    q->since = now;
  q->has_until = o->until != NULL;
  q->filters = o->filters;
  q->follow = !q->has_until || q->until.tv_sec > now.tv_sec
              || (q->until.tv_sec == now.tv_sec && q->until.tv_nsec > now.tv_nsec);
  return skiff_events_check_filters (o->filters, err);
}

int
cmd_events (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct events_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  _cleanup_free_ char **filters = o.filters;
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && res.nargs != 0)
    return skiff_cli_usage_error (cli, err, "\"skiff events\" accepts no arguments.");
  struct skiff_events_query q;
  if (r < 0 || (r = build_query (&o, &q, err)) < 0)
    return r;
  _cleanup_template_ struct skiff_template *t = NULL;
  if (o.format && *o.format)
    {
      int is_table = 0; /* accepted and ignored, as docker's events does */
      _cleanup_free_ char *text = skiff_format_normalize (o.format, &is_table);
      if ((r = skiff_template_parse (text, &t, err)) < 0)
        {
          (*err)->exit_code = 1;
          return skiff_error_prefix (err, "template parsing error");
        }
    }
  struct skiff_store *store;
  if ((r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  r = skiff_events_read (store->root, &q, emit, t, err);
  return r < 0 ? r : 0;
}
