#include "skiff/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/keyindex.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

int
skiff_json_parse (const char *text, const char *what, yajl_val *out, struct skiff_error **err)
{
  char errbuf[256] = "";
  yajl_val v = yajl_tree_parse (text, errbuf, sizeof errbuf);
  if (v == NULL)
    {
      /* yajl's message spans lines; keep the first one */
      char *nl = strchr (errbuf, '\n');
      if (nl)
        *nl = '\0';
      return skiff_error_make (err, 0, "invalid JSON in %s: %s", what,
                               *errbuf ? errbuf : "parse error");
    }
  *out = v;
  return 0;
}

int
skiff_json_parse_file (const char *path, yajl_val *out, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  int r = skiff_fs_read_file (path, &text, NULL, err);
  if (r < 0)
    return r;
  return skiff_json_parse (text, path, out, err);
}

/* A later occurrence of a key wins, as in Go's encoding/json (docker, podman): skiff and
 * they must not read one hostile document two ways. */
yajl_val
skiff_json_get (yajl_val obj, const char *key)
{
  if (obj == NULL || !YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (strcmp (obj->u.object.keys[i], key) == 0)
      return obj->u.object.values[i];
  return NULL;
}

static unsigned char
ascii_lower (unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Go's match of an object key to a struct field name: Unicode simple case folding, where
 * the only non-ASCII runes that fold to ASCII are U+212A KELVIN SIGN (k) and U+017F LONG S. */
static bool
go_field_name_is (const char *key, const char *field)
{
  const unsigned char *k = (const unsigned char *)key;
  for (const unsigned char *f = (const unsigned char *)field; *f; f++)
    {
      unsigned char want = ascii_lower (*f);
      if (want == 'k' && k[0] == 0xE2 && k[1] == 0x84 && k[2] == 0xAA)
        k += 3;
      else if (want == 's' && k[0] == 0xC5 && k[1] == 0xBF)
        k += 2;
      else if (ascii_lower (*k++) != want)
        return false;
    }
  return *k == '\0';
}

yajl_val
skiff_json_get_field (yajl_val obj, const char *field)
{
  if (obj == NULL || !YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (go_field_name_is (obj->u.object.keys[i], field))
      return obj->u.object.values[i];
  return NULL;
}

static int
type_error (const char *key, const char *what, const char *want, struct skiff_error **err)
{
  return skiff_error_make (err, 0, "%s: \"%s\" must be %s", what, key, want);
}

int
skiff_json_get_string (yajl_val obj, const char *key, const char *what, char **out,
                       struct skiff_error **err)
{
  yajl_val v = skiff_json_get_field (obj, key);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_STRING (v))
    return type_error (key, what, "a string", err);
  *out = xstrdup (YAJL_GET_STRING (v));
  return 0;
}

int
skiff_json_get_int (yajl_val obj, const char *key, const char *what, int64_t *out,
                    struct skiff_error **err)
{
  yajl_val v = skiff_json_get_field (obj, key);
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_INTEGER (v))
    return type_error (key, what, "an integer", err);
  *out = YAJL_GET_INTEGER (v);
  return 0;
}

int
skiff_json_get_bool (yajl_val obj, const char *key, const char *what, bool *out,
                     struct skiff_error **err)
{
  yajl_val v = skiff_json_get_field (obj, key);
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
    return type_error (key, what, "a boolean", err);
  *out = YAJL_IS_TRUE (v);
  return 0;
}

int
skiff_json_get_strv (yajl_val obj, const char *key, const char *what, char ***out,
                     struct skiff_error **err)
{
  yajl_val v = skiff_json_get_field (obj, key);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_ARRAY (v))
    return type_error (key, what, "an array of strings", err);
  _cleanup_strv_builder_ struct skiff_strv_builder r = { 0 };
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      yajl_val e = v->u.array.values[i];
      if (!YAJL_IS_STRING (e))
        return type_error (key, what, "an array of strings", err);
      skiff_strv_builder_push (&r, YAJL_GET_STRING (e));
    }
  *out = skiff_strv_builder_steal (&r);
  return 0;
}

int
skiff_json_get_strslice (yajl_val obj, const char *key, const char *what, char ***out,
                         struct skiff_error **err)
{
  yajl_val v = skiff_json_get_field (obj, key);
  *out = NULL;
  if (v && !YAJL_IS_STRING (v) && !YAJL_IS_ARRAY (v) && !YAJL_IS_NULL (v))
    return type_error (key, what, "a string or an array of strings", err);
  if (v == NULL || !YAJL_IS_STRING (v))
    return skiff_json_get_strv (obj, key, what, out, err);
  *out = xzalloc (2 * sizeof (char *));
  (*out)[0] = xstrdup (YAJL_GET_STRING (v));
  return 0;
}

