/* skiff ps: list containers, newest first, in docker's table. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/humanize.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct ps_opts
{
  bool all, quiet, no_trunc;
};

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct ps_opts *o,
             struct skiff_error **err)
{
  enum
  {
    OPT_NO_TRUNC = 256,
  };
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, "+:aqh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': o->all = true; break;
      case 'q': o->quiet = true; break;
      case OPT_NO_TRUNC: o->no_trunc = true; break;
      case 'h': return 1;
      default: return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind < argc)
    return skiff_cli_usage_error (cli, err, "\"skiff ps\" accepts no arguments.");
  return 0;
}

static int64_t
seconds_since (const char *rfc3339, time_t now)
{
  struct timespec ts;
  if (rfc3339 == NULL || skiff_time_parse (rfc3339, &ts) < 0)
    return 0;
  return (int64_t) (now - ts.tv_sec);
}

static char *
status_text (const struct skiff_container_state *st, time_t now)
{
  _cleanup_free_ char *d = NULL;
  switch (st->status)
    {
    case SKIFF_CONTAINER_RUNNING:
      d = skiff_human_duration (seconds_since (st->started_at, now));
      return xasprintf ("Up %s", d);
    case SKIFF_CONTAINER_EXITED:
      d = skiff_human_duration (seconds_since (st->finished_at, now));
      return xasprintf ("Exited (%d) %s ago", st->exit_code, d);
    case SKIFF_CONTAINER_REMOVING:
      return xstrdup ("Removal In Progress");
    default:
      return xstrdup ("Created");
    }
}

static void
add_row (struct skiff_cli_table *t, const struct skiff_container *c, const struct ps_opts *o,
         time_t now)
{
  _cleanup_free_ char *id = xstrndup (c->config.id, o->no_trunc ? SKIFF_CONTAINER_ID_LEN
                                                                : SKIFF_CONTAINER_SHORT_ID_LEN);
  _cleanup_free_ char *cmd = skiff_strv_join (c->config.argv, " ");
  _cleanup_free_ char *cut = o->no_trunc ? xstrdup (cmd) : skiff_cli_ellipsis (cmd, 20);
  _cleanup_free_ char *quoted = skiff_cli_quote (cut);
  _cleanup_free_ char *age = skiff_human_duration (seconds_since (c->config.created, now));
  _cleanup_free_ char *created = xasprintf ("%s ago", age);
  _cleanup_free_ char *status = status_text (&c->state, now);
  char *cells[] = { id, c->config.image_name, quoted, created, status, "", c->config.name };
  skiff_cli_table_add (t, cells);
}

static int
by_created_desc (const void *a, const void *b)
{
  const struct skiff_container *x = *(struct skiff_container *const *) a;
  const struct skiff_container *y = *(struct skiff_container *const *) b;
  struct timespec tx = { 0 }, ty = { 0 };
  skiff_time_parse (x->config.created, &tx);
  skiff_time_parse (y->config.created, &ty);
  if (tx.tv_sec != ty.tv_sec)
    return tx.tv_sec < ty.tv_sec ? 1 : -1;
  return tx.tv_nsec < ty.tv_nsec ? 1 : tx.tv_nsec > ty.tv_nsec ? -1 : 0;
}

/* Loads the containers to show; ones that vanish while we read are skipped. */
static size_t
load_all (struct skiff_store *store, char **ids, bool all, struct skiff_container ***out)
{
  size_t n = 0;
  struct skiff_container **list = xzalloc ((skiff_strv_len (ids) + 1) * sizeof *list);
  for (size_t i = 0; ids[i]; i++)
    {
      struct skiff_error *e = NULL;
      struct skiff_container *c = NULL;
      if (skiff_container_load (store, ids[i], &c, &e) < 0)
        {
          skiff_error_free (e);
          continue;
        }
      if (!all && c->state.status != SKIFF_CONTAINER_RUNNING)
        skiff_container_free (c);
      else
        list[n++] = c;
    }
  qsort (list, n, sizeof *list, by_created_desc);
  *out = list;
  return n;
}

int
cmd_ps (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct ps_opts o = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **ids = NULL;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store (cli, &store, err)) < 0
      || (r = skiff_container_list_ids (store, &ids, err)) < 0)
    return r;

  struct skiff_container **list = NULL;
  size_t n = load_all (store, ids, o.all, &list);
  time_t now = time (NULL);
  struct skiff_cli_table *t = skiff_cli_table_new (7);
  char *headers[] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES" };
  skiff_cli_table_add (t, headers);
  for (size_t i = 0; i < n; i++)
    {
      if (o.quiet)
        printf ("%.*s\n", o.no_trunc ? SKIFF_CONTAINER_ID_LEN : SKIFF_CONTAINER_SHORT_ID_LEN,
                list[i]->config.id);
      else
        add_row (t, list[i], &o, now);
      skiff_container_free (list[i]);
    }
  if (!o.quiet)
    skiff_cli_table_print (t, stdout);
  skiff_cli_table_free (t);
  free (list);
  return 0;
}
