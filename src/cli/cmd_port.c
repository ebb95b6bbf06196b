/* skiff port CONTAINER [PRIVATE_PORT[/PROTO]]: the published ports of a running container, as
 * docker's: "80/tcp -> 0.0.0.0:8080" lines, or with a port (tcp unless given) only the host
 * sides; none published for it: docker's "No public port" error, exit 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* "80" or "80/udp" -> "80/udp" (caller frees); docker's strconv text for a bad number. */
static int
port_key (const char *arg, char **key, struct skiff_error **err)
{
  const char *slash = strchr (arg, '/');
  _cleanup_free_ char *num = slash ? xstrndup (arg, (size_t)(slash - arg)) : xstrdup (arg);
  const char *proto = slash && slash[1] ? slash + 1 : "tcp";
  char *end = NULL;
  errno = 0;
  unsigned long v = num[0] >= '0' && num[0] <= '9' ? strtoul (num, &end, 10) : 0;
  if (end == NULL || *end != '\0' || errno != 0 || v > 65535)
    return skiff_error_make_status (
        err, 1, 0, "invalid port (%s): strconv.ParseUint: parsing \"%s\": %s", num, num,
        end != NULL && *end == '\0' ? "value out of range" : "invalid syntax");
  *key = xasprintf ("%lu/%s", v, proto);
  return 0;
}

int
cmd_port (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_free_ char *key = NULL;
  int r = skiff_cli_simple_flags (cli, argc, argv, 1, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && res.nargs > 2)
    return skiff_cli_usage_error (cli, err, "\"skiff port\" requires at most 2 arguments.");
  if (r < 0 || (res.nargs == 2 && (r = port_key (res.args[1], &key, err)) < 0)
      || (r = skiff_cli_store_outside (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, res.args[0], &c, err)) < 0)
    return r;
  _cleanup_strv_ char **lines = skiff_cli_port_lines (c, key);
  if (key != NULL && lines == NULL)
    return skiff_error_make_status (err, 1, 0, "No public port '%s' published for %s", res.args[1],
                                    res.args[0]);
  for (size_t i = 0; lines && lines[i]; i++)
    printf ("%s\n", lines[i]);
  return 0;
}
