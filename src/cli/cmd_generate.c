/* skiff generate systemd [--new] [--name] [--restart-policy] [--time] CONTAINER: a systemd unit
 * in podman's shape that runs the container under systemd.  Without --new the unit starts and
 * stops the existing container; with --new it runs a fresh one from the command line that
 * created it (its "CreateCommand"), removed again when the unit stops. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct generate_opts
{
  bool new_, name, no_header;
  const char *restart_policy;
  int time;
};

static const struct skiff_opt generate_options[] = {
  SKIFF_OPT_B ("name", 'n', struct generate_opts, name, "Use container/pod names instead of IDs"),
  SKIFF_OPT_B ("new", 0, struct generate_opts, new_,
               "Create a new container or pod instead of starting an existing one"),
  SKIFF_OPT_B ("no-header", 0, struct generate_opts, no_header, "Skip header generation"),
  { .name = "restart-policy",
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (struct generate_opts, restart_policy, const char *),
    .help = "Systemd restart-policy",
    .default_text = "\"on-failure\"",
    .complete = "no|on-success|on-failure|on-abnormal|on-watchdog|on-abort|always" },
  { .name = "time",
    .shorthand = 't',
    .type = SKIFF_OPT_INT,
    .value_name = "uint",
    .offset = SKIFF_OPT_FIELD (struct generate_opts, time, int),
    .help = "Stop timeout override",
    .default_text = "10" },
  SKIFF_OPT_END,
};
static const struct skiff_opt *const generate_systemd_groups[] = { generate_options, NULL };

/* systemd's rules for ExecStart words: quoted when it has blanks, quotes or backslashes;
 * specifiers (%) and variables ($) doubled so that they stay literal. */
static void
put_word (FILE *f, const char *w)
{
  bool quote = *w == '\0' || strpbrk (w, " \t\n\"'\\;") != NULL;
  if (quote)
    fputc ('"', f);
  for (const char *p = w; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fputc ('\\', f);
      if (*p == '%' || *p == '$')
        fputc (*p, f);
      if (*p == '\n')
        fputs ("\\n", f);
      else
        fputc (*p, f);
    }
  if (quote)
    fputc ('"', f);
}

static void
put_words (FILE *f, char *const *v)
{
  for (size_t i = 0; v && v[i]; i++)
    {
      fputc (' ', f);
      put_word (f, v[i]);
    }
}

/* the store options of this command, so that the unit acts on the same store */
static char **
global_words (const struct skiff_cli *cli)
{
  char **v = NULL;
  if (cli->store_opts.root)
    skiff_strv_push (&v, "--root"), skiff_strv_push (&v, cli->store_opts.root);
  if (cli->store_opts.runroot)
    skiff_strv_push (&v, "--runroot"), skiff_strv_push (&v, cli->store_opts.runroot);
  return v;
}

static bool
dropped_flag (const char *a, bool *takes_value)
{
  static const char *const plain[] = { "-d",        "--detach",  "--detach=true",  "--rm",
                                       "--rm=true", "--replace", "--replace=true", NULL };
  static const char *const valued[] = { "--cidfile", "--restart", "--name", NULL };
  *takes_value = false;
  for (size_t i = 0; plain[i]; i++)
    if (strcmp (a, plain[i]) == 0)
      return true;
  for (size_t i = 0; valued[i]; i++)
    {
      size_t n = strlen (valued[i]);
      if (strncmp (a, valued[i], n) == 0 && (a[n] == '=' || a[n] == '\0'))
        {
          *takes_value = a[n] == '\0';
          return true;
        }
    }
  return false;
}

/* --new: CreateCommand's words after its run/create word, less what the unit decides itself
 * (-d, --rm, --replace, --cidfile, --name, --restart: systemd restarts), up to the image. */
static int
new_words (const struct skiff_container *c, char ***out, struct skiff_error **err)
{
  char *const *cc = c->config.create_command;
  size_t i = 1;
  while (cc && cc[i] && strcmp (cc[i], "run") != 0 && strcmp (cc[i], "create") != 0)
    i++;
  if (cc == NULL || cc[i] == NULL)
    return skiff_error_make_status (err, 125, 0,
                                    "container %s has no recorded create command: "
                                    "generate systemd --new needs one created by this skiff",
                                    c->config.name);
  bool image_seen = false;
  for (i++; cc[i]; i++)
    {
      bool value;
      if (!image_seen && dropped_flag (cc[i], &value))
        {
          i += value && cc[i + 1] ? 1 : 0;
          continue;
        }
      if (!image_seen && cc[i][0] != '-' && c->config.image_name
          && strcmp (cc[i], c->config.image_name) == 0)
        {
          skiff_strv_push (out, "--name");
          skiff_strv_push (out, c->config.name);
          image_seen = true;
        }
      skiff_strv_push (out, cc[i]);
    }
  return 0;
}

/* key=EXE GLOBALS WORDS MORE: words are the unit's own (systemd specifiers kept), the rest
 * escaped */
