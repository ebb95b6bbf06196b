#pragma once
/* yajl helpers: parse a tree, typed getters that name the key on error, and a generator
 * wrapper.  Each file format has its own parser module built on these. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "skiff/cleanup.h"

struct skiff_error;

SKIFF_DEFINE_CLEANUP (skiff_yajl_val_freep, yajl_val, yajl_tree_free)
SKIFF_DEFINE_CLEANUP (skiff_yajl_gen_freep, yajl_gen, yajl_gen_free)
#define _cleanup_yajl_val_ __attribute__ ((cleanup (skiff_yajl_val_freep)))
#define _cleanup_yajl_gen_ __attribute__ ((cleanup (skiff_yajl_gen_freep)))

/* Parses text; "what" names the document in errors (a path or "manifest.json"). */
int skiff_json_parse (const char *text, const char *what, yajl_val *out, struct skiff_error **err);
int skiff_json_parse_file (const char *path, yajl_val *out, struct skiff_error **err);

/* Object member lookup (no path walking), for map keys: exact match, the last occurrence of a
 * repeated key wins (Go's decoder).  NULL if absent or node is not an object. */
yajl_val skiff_json_get (yajl_val obj, const char *key);
/* Lookup of a struct field as Go's encoding/json (docker, podman) decodes it: the last key
 * that equals field ignoring case (Unicode simple folding) wins. */
yajl_val skiff_json_get_field (yajl_val obj, const char *field);

/* Getters of struct fields (matched as skiff_json_get_field): absent or JSON null ->
 * *out = NULL / default, return 0.  Wrong type -> error naming key and what.  Strings are
 * copied.  Repeated keys inside a map or set value: last value, first place. */
int skiff_json_get_string (yajl_val obj, const char *key, const char *what, char **out,
                           struct skiff_error **err);
int skiff_json_get_int (yajl_val obj, const char *key, const char *what, int64_t *out,
                        struct skiff_error **err);
int skiff_json_get_bool (yajl_val obj, const char *key, const char *what, bool *out,
                         struct skiff_error **err);
/* Array of strings -> strv (NULL when absent or null). */
int skiff_json_get_strv (yajl_val obj, const char *key, const char *what, char ***out,
                         struct skiff_error **err);
/* moby's StrSlice: an array of strings, or one string meaning a one-element array. */
int skiff_json_get_strslice (yajl_val obj, const char *key, const char *what, char ***out,
                             struct skiff_error **err);
/* Object's keys -> strv (for {"80/tcp":{}} sets).  NULL when absent. */
int skiff_json_get_keys (yajl_val obj, const char *key, const char *what, char ***out,
                         struct skiff_error **err);
/* Object of string values -> strv of alternating key, value.  NULL when absent. */
int skiff_json_get_string_map (yajl_val obj, const char *key, const char *what, char ***out,
                               struct skiff_error **err);

/* Generator with our defaults (no beautify unless pretty).  Returns NULL never (aborts on OOM). */
yajl_gen skiff_json_gen_new (bool pretty);
void skiff_json_gen_string (yajl_gen g, const char *s); /* NULL -> JSON null */
void skiff_json_gen_key_string (yajl_gen g, const char *key, const char *value);
void skiff_json_gen_key_int (yajl_gen g, const char *key, int64_t value);
void skiff_json_gen_key_bool (yajl_gen g, const char *key, bool value);
/* NULL vector -> null, unless empty_array_for_null. */
void skiff_json_gen_key_strv (yajl_gen g, const char *key, char *const *v, bool empty_for_null);
/* keys -> {"k":{}}; NULL -> null */
void skiff_json_gen_key_set (yajl_gen g, const char *key, char *const *keys);
/* alternating k,v -> {"k":"v"}; NULL -> null */
void skiff_json_gen_key_map (yajl_gen g, const char *key, char *const *kv);
void skiff_json_gen_key (yajl_gen g, const char *key);
/* Copies the generated text out (NUL-terminated). */
char *skiff_json_gen_finish (yajl_gen g, size_t *len);
