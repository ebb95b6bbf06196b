/* skiff history [-H] [-q] [--no-trunc] IMAGE */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/log.h"
#include "skiff/cleanup.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/xalloc.h"

#define CREATED_BY_MAX 45
#define DEFAULT_TABLE "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"

/* docker's Ellipsis: at most max code points, the last one "…" when cut. */
static char *
ellipsis (const char *s, size_t max)
{
  size_t n = 0, i = 0;
  for (; s[i]; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80 && ++n > max - 1)
      break;
  size_t total = n;
  for (size_t k = i; s[k]; k++)
    total += ((unsigned char)s[k] & 0xc0) != 0x80;
  if (s[i] == '\0' || total <= max)
    return xstrdup (s);
  return xasprintf ("%.*s…", (int)i, s);
}

static yajl_val
history_object (const struct skiff_image_history *h, bool human, bool no_trunc)
{
  yajl_gen g = skiff_json_gen_new (false);
  _cleanup_free_ char *by = xstrdup (h->created_by);
  for (char *p = by; *p; p++)
    if (*p == '\t' || *p == '\n')
      *p = ' ';
  _cleanup_free_ char *id = h->id == NULL ? xstrdup ("<missing>")
                            : no_trunc    ? xasprintf ("sha256:%s", h->id)
                                          : xstrndup (h->id, 12);
  _cleanup_free_ char *shown_by = no_trunc ? xstrdup (by) : ellipsis (by, CREATED_BY_MAX);
  _cleanup_free_ char *size
      = human ? skiff_human_size (h->size) : xasprintf ("%lld", (long long)h->size);
  struct timespec ts;
  bool known = h->created && skiff_time_parse (h->created, &ts) == 0;
  _cleanup_free_ char *ago = known ? skiff_human_duration (time (NULL) - ts.tv_sec) : NULL;
  _cleanup_free_ char *since = ago ? xasprintf ("%s ago", ago) : xstrdup ("N/A");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Comment", h->comment);
  skiff_json_gen_key_string (g, "CreatedAt", known ? h->created : "N/A");
  skiff_json_gen_key_string (g, "CreatedBy", shown_by);
  skiff_json_gen_key_string (g, "CreatedSince", human ? since : known ? h->created : "N/A");
  skiff_json_gen_key_string (g, "ID", id);
  skiff_json_gen_key_string (g, "Size", size);
  yajl_gen_map_close (g);
  yajl_val v = skiff_cli_gen_tree (g);
  yajl_gen_free (g);
  return v;
}

static int
print_history (const struct skiff_image_history *h, size_t n, bool human, bool no_trunc,
               const char *format, struct skiff_error **err)
{
  static const char header_json[]
      = "{\"ID\":\"IMAGE\",\"CreatedSince\":\"CREATED\",\"CreatedAt\":\"CREATED AT\","
        "\"CreatedBy\":\"CREATED BY\",\"Size\":\"SIZE\",\"Comment\":\"COMMENT\"}";
  yajl_val *objs = xzalloc ((n + 1) * sizeof *objs);
  for (size_t i = 0; i < n; i++)
    objs[i] = history_object (&h[i], human, no_trunc);
  return skiff_cli_format_rows (format, DEFAULT_TABLE, header_json, objs, n, err);
}

struct history_opts
{
  bool human, quiet, no_trunc;
  const char *format;
};

#define T struct history_opts
static const struct skiff_opt history_options[] = {
  SKIFF_OPT_S ("format", 0, T, format, "Format output using a custom template"),
  { .name = "human",
    .shorthand = 'H',
    .type = SKIFF_OPT_BOOL,
    .offset = SKIFF_OPT_FIELD (T, human, bool),
    .help = "Print sizes and dates in human readable format",
    .default_text = "true" },
  SKIFF_OPT_B ("no-trunc", 0, T, no_trunc, "Don't truncate output"),
  SKIFF_OPT_B ("quiet", 'q', T, quiet, "Only show image IDs"),
  SKIFF_OPT_END,
};
#undef T
const struct skiff_opt *const skiff_cli_history_groups[] = { history_options, NULL };

int
cmd_history (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct history_opts o = { .human = true };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  bool human = o.human, quiet = o.quiet, no_trunc = o.no_trunc;
  const char *format = o.format;
  if (res.nargs != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff history\" requires exactly 1 argument");
  struct skiff_store *store;
  _cleanup_image_ struct skiff_image *img = NULL;
  log_debug ("history: looking up %s", res.args[0]);
  r = skiff_cli_store (cli, &store, err);
  if (r == 0)
    r = skiff_image_lookup (store, res.args[0], &img, err);
  struct skiff_image_history *h = NULL;
  size_t n = 0;
  if (r == 0)
    r = skiff_image_history (store, img, &h, &n, err);
  if (r < 0)
    return r;
  if (quiet && format == NULL)
    for (size_t i = 0; i < n; i++)
      printf ("%.*s\n", h[i].id == NULL ? 9 : no_trunc ? 64 : 12, h[i].id ? h[i].id : "<missing>");
  else
    r = print_history (h, n, human, no_trunc, format, err);
  skiff_image_history_free (h, n);
  return r;
}