static void
put_exec (FILE *f, const char *key, const char *exe, char *const *globals, const char *const *words,
          char *const *more)
{
  fprintf (f, "%s=", key);
  put_word (f, exe);
  put_words (f, globals);
  for (size_t i = 0; words[i]; i++)
    fprintf (f, " %s", words[i]);
  put_words (f, more);
  fputc ('\n', f);
}

static int
write_unit (const struct skiff_cli *cli, const struct generate_opts *o,
            const struct skiff_container *c, struct skiff_error **err)
{
  char exe[4096];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return skiff_error_make (err, errno, "readlink /proc/self/exe");
  exe[n] = '\0';
  _cleanup_strv_ char **globals = global_words (cli);
  _cleanup_strv_ char **run = NULL;
  int r = o->new_ ? new_words (c, &run, err) : 0;
  if (r < 0)
    return r;
  const char *ident = o->name ? c->config.name : c->config.id;
  char t[16];
  snprintf (t, sizeof t, "%d", o->time);
  if (!o->no_header)
    {
      time_t now = time (NULL);
      printf ("# container-%s.service\n# autogenerated by skiff " SKIFF_VERSION "\n# %s\n", ident,
              ctime (&now));
    }
  printf ("[Unit]\nDescription=skiff container-%s.service\n"
          "Documentation=man:skiff-generate-systemd(1)\n"
          "Wants=network-online.target\nAfter=network-online.target\n\n[Service]\n"
          "Environment=SKIFF_SYSTEMD_UNIT=%%n\nRestart=%s\nTimeoutStopSec=%d\n",
          ident, o->restart_policy, o->time + 60);
  char *target[] = { (char *)ident, NULL };
  if (o->new_)
    {
      const char *rm_pre[] = { "/bin/rm", "-f", "%t/%n.ctr-id", NULL };
      const char *start[] = { "run", "--cidfile=%t/%n.ctr-id", "--rm", "-d", "--replace", NULL };
      const char *stop[] = { "stop", "--ignore", "-t", t, "--cidfile=%t/%n.ctr-id", NULL };
      const char *rm[] = { "rm", "-f", "--ignore", "--cidfile=%t/%n.ctr-id", NULL };
      printf ("ExecStartPre=%s %s %s\n", rm_pre[0], rm_pre[1], rm_pre[2]);
      put_exec (stdout, "ExecStart", exe, globals, start, run);
      put_exec (stdout, "ExecStop", exe, globals, stop, NULL);
      put_exec (stdout, "ExecStopPost", exe, globals, rm, NULL);
    }
  else
    {
      const char *start[] = { "start", NULL };
      const char *stop[] = { "stop", "-t", t, NULL };
      put_exec (stdout, "ExecStart", exe, globals, start, target);
      put_exec (stdout, "ExecStop", exe, globals, stop, target);
      put_exec (stdout, "ExecStopPost", exe, globals, stop, target);
    }
  printf ("Type=forking\n\n[Install]\nWantedBy=default.target\n");
  return 0;
}

static int
cmd_generate_systemd (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct generate_opts o = { .restart_policy = "on-failure", .time = 10 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_container_ struct skiff_container *c = NULL;
  static const char *const policies[] = { "no",          "on-success", "on-failure", "on-abnormal",
                                          "on-watchdog", "on-abort",   "always",     NULL };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r != 0)
    return r > 0 ? skiff_cli_help (cli) : r;
  if (res.nargs != 1)
    return skiff_cli_usage_error (cli, err,
                                  "\"skiff generate systemd\" requires exactly 1 argument");
  bool known = false;
  for (size_t i = 0; policies[i]; i++)
    known = known || strcmp (policies[i], o.restart_policy) == 0;
  if (!known)
    return skiff_error_make_status (err, 125, 0, "%s is not a valid restart policy",
                                    o.restart_policy);
  if (o.time < 0)
    return skiff_error_make_status (err, 125, 0, "--time cannot be negative");
  struct skiff_store *store;
  if ((r = skiff_cli_store_outside (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, res.args[0], &c, err)) < 0)
    return r;
  return write_unit (cli, &o, c, err);
}

static const struct skiff_command generate_commands[] = {
  { "generate systemd", cmd_generate_systemd, "Generate systemd units", "[OPTIONS] CONTAINER",
    generate_systemd_groups },
};
#define N_GENERATE_COMMANDS (sizeof generate_commands / sizeof generate_commands[0])

const struct skiff_command *
skiff_cli_generate_subcommands (size_t *n)
{
  *n = N_GENERATE_COMMANDS;
  return generate_commands;
}

int
cmd_generate (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct skiff_cli_group group
      = { "generate", "Generate structured data based on containers", generate_commands,
          N_GENERATE_COMMANDS, 10 };
  return skiff_cli_group_dispatch (cli, &group, argc, argv, err);
}

char **
skiff_cli_command_line (void)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  char **v = NULL;
  if (skiff_fs_read_file ("/proc/self/cmdline", &text, &len, NULL) < 0)
    return NULL;
  for (size_t i = 0; i < len; i += strlen (text + i) + 1)
    skiff_strv_push (&v, text + i);
  return v;
}
