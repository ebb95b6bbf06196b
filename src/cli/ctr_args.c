/* Helpers for commands that take container arguments. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

int
skiff_cli_load_container (struct skiff_store *store, const char *text, struct skiff_container **out,
                          struct skiff_error **err)
{
  _cleanup_free_ char *id = NULL;
  int r = skiff_container_lookup (store, text, &id, err);
  if (r < 0)
    return r;
  struct skiff_error *e = NULL;
  r = skiff_container_load (store, id, out, &e);
  /* removed between the lookup and the read (a parallel rm): gone, as docker says */
  if (r == -ENOENT)
    {
      _cleanup_free_ char *again = NULL;
      struct skiff_error *e2 = NULL;
      if (skiff_container_lookup (store, id, &again, &e2) < 0)
        {
          skiff_error_free (e);
          skiff_error_free (e2);
          skiff_error_make_status (err, 125, 0, "No such container: %s", text);
          if (err != NULL && *err != NULL)
            (*err)->errnum = ENOENT; /* as lookup's: what --ignore looks for */
          return -ENOENT;
        }
    }
  if (r < 0)
    *err = e;
  return r;
}

int
skiff_cli_each_container (struct skiff_store *store, char *const *args,
                          int (*fn) (struct skiff_store *, const char *, void *,
                                     struct skiff_error **),
                          void *data)
{
  int status = 0;
  for (size_t i = 0; args[i]; i++)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      if (fn (store, args[i], data, &e) < 0)
        {
          skiff_cli_print_error (e);
          status = 1; /* docker: any failed argument makes it 1, whatever the cause */
        }
    }
  return status;
}

int
skiff_cli_simple_flags (struct skiff_cli *cli, int argc, char **argv, size_t min_args,
                        struct skiff_opts_result *res, struct skiff_error **err)
{
  char no_fields; /* the command's tables (if any) have only not-yet flags */
  int r = skiff_cli_parse (cli, argc, argv, &no_fields, res, err);
  if (r != 0)
    return r;
  if (res->nargs < min_args)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least %zu argument%s.",
                                  cli->command->name, min_args, min_args == 1 ? "" : "s");
  return 0;
}

static int64_t tree_bytes;

static int
add_size (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)path, (void)ftw;
  if (flag == FTW_F)
    tree_bytes += st->st_size;
  return 0;
}

/* Apparent size of the writable layer (what removal gives back). */
int64_t
skiff_cli_container_rw_size (const struct skiff_container *c)
{
  _cleanup_free_ char *upper = skiff_path_join (c->dir, "upper");
  return skiff_cli_tree_size (upper);
}

int64_t
skiff_cli_tree_size (const char *path)
{
  tree_bytes = 0;
  nftw (path, add_size, 16, FTW_PHYS | FTW_MOUNT);
  return tree_bytes;
}

int
skiff_cli_parse_no_args (struct skiff_cli *cli, int argc, char **argv, void *target,
                         struct skiff_opts_result *res, struct skiff_error **err)
{
  int r = skiff_cli_parse (cli, argc, argv, target, res, err);
  if (r == 0 && res->nargs > 0)
    r = skiff_cli_usage_error (cli, err, "\"skiff %s\" accepts no arguments.", cli->command->name);
  return r;
}

/* Copies what a parallel worker printed to our stdout, until it closes its end. */
static void
copy_output (int fd)
{
  char buf[4096];
  ssize_t n;
  while ((n = read (fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      fwrite (buf, 1, (size_t)n, stdout);
  fflush (stdout);
}

/* One forked worker per argument; each prints into a pipe of its own, copied out in argument
 * order (docker's parallelOperation: "make sure result is printed in correct order"). */
int
skiff_cli_each_container_parallel (struct skiff_store *store, char *const *args,
                                   int (*fn) (struct skiff_store *, const char *, void *,
                                              struct skiff_error **),
                                   void *data)
{
  if (args[0] == NULL || args[1] == NULL)
    return skiff_cli_each_container (store, args, fn, data);
  fflush (stdout);
  fflush (stderr);
  size_t n = skiff_strv_len (args);
  pid_t *kids = xzalloc (n * sizeof *kids);
  int *outs = xzalloc (n * sizeof *outs);
  int status = 0;
  for (size_t i = 0; i < n; i++)
    {
      int p[2] = { -1, -1 };
      kids[i] = pipe2 (p, O_CLOEXEC) == 0 ? fork () : -1;
      if (kids[i] == 0)
        {
          char *one[] = { args[i], NULL };
          dup2 (p[1], STDOUT_FILENO);
          int st = skiff_cli_each_container (store, one, fn, data);
          fflush (stdout);
          _exit (st);
        }
      outs[i] = p[0];
      if (p[1] >= 0)
        close (p[1]);
      if (kids[i] < 0) /* no more processes: do this one here, in order after the others */
        {
          if (outs[i] >= 0)
            close (outs[i]);
          outs[i] = -1;
        }
    }
  for (size_t i = 0; i < n; i++)
    {
      int st = 0;
      if (kids[i] < 0)
        {
          char *one[] = { args[i], NULL };
          st = skiff_cli_each_container (store, one, fn, data);
          fflush (stdout);
          status = status ? status : st;
          continue;
        }
      copy_output (outs[i]);
      close (outs[i]);
      while (waitpid (kids[i], &st, 0) < 0 && errno == EINTR)
        ;
      if (st != 0 && status == 0)
        status = WIFEXITED (st) ? WEXITSTATUS (st) : 1;
    }
  free (outs);
  free (kids);
  return status;
}