int
skiff_json_get_keys (yajl_val obj, const char *key, const char *what, char ***out,
                     struct skiff_error **err)
{
  yajl_val v = skiff_json_get_field (obj, key);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_OBJECT (v))
    return type_error (key, what, "an object", err);
  /* a set: a repeated key counts once */
  _cleanup_key_index_ struct skiff_key_index seen = { 0 };
  struct skiff_strv_builder r = { 0 };
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      const char *k = v->u.object.keys[i];
      if (skiff_key_index_set (&seen, k, strlen (k), r.n) == SKIFF_KEY_INDEX_NONE)
        skiff_strv_builder_push (&r, k);
    }
  *out = skiff_strv_builder_steal (&r);
  return 0;
}

int
skiff_json_get_string_map (yajl_val obj, const char *key, const char *what, char ***out,
                           struct skiff_error **err)
{
  yajl_val v = skiff_json_get_field (obj, key);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_OBJECT (v))
    return type_error (key, what, "an object of strings", err);
  /* a map: a repeated key keeps its first place and takes its last value (Go's decoder) */
  _cleanup_key_index_ struct skiff_key_index seen = { 0 };
  _cleanup_strv_builder_ struct skiff_strv_builder r = { 0 };
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      yajl_val e = v->u.object.values[i];
      const char *k = v->u.object.keys[i];
      if (!YAJL_IS_STRING (e))
        return type_error (key, what, "an object of strings", err);
      size_t at = skiff_key_index_find (&seen, k, strlen (k));
      if (at != SKIFF_KEY_INDEX_NONE)
        {
          free (r.v[at + 1]);
          r.v[at + 1] = xstrdup (YAJL_GET_STRING (e));
          continue;
        }
      skiff_key_index_set (&seen, k, strlen (k), r.n);
      skiff_strv_builder_push (&r, k);
      skiff_strv_builder_push (&r, YAJL_GET_STRING (e));
    }
  *out = skiff_strv_builder_steal (&r);
  return 0;
}

yajl_gen
skiff_json_gen_new (bool pretty)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    abort ();
  if (pretty)
    {
      yajl_gen_config (g, yajl_gen_beautify, 1);
      yajl_gen_config (g, yajl_gen_indent_string, "    ");
    }
  return g;
}

void
skiff_json_gen_string (yajl_gen g, const char *s)
{
  if (s == NULL)
    yajl_gen_null (g);
  else
    yajl_gen_string (g, (const unsigned char *)s, strlen (s));
}

void
skiff_json_gen_key (yajl_gen g, const char *key)
{
  yajl_gen_string (g, (const unsigned char *)key, strlen (key));
}

void
skiff_json_gen_key_string (yajl_gen g, const char *key, const char *value)
{
  skiff_json_gen_key (g, key);
  skiff_json_gen_string (g, value);
}

void
skiff_json_gen_key_int (yajl_gen g, const char *key, int64_t value)
{
  skiff_json_gen_key (g, key);
  yajl_gen_integer (g, value);
}

void
skiff_json_gen_key_bool (yajl_gen g, const char *key, bool value)
{
  skiff_json_gen_key (g, key);
  yajl_gen_bool (g, value);
}

void
skiff_json_gen_key_strv (yajl_gen g, const char *key, char *const *v, bool empty_for_null)
{
  skiff_json_gen_key (g, key);
  if (v == NULL && !empty_for_null)
    {
      yajl_gen_null (g);
      return;
    }
  yajl_gen_array_open (g);
  for (size_t i = 0; v && v[i]; i++)
    skiff_json_gen_string (g, v[i]);
  yajl_gen_array_close (g);
}

void
skiff_json_gen_key_set (yajl_gen g, const char *key, char *const *keys)
{
  skiff_json_gen_key (g, key);
  if (keys == NULL)
    {
      yajl_gen_null (g);
      return;
    }
  yajl_gen_map_open (g);
  for (size_t i = 0; keys[i]; i++)
    {
      skiff_json_gen_key (g, keys[i]);
      yajl_gen_map_open (g);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

void
skiff_json_gen_key_map (yajl_gen g, const char *key, char *const *kv)
{
  skiff_json_gen_key (g, key);
  if (kv == NULL)
    {
      yajl_gen_null (g);
      return;
    }
  yajl_gen_map_open (g);
  for (size_t i = 0; kv[i] && kv[i + 1]; i += 2)
    skiff_json_gen_key_string (g, kv[i], kv[i + 1]);
  yajl_gen_map_close (g);
}

char *
skiff_json_gen_finish (yajl_gen g, size_t *len)
{
  const unsigned char *buf = NULL;
  size_t n = 0;
  yajl_gen_get_buf (g, &buf, &n);
  if (len)
    *len = n;
  return xstrndup ((const char *)buf, n);
}
