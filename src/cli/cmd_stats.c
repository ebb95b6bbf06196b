/* skiff stats: CPU, memory and pids of running containers from their cgroups (rootless
 * without one: from /proc of their processes), in docker's columns.  CPU % needs two samples:
 * they are taken 500 ms apart.  Containers that do not run show "--". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define DEFAULT_TABLE                                                                              \
  "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}"  \
  "\t{{.PIDs}}"

struct sample
{
  struct skiff_container *c;
  struct skiff_engine_stats *src; /* NULL: not running */
  struct skiff_engine_usage s0, s1;
  bool have; /* running, both samples taken */
};

/* go-units BytesSize: binary units, 4 significant digits ("1.5MiB", "7.68GiB"). */
static char *
bytes_size (double v)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  size_t i = 0;
  while (v >= 1024 && i + 1 < sizeof units / sizeof units[0])
    v /= 1024, i++;
  return xasprintf ("%.4g%s", v, units[i]);
}

static yajl_val
row_object (const struct sample *s, double elapsed_ns)
{
  _cleanup_free_ char *id = xstrndup (s->c->config.id, SKIFF_CONTAINER_SHORT_ID_LEN);
  _cleanup_free_ char *cpu = NULL, *mem = NULL, *memperc = NULL, *pids = NULL;
  if (s->have)
    {
      uint64_t used = s->s1.mem_used, limit = s->s1.mem_limit;
      _cleanup_free_ char *u = bytes_size ((double)used), *l = bytes_size ((double)limit);
      double dcpu = (double)(s->s1.cpu_ns - s->s0.cpu_ns);
      cpu = xasprintf ("%.2f%%", elapsed_ns > 0 ? dcpu / elapsed_ns * 100.0 : 0.0);
      mem = xasprintf ("%s / %s", u, l);
      memperc = xasprintf ("%.2f%%", limit ? (double)used * 100.0 / (double)limit : 0.0);
      pids = xasprintf ("%llu", (unsigned long long)s->s1.pids);
    }
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "BlockIO", "0B / 0B");
  skiff_json_gen_key_string (g, "CPUPerc", cpu ? cpu : "--");
  skiff_json_gen_key_string (g, "Container", id);
  skiff_json_gen_key_string (g, "ID", id);
  skiff_json_gen_key_string (g, "MemPerc", memperc ? memperc : "--");
  skiff_json_gen_key_string (g, "MemUsage", mem ? mem : "-- / --");
  skiff_json_gen_key_string (g, "Name", s->c->config.name);
  skiff_json_gen_key_string (g, "NetIO", "0B / 0B");
  skiff_json_gen_key_string (g, "PIDs", pids ? pids : "--");
  yajl_gen_map_close (g);
  return skiff_cli_gen_tree (g);
}

static void
take (struct sample *s, size_t n, bool first)
{
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      struct skiff_engine_usage *u = first ? &s[i].s0 : &s[i].s1;
      int r = s[i].src ? skiff_engine_stats_read (s[i].src, u, &e) : -1;
      s[i].have = r == 0 && (first || s[i].have);
    }
}

static int
print_samples (struct sample *s, size_t n, const char *format, struct skiff_error **err)
{
  static const char header_json[]
      = "{\"BlockIO\":\"BLOCK I/O\",\"CPUPerc\":\"CPU %\",\"Container\":\"CONTAINER\","
        "\"ID\":\"CONTAINER ID\",\"MemPerc\":\"MEM %\",\"MemUsage\":\"MEM USAGE / LIMIT\","
        "\"Name\":\"NAME\",\"NetIO\":\"NET I/O\",\"PIDs\":\"PIDS\"}";
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  take (s, n, true);
  const struct timespec gap = { 0, 500 * 1000 * 1000 };
  nanosleep (&gap, NULL);
  take (s, n, false);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  double elapsed = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
  yajl_val *rows = xzalloc ((n + 1) * sizeof *rows);
  for (size_t i = 0; i < n; i++)
    rows[i] = row_object (&s[i], elapsed);
  return skiff_cli_format_rows (format, DEFAULT_TABLE, header_json, rows, n, err);
}

