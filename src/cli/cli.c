#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/netholder.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

int
skiff_cli_store (struct skiff_cli *cli, struct skiff_store **out, struct skiff_error **err)
{
  /* rootless: the network holder's user namespace when it runs (or is wanted), else one of
   * our own; idempotent, also after skiff_cli_store_outside */
  int r = skiff_cli_store_outside (cli, out, err);
  if (r == 0)
    r = skiff_netholder_enter (*out, cli->netholder_create, err);
  if (r == 0)
    r = skiff_userns_enter (err);
  if (r < 0)
    return r;
  if (!cli->store_reaped)
    {
      /* inside the namespace: the leftovers hold files of mapped ids */
      skiff_store_reap_temp (*out);
      cli->store_reaped = true;
    }
  return r;
}

int
skiff_cli_store_outside (struct skiff_cli *cli, struct skiff_store **out, struct skiff_error **err)
{
  if (!cli->store_open)
    {
      int r = skiff_store_open (&cli->store, &cli->store_opts, err);
      if (r < 0)
        return r;
      cli->store_open = true;
      if (!cli->store.rootless)
        {
          skiff_store_reap_temp (&cli->store);
          cli->store_reaped = true;
        }
    }
  *out = &cli->store;
  return 0;
}

void
skiff_cli_print_error (const struct skiff_error *e)
{
  fflush (stdout);
  fprintf (stderr, "Error: %s\n", e->msg);
}

int
skiff_cli_help (struct skiff_cli *cli)
{
  const struct skiff_command *c = cli->command;
  printf ("Usage: skiff %s %s\n\n%s\n", c->name, c->usage ? c->usage : "", c->summary);
  if (c->options != NULL)
    {
      _cleanup_free_ char *usage = skiff_opts_usage (c->options);
      if (*usage)
        printf ("\nOptions:\n%s", usage);
    }
  return 0;
}

int
skiff_cli_usage_error (struct skiff_cli *cli, struct skiff_error **err, const char *fmt, ...)
{
  _cleanup_free_ char *msg = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return skiff_error_make_status (err, 125, 0, "%s (see 'skiff %s --help')", msg,
                                  cli->command ? cli->command->name : "");
}
