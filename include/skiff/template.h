#pragma once
/* A Go text/template engine evaluated over a yajl tree, for --format.
 *
 * Supported: text, {{- -}} trim markers, comments, fields (.A.B, $x.A, (pipeline).A), ".",
 * "$", variables (:= and =), pipelines, parenthesised arguments, string/raw/char/number/bool/nil
 * literals, if/else if/else, with/else with/else, range (array, object in sorted key order,
 * integer; one or two variables, else, break, continue), and the functions json split join
 * title lower upper pad truncate len index slice printf print println and or not eq ne lt le
 * gt ge.  define/template/block are not supported (parse error).
 *
 * JSON objects stand for both Go structs and Go maps, which docker templates treat
 * differently.  An object whose keys are all exported Go identifiers ([A-Z][A-Za-z0-9_]*) is
 * "struct-like": a missing field is an execution error (`map has no entry for key "Foo"`,
 * after trying a unique case-insensitive match so .ID finds "Id") and it prints as {v1 v2}.
 * Any other object (labels, networks, ports, an empty object) is "map-like": a missing field
 * yields no value (printed "<no value>") and it prints as map[k:v] with sorted keys.
 * JSON null prints as "<no value>" at top level and "<nil>" inside arrays/objects.
 * `index` on a missing key gives "" when the object's values are strings (Go's zero value of
 * map[string]string), else no value.
 *
 * Error messages follow Go: "template: :1: unexpected \"}\" in operand" (parse),
 * "template: :1:2: executing \"\" at <.Foo>: map has no entry for key \"Foo\"" (execution).
 * The template name is "" as in docker. */

#include <yajl/yajl_tree.h>

#include "skiff/cleanup.h"

struct skiff_error;
struct skiff_template;

/* Flags for skiff_template_execute_flags. */
enum
{
  /* Table headers (docker HeaderFunctions): the string functions json split join title lower
   * upper pad truncate return their first argument unchanged, and all objects are map-like. */
  SKIFF_TEMPLATE_HEADER = 1 << 0,
};

/* Parses text.  On error *err says where ("template: :LINE: ..."); err->exit_code is 0. */
int skiff_template_parse (const char *text, struct skiff_template **out, struct skiff_error **err);

/* Executes over data (the "." and "$" of the template; may be NULL) and returns the output in
 * *out (malloc'ed, nothing appended).  On error *out is NULL. */
int skiff_template_execute (const struct skiff_template *t, yajl_val data, char **out,
                            struct skiff_error **err);
int skiff_template_execute_flags (const struct skiff_template *t, yajl_val data, int flags,
                                  char **out, struct skiff_error **err);

void skiff_template_free (struct skiff_template *t);

SKIFF_DEFINE_CLEANUP (skiff_template_freep, struct skiff_template *, skiff_template_free)
#define _cleanup_template_ __attribute__ ((cleanup (skiff_template_freep)))
