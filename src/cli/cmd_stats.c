/* skiff stats: CPU, memory and pids of running containers from their cgroups (rootless
 * without one: from /proc of their processes), in docker's columns.  CPU % needs two samples:
 * they are taken 500 ms apart.  Containers that do not run show "--". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
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

int
cmd_stats (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  enum
  {
    OPT_NO_STREAM = 256,
    OPT_FORMAT,
    OPT_NO_TRUNC,
  };
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "no-stream", no_argument, NULL, OPT_NO_STREAM },
    { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
    { "format", required_argument, NULL, OPT_FORMAT },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  bool all = false, stream = true;
  const char *format = NULL;
  struct skiff_store *store;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":ah", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = true;
        break;
      case OPT_NO_STREAM:
        stream = false;
        break;
      case OPT_NO_TRUNC:
        break;
      case OPT_FORMAT:
        format = optarg;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  int r = skiff_cli_store_outside (cli, &store, err);
  struct sample *s = NULL;
  size_t n = 0;
  if (r == 0)
    r = collect (store, argv + optind, all, &s, &n, err);
  do
    {
      if (r == 0 && stream)
        printf ("\033[2J\033[H");
      if (r == 0)
        r = print_samples (s, n, format, err);
      fflush (stdout);
    }
  while (r == 0 && stream);
  for (size_t i = 0; i < n; i++)
    {
      skiff_container_free (s[i].c);
      skiff_engine_stats_free (s[i].src);
    }
  free (s);
  return r;
}
