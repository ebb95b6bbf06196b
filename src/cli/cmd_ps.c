/* skiff ps: list containers, newest first (or --sort), in docker's table, with docker's and
 * podman's filters (ps_filter.c), --format, --size and --noheading. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define DEFAULT_TABLE                                                                              \
  "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

struct ps_opts
{
  bool all, quiet, no_trunc, latest, external, noheading, size;
  int last; /* -n; -1 = all */
  const char *format;
  const char *sort; /* podman's --sort key; NULL: newest first */
  char **filters;   /* "key=value" as given */
};

static const char *const sort_keys[]
    = { "command", "created", "id", "image", "names", "runningfor", "size", "status", NULL };

static int
parse_sort (const char *value, void *field, struct skiff_error **err)
{
  for (size_t i = 0; sort_keys[i]; i++)
    if (strcmp (value, sort_keys[i]) == 0)
      {
        *(const char **)field = sort_keys[i];
        return 0;
      }
  /* pflag's wording around podman's choice check */
  return skiff_error_make_status (err, 125, 0,
                                  "invalid argument \"%s\" for \"--sort\" flag: \"%s\" is not a "
                                  "valid value.  Choose from: \"command, created, id, image, "
                                  "names, runningfor, size, status\"",
                                  value, value);
}

static const struct skiff_opt ps_options[] = {
  SKIFF_OPT_B ("all", 'a', struct ps_opts, all, "Show all containers (default shows just running)"),
  SKIFF_OPT_B ("external", 0, struct ps_opts, external,
               "Show containers in storage not controlled by skiff"),
  { .name = "filter",
    .shorthand = 'f',
    .type = SKIFF_OPT_FUNC,
    .value_name = "filter",
    .offset = SKIFF_OPT_FIELD (struct ps_opts, filters, char **),
    .parse = skiff_cli_parse_filter,
    .flags = SKIFF_OPT_OWNS_STRV,
    .help = "Filter output based on conditions provided" },
  SKIFF_OPT_S ("format", 0, struct ps_opts, format, "Format output using a custom template"),
  SKIFF_OPT_I ("last", 'n', struct ps_opts, last,
               "Show n last created containers (includes all states)"),
  SKIFF_OPT_B ("latest", 'l', struct ps_opts, latest,
               "Show the latest created container (includes all states)"),
  SKIFF_OPT_B ("no-trunc", 0, struct ps_opts, no_trunc, "Don't truncate output"),
  SKIFF_OPT_B ("noheading", 0, struct ps_opts, noheading, "Do not print headers"),
  SKIFF_OPT_B ("quiet", 'q', struct ps_opts, quiet, "Only display container IDs"),
  SKIFF_OPT_B ("size", 's', struct ps_opts, size, "Display total file sizes"),
  { .name = "sort",
    .type = SKIFF_OPT_FUNC,
    .value_name = "choice",
    .offset = SKIFF_OPT_FIELD (struct ps_opts, sort, const char *),
    .parse = parse_sort,
    .help = "Sort output by: command, created, id, image, names, runningfor, size, status",
    .default_text = "created",
    .complete = "command|created|id|image|names|runningfor|size|status" },
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_ps_groups[] = { ps_options, NULL };

/* A container as ps shows it; the sizes are only computed when asked for (they walk the
 * writable layer). */
struct ps_row
{
  struct skiff_container *c;
  int64_t rw, virt; /* -1: not computed */
};

static int64_t
seconds_since (const char *rfc3339, time_t now)
{
  struct timespec ts;
  if (rfc3339 == NULL || skiff_time_parse (rfc3339, &ts) < 0)
    return 0;
  return (int64_t)(now - ts.tv_sec);
}

/* moby's State.String() (also system df -v's STATUS). */
char *
skiff_cli_status_text (const struct skiff_container *c, time_t now)
{
  _cleanup_free_ char *d = NULL;
  const struct skiff_container_state *st = &c->state;
  int health;
  switch (st->status)
    {
    case SKIFF_CONTAINER_RUNNING:
      d = skiff_human_duration (seconds_since (st->started_at, now));
      if (!st->paused && (health = skiff_container_health_status (c)) >= 0)
        return xasprintf ("Up %s (%s%s)", d, health == SKIFF_HEALTH_STARTING ? "health: " : "",
                          skiff_health_status_name ((enum skiff_health_status)health));
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

/* docker's SIZE: "<writable layer> (virtual <writable + image>)" */
static char *
size_text (const struct ps_row *pr)
{
  if (pr->rw < 0)
    return xstrdup ("0B");
  _cleanup_free_ char *rw = skiff_human_size (pr->rw);
  _cleanup_free_ char *virt = skiff_human_size (pr->virt);
  return pr->virt > 0 ? xasprintf ("%s (virtual %s)", rw, virt) : xstrdup (rw);
}

static void
compute_size (struct skiff_store *store, struct ps_row *pr)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  pr->rw = skiff_cli_container_rw_size (pr->c);
  pr->virt = pr->rw;
  if (skiff_image_load (store, pr->c->config.image_id, &img, &e) == 0) /* it may be gone */
    pr->virt += img->size;
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
row_object (const struct ps_row *pr, const struct ps_opts *o, time_t now)
{
  const struct skiff_container *c = pr->c;
  const struct skiff_container_config *cfg = &c->config;
  _cleanup_free_ char *id
      = xstrndup (cfg->id, o->no_trunc ? SKIFF_CONTAINER_ID_LEN : SKIFF_CONTAINER_SHORT_ID_LEN);
  _cleanup_free_ char *cmd = skiff_strv_join (cfg->argv, " ");
  _cleanup_free_ char *cut = o->no_trunc ? xstrdup (cmd) : skiff_cli_ellipsis (cmd, 20);
  _cleanup_free_ char *quoted = skiff_cli_quote (cut);
  _cleanup_free_ char *age = skiff_human_duration (seconds_since (cfg->created, now));
  _cleanup_free_ char *running_for = xasprintf ("%s ago", age);
  _cleanup_free_ char *status = skiff_cli_status_text (c, now);
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
  _cleanup_free_ char *ports = skiff_cli_ports_column (c);
  skiff_json_gen_key_string (g, "Ports", ports);
  skiff_json_gen_key_string (g, "RunningFor", running_for);
  _cleanup_free_ char *size = size_text (pr);
  skiff_json_gen_key_string (g, "Size", size);
  skiff_json_gen_key_string (g, "State", skiff_container_state_word (&c->state));
  skiff_json_gen_key_string (g, "Status", status);
  yajl_gen_map_close (g);
  return skiff_cli_gen_tree (g);
}

static int64_t
created_ns (const struct skiff_container *c)
{
  struct timespec ts = { 0 };
  skiff_time_parse (c->config.created ? c->config.created : "", &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
by_created_desc (const void *a, const void *b)
{
  int64_t x = created_ns (((const struct ps_row *)a)->c);
  int64_t y = created_ns (((const struct ps_row *)b)->c);
  return x < y ? 1 : x > y ? -1 : 0;
}

static const char *sort_key; /* for qsort's comparator */

static char *
sort_text (const struct skiff_container *c)
{
  if (strcmp (sort_key, "command") == 0)
    return skiff_strv_join (c->config.argv, " ");
  if (strcmp (sort_key, "id") == 0)
    return xstrdup (c->config.id);
  if (strcmp (sort_key, "image") == 0)
    return xstrdup (c->config.image_name);
  if (strcmp (sort_key, "names") == 0)
    return xstrdup (c->config.name);
  return xstrdup (skiff_container_state_word (&c->state));
}

/* podman's sort orders: created/runningfor newest first, size smallest first, the text keys
 * ascending. */
static int
by_sort_key (const void *a, const void *b)
{
  const struct ps_row *x = a, *y = b;
  if (strcmp (sort_key, "created") == 0 || strcmp (sort_key, "runningfor") == 0)
    return by_created_desc (a, b);
  if (strcmp (sort_key, "size") == 0)
    return x->rw < y->rw ? -1 : x->rw > y->rw ? 1 : 0;
  _cleanup_free_ char *tx = sort_text (x->c);
  _cleanup_free_ char *ty = sort_text (y->c);
  return strcmp (tx, ty);
}

static bool
wants_size (const struct ps_opts *o)
{
  return o->size || (o->sort && strcmp (o->sort, "size") == 0)
         || (o->format && strstr (o->format, ".Size") != NULL);
}

/* Loads the containers to show, newest first; ones that vanish while we read are skipped. */
static size_t
load_all (struct skiff_store *store, char **ids, const struct ps_opts *o, struct ps_row **out)
{
  size_t n = 0;
  struct ps_row *list = xzalloc ((skiff_strv_len (ids) + 1) * sizeof *list);
  for (size_t i = 0; ids[i]; i++)
    {
      struct skiff_error *e = NULL;
      list[n].rw = list[n].virt = -1;
      if (skiff_container_load (store, ids[i], &list[n].c, &e) < 0)
        skiff_error_free (e);
      else
        n++;
    }
  qsort (list, n, sizeof *list, by_created_desc);
  /* -n / -l count the newest containers of any status (docker), then the filters apply;
   * stopped ones show with -a, -n, -l or a status filter (moby's includeContainerInList) */
  long limit = o->latest ? 1 : o->last;
  bool all = o->all || limit >= 0;
  for (size_t i = 0; o->filters && o->filters[i]; i++)
    all = all || strncmp (o->filters[i], "status=", 7) == 0;
  size_t kept = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct skiff_container *c = list[i].c;
      bool show = (limit < 0 || (long)i < limit)
                  && (all || c->state.status == SKIFF_CONTAINER_RUNNING)
                  && skiff_cli_ps_filters_match (store, o->filters, c);
      if (show)
        list[kept++] = list[i];
      else
        skiff_container_free (c);
    }
  for (size_t i = 0; wants_size (o) && i < kept; i++)
    compute_size (store, &list[i]);
  if (o->sort)
    {
      sort_key = o->sort;
      qsort (list, kept, sizeof *list, by_sort_key);
    }
  *out = list;
  return kept;
}

static int
print_list (struct ps_row *list, size_t n, const struct ps_opts *o, struct skiff_error **err)
{
  static const char header_json[]
      = "{\"Command\":\"COMMAND\",\"CreatedAt\":\"CREATED AT\",\"ID\":\"CONTAINER ID\","
        "\"Image\":\"IMAGE\",\"Labels\":\"LABELS\",\"LocalVolumes\":\"LOCAL VOLUMES\","
        "\"Mounts\":\"MOUNTS\",\"Names\":\"NAMES\",\"Networks\":\"NETWORKS\",\"Ports\":\"PORTS\","
        "\"RunningFor\":\"CREATED\",\"Size\":\"SIZE\",\"State\":\"STATE\",\"Status\":\"STATUS\"}";
  time_t now = time (NULL);
  yajl_val *rows = xzalloc ((n + 1) * sizeof *rows);
  for (size_t i = 0; i < n; i++)
    rows[i] = row_object (&list[i], o, now);
  /* docker: --size adds the SIZE column to the default table */
  const char *table = o->size ? DEFAULT_TABLE "\t{{.Size}}" : DEFAULT_TABLE;
  return skiff_cli_format_rows (o->quiet ? "{{.ID}}" : o->format, table,
                                o->noheading ? NULL : header_json, rows, n, err);
}

int
cmd_ps (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  /* --external: no other engine's containers share skiff's store, so it adds none */
  struct ps_opts o = { .last = -1 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **ids = NULL;
  int r = skiff_cli_parse_no_args (cli, argc, argv, &o, &res, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0 && (r = skiff_cli_store_outside (cli, &store, err)) == 0
           && (r = skiff_cli_ps_filters_check (store, o.filters, NULL, err)) == 0
           && (r = skiff_container_list_ids (store, &ids, err)) == 0)
    {
      struct ps_row *list = NULL;
      size_t n = load_all (store, ids, &o, &list);
      r = print_list (list, n, &o, err);
      for (size_t i = 0; i < n; i++)
        skiff_container_free (list[i].c);
      free (list);
    }
  skiff_cli_parse_clear (cli, &o, &res);
  return r;
}
