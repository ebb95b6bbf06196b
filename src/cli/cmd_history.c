/* skiff history [-H] [-q] [--no-trunc] IMAGE */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
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

int
cmd_history (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  enum
  {
    OPT_NO_TRUNC = 256,
    OPT_FORMAT,
  };
  static const struct option opts[] = {
    { "human", optional_argument, NULL, 'H' },
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
    { "format", required_argument, NULL, OPT_FORMAT },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  bool human = true, quiet = false, no_trunc = false;
  const char *format = NULL;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":Hqh", opts, NULL)) != -1)
    switch (c)
      {
      case 'H':
        human = optarg == NULL || strcmp (optarg, "false") != 0;
        break;
      case 'q':
        quiet = true;
        break;
      case OPT_NO_TRUNC:
        no_trunc = true;
        break;
      case OPT_FORMAT:
        format = optarg;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (argc - optind != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff history\" requires exactly 1 argument");
  struct skiff_store *store;
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_cli_store (cli, &store, err);
  if (r == 0)
    r = skiff_image_lookup (store, argv[optind], &img, err);
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
