/* login [-u USER] [-p PASS | --password-stdin] [--get-login] REGISTRY, logout [--all]
 * [REGISTRY]: podman's auth file (src/registry/authfile.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/fs.h"
#include "skiff/registry.h"
#include "skiff/xalloc.h"

struct login_opts
{
  struct skiff_cli_registry_flags reg; /* first: the shared table's offsets */
  const char *username, *password;
  bool password_stdin, get_login;
};

#define T struct login_opts
static const struct skiff_opt login_options[] = {
  SKIFF_OPT_B ("get-login", 0, T, get_login, "Return the current login user for the registry"),
  SKIFF_OPT_S ("password", 'p', T, password, "Password for registry"),
  SKIFF_OPT_B ("password-stdin", 0, T, password_stdin, "Take the password from stdin"),
  SKIFF_OPT_S ("username", 'u', T, username, "Username for registry"),
  SKIFF_OPT_END,
};
#undef T
const struct skiff_opt *const skiff_cli_login_groups[]
    = { skiff_cli_registry_options, login_options, NULL };

static int
read_password_stdin (char **out, struct skiff_error **err)
{
  size_t len;
  int r = skiff_fs_read_fd (STDIN_FILENO, "stdin", out, &len, err);
  if (r < 0)
    return r;
  while (len > 0 && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
    (*out)[--len] = '\0';
  return 0;
}

static int
get_login (const struct login_opts *o, const char *host, struct skiff_error **err)
{
  _cleanup_free_ char *user = NULL, *password = NULL;
  int r = skiff_registry_credentials (o->reg.authfile, host, &user, &password, err);
  if (password)
    explicit_bzero (password, strlen (password));
  if (r < 0)
    return r;
  if (user == NULL)
    return skiff_error_make (err, 0, "not logged into %s", host);
  printf ("%s\n", user);
  return 0;
}

int
cmd_login (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct login_opts o;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_registry_parse (cli, argc, argv, &o, sizeof o, 1, 1, &res, err);
  if (r != 0)
    return r < 0 ? r : 0;
  _cleanup_free_ char *host = skiff_registry_host_of (res.args[0]);
  if (o.get_login)
    return get_login (&o, host, err);
  if (o.password && o.password_stdin)
    return skiff_error_make (err, 0, "--password and --password-stdin are mutually exclusive");
  if (o.username == NULL || (o.password == NULL && !o.password_stdin))
    return skiff_error_make (err, 0,
                             "skiff login needs -u USERNAME and -p PASSWORD or --password-stdin "
                             "(no terminal prompt)");
  _cleanup_free_ char *stdin_password = NULL;
  if (o.password_stdin && (r = read_password_stdin (&stdin_password, err)) < 0)
    return r;
  struct skiff_registry_opts ro;
  r = skiff_cli_registry_opts (&o.reg, true, &ro, err);
  if (r < 0)
    return r;
  free ((char *)ro.username);
  free ((char *)ro.password);
  ro.username = xstrdup (o.username);
  ro.password = xstrdup (stdin_password ? stdin_password : o.password);
  r = skiff_registry_login (host, &ro, err);
  skiff_cli_registry_opts_clear (&ro);
  if (r < 0)
    return r;
  printf ("Login Succeeded!\n");
  return 0;
}

struct logout_opts
{
  const char *authfile;
  bool all;
};

#define T struct logout_opts
static const struct skiff_opt logout_options[] = {
  SKIFF_OPT_B ("all", 'a', T, all,
               "Remove the cached credentials for all registries in the auth file"),
  SKIFF_OPT_S ("authfile", 0, T, authfile,
               "path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to "
               "override"),
  SKIFF_OPT_END,
};
#undef T
const struct skiff_opt *const skiff_cli_logout_groups[] = { logout_options, NULL };

int
cmd_logout (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct logout_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  if ((o.all && res.nargs != 0) || (!o.all && res.nargs != 1))
    return skiff_cli_usage_error (cli, err,
                                  o.all ? "\"skiff logout --all\" takes no argument"
                                        : "\"skiff logout\" requires exactly 1 argument");
  _cleanup_free_ char *host = o.all ? NULL : skiff_registry_host_of (res.args[0]);
  r = skiff_registry_logout (o.authfile, host, o.all, err);
  if (r < 0)
    return r;
  if (o.all)
    printf ("Removed login credentials for all registries\n");
  else
    printf ("Removed login credentials for %s\n", host);
  return 0;
}
