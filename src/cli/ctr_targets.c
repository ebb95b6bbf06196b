/* Which containers a command acts on: its arguments, or --all, --latest, --cidfile (podman's
 * flags), with --ignore dropping the ones that do not exist. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

bool
skiff_cli_is_running (const struct skiff_container *c)
{
  return c->state.status == SKIFF_CONTAINER_RUNNING
         || c->state.status == SKIFF_CONTAINER_RESTARTING;
}

bool
skiff_cli_is_paused (const struct skiff_container *c)
{
  return c->state.status == SKIFF_CONTAINER_RUNNING && c->state.paused;
}

/* podman's validate.CheckAllLatestAndIDFile, in its order and words; no selection at all gets
 * docker's "requires at least 1 argument". */
int
skiff_cli_targets_check (struct skiff_cli *cli, const struct skiff_cli_targets *t, size_t nargs,
                         struct skiff_error **err)
{
  bool cid = t->cidfiles != NULL;
  if (t->latest && t->all)
    return skiff_error_make_status (err, 125, 0, "--all and --latest cannot be used together");
  if (cid && (t->all || t->latest))
    return skiff_error_make_status (err, 125, 0,
                                    "--all, --latest, and --cidfile cannot be used together");
  if (t->latest && nargs > 0)
    return skiff_error_make_status (err, 125, 0, "--latest and containers cannot be used together");
  if (cid && nargs > 0)
    return skiff_error_make_status (err, 125, 0,
                                    "no arguments are needed with --latest or --cidfile");
  if (t->all && nargs > 0)
    return skiff_error_make_status (err, 125, 0, "no arguments are needed with --all");
  if (t->filters && nargs > 0)
    return skiff_error_make_status (err, 125, 0, "--filter takes no arguments");
  if (nargs == 0 && !t->all && !t->latest && !cid && !t->filters)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument.",
                                  cli->command->name);
  return 0;
}

/* The first line of a --cidfile (podman: strings.Split(content, "\n")[0]); a container ID
 * is 64 bytes, so a short bounded read is all it takes (the path may name a device). */
static int
read_cidfile (const char *path, char **out, struct skiff_error **err)
{
  char buf[256];
  size_t len = 0;
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return skiff_error_make_status (err, 125, errno, "reading CIDFile: open %s", path);
  while (len < sizeof buf - 1)
    {
      ssize_t n = read (fd, buf + len, sizeof buf - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make_status (err, 125, errno, "reading CIDFile: read %s", path);
      if (n == 0)
        break;
      len += (size_t)n;
    }
  buf[len] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  *out = xstrdup (buf);
  return 0;
}

/* The IDs want accepts (NULL: all) and the filters match. */
static void
select_ids (struct skiff_store *store, char **ids, bool (*want) (const struct skiff_container *),
            char *const *filters, char ***out)
{
  for (size_t i = 0; ids[i]; i++)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      _cleanup_container_ struct skiff_container *c = NULL;
      if (skiff_container_load (store, ids[i], &c, &e) < 0) /* removed meanwhile */
        continue;
      if ((want == NULL || want (c))
          && (filters == NULL || skiff_cli_ps_filters_match (store, filters, c)))
        skiff_strv_push (out, ids[i]);
    }
}

int
skiff_cli_targets_parse (struct skiff_cli *cli, int argc, char **argv, void *opts,
                         const struct skiff_cli_targets *t,
                         bool (*want) (const struct skiff_container *),
                         struct skiff_opts_result *res, struct skiff_store **store, char ***targets,
                         struct skiff_error **err)
{
  int r = skiff_cli_parse (cli, argc, argv, opts, res, err);
  if (r != 0)
    return r;
  if ((r = skiff_cli_targets_check (cli, t, res->nargs, err)) < 0
      || (r = skiff_cli_store_outside (cli, store, err)) < 0)
    return r;
  return skiff_cli_targets_resolve (*store, t, res->args, want, targets, err);
}

int
skiff_cli_targets_resolve (struct skiff_store *store, const struct skiff_cli_targets *t,
                           char *const *args, bool (*want) (const struct skiff_container *),
                           char ***out, struct skiff_error **err)
{
  _cleanup_strv_ char **list = NULL;
  int r;
  if (t->filters && (r = skiff_cli_ps_filters_check (store, t->filters, NULL, err)) < 0)
    return r;
  if (t->latest)
    {
      char *id = NULL;
      if ((r = skiff_engine_latest (store, &id, err)) < 0)
        return r;
      skiff_strv_push_owned (&list, id);
    }
  else if (t->all || t->filters)
    {
      _cleanup_strv_ char **ids = NULL;
      if ((r = skiff_container_list_ids (store, &ids, err)) < 0)
        return r;
      /* --filter selects among the containers --all would (the command's own want) */
      select_ids (store, ids, want, t->filters, &list);
    }
  for (size_t i = 0; t->cidfiles && t->cidfiles[i]; i++)
    {
      char *id = NULL;
      if ((r = read_cidfile (t->cidfiles[i], &id, err)) < 0)
        return r;
      skiff_strv_push_owned (&list, id);
    }
  for (size_t i = 0; args && args[i]; i++)
    skiff_strv_push (&list, args[i]);
  /* --ignore: a container that does not exist is no error; everything else still is */
  size_t kept = 0;
  for (size_t i = 0; t->ignore && list && list[i]; i++)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      _cleanup_free_ char *id = NULL;
      if (skiff_container_lookup (store, list[i], &id, &e) == -ENOENT)
        free (list[i]);
      else
        list[kept++] = list[i];
    }
  if (t->ignore && list)
    list[kept] = NULL;
  if (list == NULL)
    list = xzalloc (sizeof *list);
  *out = steal_ptr (&list);
  return 0;
}

int
skiff_cli_latest_id (struct skiff_cli *cli, char **id, struct skiff_error **err)
{
  struct skiff_store *store;
  int r = skiff_cli_store_outside (cli, &store, err);
  return r < 0 ? r : skiff_engine_latest (store, id, err);
}

int
skiff_cli_one_container (struct skiff_cli *cli, bool latest, size_t nargs, char **latest_id,
                         struct skiff_error **err)
{
  *latest_id = NULL;
  if (latest && nargs > 0)
    return skiff_error_make_status (err, 125, 0, "--latest and containers cannot be used together");
  if (!latest && nargs != 1)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires exactly 1 argument.",
                                  cli->command->name);
  return latest ? skiff_cli_latest_id (cli, latest_id, err) : 0;
}
