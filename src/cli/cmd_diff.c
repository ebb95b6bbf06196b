/* skiff diff (container diff): what a container changed in its filesystem, as docker prints
 * it ("C /etc", "A /new", "D /gone"), or podman's --format json. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/json.h"

struct diff_opts
{
  const char *format;
  bool latest;
};

static const struct skiff_opt diff_options[] = {
  SKIFF_OPT_S ("format", 0, struct diff_opts, format, "Change the output format (json)"),
  SKIFF_OPT_B ("latest", 'l', struct diff_opts, latest,
               "Act on the latest container skiff is aware of"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_diff_groups[] = { diff_options, NULL };

/* podman's object: the changed, added and deleted paths, each key only when it has some */
static void
print_json (const struct skiff_container_change *v, size_t n)
{
  static const struct
  {
    const char *key;
    char kind;
  } groups[] = { { "changed", 'C' }, { "added", 'A' }, { "deleted", 'D' } };
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (true);
  yajl_gen_map_open (g);
  for (size_t k = 0; k < 3; k++)
    {
      bool open = false;
      for (size_t i = 0; i < n; i++)
        if (v[i].kind == groups[k].kind)
          {
            if (!open)
              {
                yajl_gen_string (g, (const unsigned char *)groups[k].key, strlen (groups[k].key));
                yajl_gen_array_open (g);
                open = true;
              }
            yajl_gen_string (g, (const unsigned char *)v[i].path, strlen (v[i].path));
          }
      if (open)
        yajl_gen_array_close (g);
    }
  yajl_gen_map_close (g);
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf (g, &buf, &len);
  printf ("%.*s\n", (int)len, buf);
}

int
cmd_diff (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct diff_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_free_ char *latest = NULL;
  _cleanup_container_ struct skiff_container *c = NULL;
  struct skiff_container_change *v = NULL;
  size_t n = 0;
  struct skiff_store *store;
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && o.format && strcmp (o.format, "json") != 0)
    return skiff_error_make_status (err, 125, 0, "only format json is supported");
  if (r < 0 || (r = skiff_cli_one_container (cli, o.latest, res.nargs, &latest, err)) < 0
      || (r = skiff_cli_store (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, latest ? latest : res.args[0], &c, err)) < 0
      || (r = skiff_engine_changes (store, c, &v, &n, err)) < 0)
    return r;
  if (o.format)
    print_json (v, n);
  else
    for (size_t i = 0; i < n; i++)
      printf ("%c %s\n", v[i].kind, v[i].path);
  skiff_container_changes_free (v, n);
  return 0;
}
