/* skiff top CONTAINER [ps OPTIONS]: the host's `ps` (default -ef), rows limited to the
 * container's processes, as docker does. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/tabwriter.h"
#include "skiff/xalloc.h"

/* Runs ps with the user's options; *out: its stdout. */
static int
run_ps (char *const *opts, char **out, struct skiff_error **err)
{
  _cleanup_strv_ char **argv = NULL;
  skiff_strv_push (&argv, "ps");
  if (opts[0] == NULL)
    skiff_strv_push (&argv, "-ef");
  for (size_t i = 0; opts[i]; i++)
    skiff_strv_push (&argv, opts[i]);
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  pid_t pid = fork ();
  if (pid == 0)
    {
      dup2 (fds[1], 1);
      execvp ("ps", argv);
      _exit (127);
    }
  close (fds[1]);
  int r = pid < 0 ? skiff_error_make (err, errno, "fork")
                  : skiff_fs_read_fd (fds[0], "ps", out, NULL, err);
  close (fds[0]);
  int st = 0;
  while (pid > 0 && waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  if (r == 0 && !(WIFEXITED (st) && WEXITSTATUS (st) == 0))
    {
      free (*out);
      _cleanup_free_ char *joined = skiff_strv_join (argv, " ");
      r = skiff_error_make (err, 0, "ps: running \"%s\" failed", joined);
    }
  return r;
}

static char **
split_fields (const char *line, size_t max)
{
  char **v = NULL;
  const char *p = line;
  for (size_t n = 0; *p;)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (!*p)
        break;
      size_t len = n + 1 == max ? strlen (p) : strcspn (p, " \t");
      skiff_strv_push_owned (&v, xstrndup (p, len));
      p += len;
      n++;
    }
  return v ? v : xzalloc (sizeof (char *));
}

static bool
has_pid (const pid_t *pids, size_t n, pid_t p)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == p)
      return true;
  return false;
}

static int
print_rows (char *text, const pid_t *pids, size_t n, struct skiff_error **err)
{
  char *save = NULL, *line = strtok_r (text, "\n", &save);
  if (line == NULL)
    return skiff_error_make (err, 0, "ps printed nothing");
  _cleanup_strv_ char **titles = split_fields (line, 0);
  size_t ncols = skiff_strv_len (titles), pid_col = ncols;
  for (size_t i = 0; i < ncols; i++)
    if (strcmp (titles[i], "PID") == 0)
      pid_col = i;
  if (pid_col == ncols)
    return skiff_error_make (err, 0, "Couldn't find PID field in ps output");
  /* docker: tabwriter.NewWriter(out, 20, 1, 3, ' ', 0), cells joined by tabs */
  _cleanup_free_ char *joined = skiff_strv_join (titles, "\t");
  _cleanup_free_ char *table = xasprintf ("%s\n", joined);
  while ((line = strtok_r (NULL, "\n", &save)) != NULL)
    {
      _cleanup_strv_ char **f = split_fields (line, ncols);
      if (skiff_strv_len (f) != ncols || !has_pid (pids, n, (pid_t)atoi (f[pid_col])))
        continue;
      _cleanup_free_ char *row = skiff_strv_join (f, "\t");
      char *more = xasprintf ("%s%s\n", table, row);
      free (table);
      table = more;
    }
  const struct skiff_tabwriter_opts tw = { 20, 1, 3, ' ' };
  _cleanup_free_ char *out = skiff_tabwriter_format (table, strlen (table), &tw);
  fputs (out, stdout);
  return 0;
}

/* the options struct is the one bool */
static const struct skiff_opt top_options[] = {
  { .name = "latest",
    .shorthand = 'l',
    .type = SKIFF_OPT_BOOL,
    .offset = 0,
    .help = "Act on the latest container skiff is aware of" },
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_top_groups[] = { top_options, NULL };

int
cmd_top (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  _cleanup_free_ pid_t *pids = NULL;
  _cleanup_free_ char *text = NULL;
  size_t n = 0;
  /* the command stops at its first positional (cli.h stop_at_positional): what follows
   * CONTAINER are ps's options */
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_free_ char *latest = NULL;
  bool want_latest = false;
  int r = skiff_cli_parse (cli, argc, argv, &want_latest, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  /* with --latest every positional is a ps option */
  if (r == 0 && !want_latest && res.nargs == 0)
    r = skiff_cli_usage_error (cli, err, "\"skiff top\" requires at least 1 argument.");
  if (r == 0 && want_latest)
    r = skiff_cli_latest_id (cli, &latest, err);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, latest ? latest : res.args[0], &c, err)) < 0
      || (r = skiff_container_pids (c, &pids, &n, err)) < 0
      || (r = run_ps (res.args + (latest ? 0 : 1), &text, err)) < 0)
    return r;
  return print_rows (text, pids, n, err);
}
