/* skiff_cli_parse: a command's option tables (cli.h, options.h) plus the flags docker or podman
 * has for it that skiff does not yet (flags-reference.h), with the CLI's error suffix. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/flags-reference.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/xalloc.h"

#define MAX_GROUPS 16

/* The reference's name of a command: "image untag" is an alias of "untag", "image ls" of
 * "images" (not of a command "ls"), "image rm" of "rmi" (not of the container's "rm"),
 * "unmount" of "umount". */
static const struct skiff_opt *
not_yet_flags (const char *name)
{
  static const char *const renamed[][2] = {
    { "image ls", "images" },          { "image rm", "rmi" },
    { "container ls", "ps" },          { "unmount", "umount" },
    { "container unmount", "umount" },
  };
  for (size_t i = 0; i < sizeof renamed / sizeof renamed[0]; i++)
    if (strcmp (name, renamed[i][0]) == 0)
      return skiff_cli_not_yet_flags (renamed[i][1]);
  const struct skiff_opt *t = skiff_cli_not_yet_flags (name);
  const char *space = strrchr (name, ' ');
  if (t == NULL && space != NULL)
    t = skiff_cli_not_yet_flags (space + 1);
  return t;
}

int
skiff_cli_parse (struct skiff_cli *cli, int argc, char **argv, void *target,
                 struct skiff_opts_result *res, struct skiff_error **err)
{
  const struct skiff_command *c = cli->command;
  const struct skiff_opt *groups[MAX_GROUPS + 2];
  size_t n = 0;
  for (; c->options != NULL && c->options[n] != NULL && n < MAX_GROUPS; n++)
    groups[n] = c->options[n];
  const struct skiff_opt *later = not_yet_flags (c->name);
  if (later != NULL)
    groups[n++] = later;
  groups[n] = NULL;
  int r = skiff_opts_parse (groups, c->name, argc, argv,
                            c->stop_at_positional ? SKIFF_OPTS_STOP_AT_POSITIONAL
                                                  : SKIFF_OPTS_INTERSPERSED,
                            target, res, err);
  if (r < 0)
    {
      char *msg = xasprintf ("%s (see 'skiff %s --help')", (*err)->msg, c->name);
      free ((*err)->msg);
      (*err)->msg = msg;
      skiff_cli_parse_clear (cli, target, res);
      return r;
    }
  return res->help ? 1 : 0;
}

void
skiff_cli_parse_clear (struct skiff_cli *cli, void *target, struct skiff_opts_result *res)
{
  static const struct skiff_opt *const none[] = { NULL };
  skiff_opts_clear (cli->command->options ? cli->command->options : none, target, res);
}
