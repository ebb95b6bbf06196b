/* skiff history [-H] [-q] [--no-trunc] IMAGE */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/xalloc.h"

#define CREATED_BY_MAX 45

/* docker's Ellipsis: at most max code points, the last one "…" when cut. */
static char *
ellipsis (const char *s, size_t max)
{
  size_t n = 0, i = 0;
  for (; s[i]; i++)
    if (((unsigned char) s[i] & 0xc0) != 0x80 && ++n > max - 1)
      break;
  size_t total = n;
  for (size_t k = i; s[k]; k++)
    total += ((unsigned char) s[k] & 0xc0) != 0x80;
  if (s[i] == '\0' || total <= max)
    return xstrdup (s);
  return xasprintf ("%.*s…", (int) i, s);
}

static char *
created_cell (const char *created, bool human)
{
  struct timespec ts;
  if (created == NULL || skiff_time_parse (created, &ts) < 0)
    return xstrdup ("N/A");
  if (!human)
    return xstrdup (created);
  _cleanup_free_ char *ago = skiff_human_duration (time (NULL) - ts.tv_sec);
  return xasprintf ("%s ago", ago);
}

static void
print_history (const struct skiff_image_history *h, size_t n, bool human, bool no_trunc)
{
  static const char *const headers[] = { "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT" };
  char **cells = xzalloc ((n * 5 + 1) * sizeof *cells);
  for (size_t i = 0; i < n; i++)
    {
      char **row = cells + i * 5;
      _cleanup_free_ char *by = xstrdup (h[i].created_by);
      for (char *p = by; *p; p++)
        if (*p == '\t' || *p == '\n')
          *p = ' ';
      row[0] = h[i].id == NULL ? xstrdup ("<missing>")
               : no_trunc      ? xasprintf ("sha256:%s", h[i].id)
                               : xstrndup (h[i].id, 12);
      row[1] = created_cell (h[i].created, human);
      row[2] = no_trunc ? xstrdup (by) : ellipsis (by, CREATED_BY_MAX);
      row[3] = human ? skiff_human_size (h[i].size) : xasprintf ("%lld", (long long) h[i].size);
      row[4] = xstrdup (h[i].comment);
    }
  skiff_cli_columns_print (stdout, headers, 5, cells, n);
  for (size_t i = 0; i < n * 5; i++)
    free (cells[i]);
  free (cells);
}

int
cmd_history (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  enum
  {
    OPT_NO_TRUNC = 256,
  };
  static const struct option opts[] = {
    { "human", optional_argument, NULL, 'H' },
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  bool human = true, quiet = false, no_trunc = false;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:Hqh", opts, NULL)) != -1)
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
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%.*s\n", h[i].id == NULL ? 9 : no_trunc ? 64 : 12,
              h[i].id ? h[i].id : "<missing>");
  else
    print_history (h, n, human, no_trunc);
  skiff_image_history_free (h, n);
  return 0;
}
