#pragma once
/* --format for list and inspect commands (docker/cli formatter semantics).
 *
 * Errors: a bad template (parse or execution) gives "template parsing error: template: ..."
 * with err->exit_code 1 for list commands (docker formatter.go) and 64 for an inspect template
 * that does not parse (docker inspector.go).  An inspect template that fails on some objects
 * prints the others and returns the joined messages with exit_code 1.  Nothing is printed for
 * a list when any row fails. */

#include <stddef.h>
#include <stdio.h>
#include <yajl/yajl_tree.h>

struct skiff_error;

/* Prints rows.  format NULL, "" or "table" -> default_table ("table {{.ID}}\t{{.Image}}...").
 * "table ..." -> the header line (the template over `header`, an object mapping field names
 * to column titles such as {"ID":"CONTAINER ID"}, with docker's header functions; omitted if
 * header is NULL) and one line per row, aligned by the docker tabwriter.  "json" -> {{json .}}
 * per row.  Anything else -> the template per row, each followed by '\n'.  The two-character
 * sequences \t and \n in the format become tab and newline; spaces around a table format are
 * trimmed. */
int skiff_format_print (FILE *out, const char *format, const char *default_table, yajl_val header,
                        yajl_val *rows, size_t nrows, struct skiff_error **err);

/* Inspect output.  format NULL, "" or "json" -> a JSON array of objs, 4-space indent ("[]"
 * when empty), then '\n'.  Otherwise the template per object, one line each (no \t
 * conversion, as docker). */
int skiff_format_inspect (FILE *out, const char *format, yajl_val *objs, size_t n,
                          struct skiff_error **err);

/* The docker list-format conversion: strips a "table" prefix (*is_table), trims spaces,
 * maps "json" to {{json .}} and converts \t / \n escapes.  Returns a malloc'ed template. */
char *skiff_format_normalize (const char *format, int *is_table);
