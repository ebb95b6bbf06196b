/* List commands' --format plumbing: each row is generated as JSON, parsed into the tree the
 * template engine walks, then printed through skiff_format_print. */
#include <stdlib.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/format.h"
#include "skiff/json.h"

yajl_val
skiff_cli_gen_tree (yajl_gen g)
{
  size_t len;
  _cleanup_free_ char *text = skiff_json_gen_finish (g, &len);
  yajl_val v = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_json_parse (text, "row", &v, &e) < 0)
    abort (); /* we generated it: unparsable means a generator bug */
  return v;
}

int
skiff_cli_format_rows (const char *format, const char *default_table, const char *header_json,
                       yajl_val *rows, size_t n, struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val header = NULL;
  int r = header_json ? skiff_json_parse (header_json, "header", &header, err) : 0;
  if (r == 0)
    r = skiff_format_print (stdout, format, default_table, header, rows, n, err);
  for (size_t i = 0; i < n; i++)
    if (rows[i])
      yajl_tree_free (rows[i]);
  free (rows);
  return r;
}
