#include "skiff/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
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

yajl_val
skiff_json_get (yajl_val obj, const char *key)
{
  if (obj == NULL || !YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (strcmp (obj->u.object.keys[i], key) == 0)
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
  yajl_val v = skiff_json_get (obj, key);
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
  yajl_val v = skiff_json_get (obj, key);
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
  yajl_val v = skiff_json_get (obj, key);
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
  yajl_val v = skiff_json_get (obj, key);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_ARRAY (v))
    return type_error (key, what, "an array of strings", err);
  _cleanup_strv_ char **r = xzalloc (sizeof (char *));
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      yajl_val e = v->u.array.values[i];
      if (!YAJL_IS_STRING (e))
        return type_error (key, what, "an array of strings", err);
      skiff_strv_push (&r, YAJL_GET_STRING (e));
    }
  *out = steal_ptr (&r);
  return 0;
}

int
skiff_json_get_keys (yajl_val obj, const char *key, const char *what, char ***out,
                     struct skiff_error **err)
{
  yajl_val v = skiff_json_get (obj, key);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_OBJECT (v))
    return type_error (key, what, "an object", err);
  char **r = xzalloc (sizeof (char *));
  for (size_t i = 0; i < v->u.object.len; i++)
    skiff_strv_push (&r, v->u.object.keys[i]);
  *out = r;
  return 0;
}

int
skiff_json_get_string_map (yajl_val obj, const char *key, const char *what, char ***out,
                           struct skiff_error **err)
{
  yajl_val v = skiff_json_get (obj, key);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_OBJECT (v))
    return type_error (key, what, "an object of strings", err);
  _cleanup_strv_ char **r = xzalloc (sizeof (char *));
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      yajl_val e = v->u.object.values[i];
      if (!YAJL_IS_STRING (e))
        return type_error (key, what, "an object of strings", err);
      skiff_strv_push (&r, v->u.object.keys[i]);
      skiff_strv_push (&r, YAJL_GET_STRING (e));
    }
  *out = steal_ptr (&r);
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
    yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

void
skiff_json_gen_key (yajl_gen g, const char *key)
{
  yajl_gen_string (g, (const unsigned char *) key, strlen (key));
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
  return xstrndup ((const char *) buf, n);
}