/* The containers to show: the named ones (any must exist), else all running. */
static int
collect (struct skiff_store *store, char *const *args, bool all, struct sample **out, size_t *n,
         struct skiff_error **err)
{
  _cleanup_strv_ char **ids = NULL;
  int r = 0;
  if (args[0] == NULL && (r = skiff_container_list_ids (store, &ids, err)) < 0)
    return r;
  char *const *list = args[0] ? args : ids;
  struct sample *s = xzalloc ((skiff_strv_len (list) + 1) * sizeof *s);
  size_t m = 0;
  for (size_t i = 0; list[i] && r == 0; i++)
    {
      struct skiff_container *c = NULL;
      r = skiff_cli_load_container (store, list[i], &c, err);
      if (r < 0)
        break;
      if (args[0] == NULL && !all && c->state.status != SKIFF_CONTAINER_RUNNING)
        {
          skiff_container_free (c);
          continue;
        }
      s[m].c = c;
      s[m].src = skiff_engine_stats_open (c);
      m++;
    }
  *out = s;
  *n = m;
  return r;
}

struct stats_opts
{
  bool all, latest, no_stream, no_trunc, no_reset;
  const char *format;
  int interval; /* seconds between reports when streaming */
};

static const struct skiff_opt stats_options[] = {
  SKIFF_OPT_B ("all", 'a', struct stats_opts, all,
               "Show all containers (default shows just running)"),
  SKIFF_OPT_S ("format", 0, struct stats_opts, format, "Format output using a custom template"),
  { .name = "interval",
    .shorthand = 'i',
    .type = SKIFF_OPT_INT,
    .value_name = "int",
    .offset = SKIFF_OPT_FIELD (struct stats_opts, interval, int),
    .help = "Time in seconds between stats reports",
    .default_text = "5" },
  SKIFF_OPT_B ("latest", 'l', struct stats_opts, latest,
               "Act on the latest container skiff is aware of"),
  SKIFF_OPT_B ("no-reset", 0, struct stats_opts, no_reset,
               "Disable resetting the screen between intervals"),
  SKIFF_OPT_B ("no-stream", 0, struct stats_opts, no_stream,
               "Disable streaming stats and only pull the first result"),
  SKIFF_OPT_B ("no-trunc", 0, struct stats_opts, no_trunc, "Do not truncate output"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_stats_groups[] = { stats_options, NULL };

/* The flags, and the containers named (or the --latest one) in *args. */
static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct stats_opts *o,
             struct skiff_opts_result *res, char ***args, struct skiff_error **err)
{
  _cleanup_free_ char *latest = NULL;
  int r = skiff_cli_parse (cli, argc, argv, o, res, err);
  if (r != 0)
    return r;
  if (o->interval < 1)
    return skiff_error_make_status (err, 125, 0, "invalid interval, must be a positive number");
  if (o->latest && res->nargs > 0)
    return skiff_error_make_status (err, 125, 0, "--latest and containers cannot be used together");
  if (o->latest && (r = skiff_cli_latest_id (cli, &latest, err)) < 0)
    return r;
  *args = res->args ? skiff_strv_dup (res->args) : NULL;
  if (latest)
    skiff_strv_push (args, latest);
  if (*args == NULL)
    *args = xzalloc (sizeof **args);
  return 0;
}

/* Sleeps what is left of an interval after one report (which itself takes 500 ms). */
static void
wait_interval (int seconds)
{
  struct timespec rest = { seconds - 1, 500 * 1000 * 1000 };
  nanosleep (&rest, NULL);
}

int
cmd_stats (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct stats_opts o = { .interval = 5 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_strv_ char **args = NULL;
  struct skiff_store *store;
  int r = parse_flags (cli, argc, argv, &o, &res, &args, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0)
    r = skiff_cli_store_outside (cli, &store, err);
  struct sample *s = NULL;
  size_t n = 0;
  if (r == 0)
    r = collect (store, args, o.all, &s, &n, err);
  for (bool first = true; r == 0; first = false)
    {
      if (!first)
        wait_interval (o.interval);
      if (!o.no_stream && !o.no_reset)
        printf ("\033[2J\033[H");
      r = print_samples (s, n, o.format, err);
      fflush (stdout);
      if (o.no_stream)
        break;
    }
  for (size_t i = 0; i < n; i++)
    {
      skiff_container_free (s[i].c);
      skiff_engine_stats_free (s[i].src);
    }
  free (s);
  return r;
}
