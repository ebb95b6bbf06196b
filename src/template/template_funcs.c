/* Template functions: docker's json split join title lower upper pad truncate, and Go's
 * built-ins len index slice not eq ne lt le gt ge print println printf (and/or live in the
 * evaluator because they short-circuit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/template.h"
#include "skiff/xalloc.h"
#include "template-internal.h"

#define FUNC(name)                                                                                 \
  static int name (struct tpl_exec *st, const struct tpl_node *at, yajl_val *a, size_t n,          \
                   yajl_val *out)

static int
call_error (struct tpl_exec *st, const struct tpl_node *at, const char *msg)
{
  return tpl_exec_error (st, st->call ? st->call : at, "error calling %s: %s", at->str, msg);
}

static int
want_string (struct tpl_exec *st, const struct tpl_node *at, yajl_val v, const char **s)
{
  if (v && v->type == yajl_t_string)
    {
      *s = v->u.string;
      return 0;
    }
  if (v == NULL || v->type == yajl_t_null)
    return tpl_exec_error (st, at, "invalid value; expected string");
  return tpl_exec_error (st, at, "wrong type for value; expected string; got %s",
                         tpl_type_name (v, st->flags));
}

static int
want_int (struct tpl_exec *st, const struct tpl_node *at, yajl_val v, int64_t *i)
{
  if (tpl_is_int (v))
    {
      *i = v->u.number.i;
      return 0;
    }
  if (tpl_is_float (v) && v->u.number.d == (double)(int64_t)v->u.number.d)
    {
      *i = (int64_t)v->u.number.d;
      return 0;
    }
  if (v == NULL || v->type == yajl_t_null)
    return tpl_exec_error (st, at, "invalid value; expected int");
  return tpl_exec_error (st, at, "wrong type for value; expected int; got %s",
                         tpl_type_name (v, st->flags));
}

static yajl_val
mk_str (struct tpl_exec *st, char *owned)
{
  return tpl_mk_string (&st->arena, owned);
}

/* ---- docker's string functions ---- */

FUNC (fn_json)
{
  struct tpl_buf b = { 0 };
  tpl_json_encode (&b, a[0], NULL);
  *out = mk_str (st, tpl_buf_steal (&b));
  return 0;
}

FUNC (fn_split)
{
  const char *s, *sep;
  if (want_string (st, at, a[0], &s) < 0 || want_string (st, at, a[1], &sep) < 0)
    return -1;
  size_t seplen = strlen (sep), count = 1;
  if (seplen == 0)
    count = strlen (s);
  else
    for (const char *p = strstr (s, sep); p; p = strstr (p + seplen, sep))
      count++;
  yajl_val arr = tpl_mk_array (&st->arena, count);
  const char *p = s;
  for (size_t k = 0; k < count; k++)
    {
      const char *q;
      if (seplen == 0)
        {
          /* empty separator splits after each UTF-8 sequence */
          q = p + 1;
          while (((unsigned char)*q & 0xc0) == 0x80)
            q++;
          arr->u.array.len = k + 1;
        }
      else
        q = k + 1 < count ? strstr (p, sep) : p + strlen (p);
      arr->u.array.values[k] = mk_str (st, xstrndup (p, (size_t)(q - p)));
      p = q + (seplen && k + 1 < count ? seplen : 0);
      if (seplen == 0 && *p == '\0')
        break;
    }
  *out = arr;
  return 0;
}

FUNC (fn_join)
{
  const char *sep;
  yajl_val v = a[0];
  if (want_string (st, at, a[1], &sep) < 0)
    return -1;
  if (v == NULL || v->type == yajl_t_null)
    {
      *out = mk_str (st, xstrdup (""));
      return 0;
    }
  bool ok = v->type == yajl_t_array;
  for (size_t k = 0; ok && k < v->u.array.len; k++)
    ok = v->u.array.values[k] && v->u.array.values[k]->type == yajl_t_string;
  if (!ok)
    return tpl_exec_error (st, at, "wrong type for value; expected []string; got %s",
                           tpl_type_name (v, st->flags));
  struct tpl_buf b = { 0 };
  for (size_t k = 0; k < v->u.array.len; k++)
    {
      if (k)
        tpl_buf_puts (&b, sep);
      tpl_buf_puts (&b, v->u.array.values[k]->u.string);
    }
  *out = mk_str (st, tpl_buf_steal (&b));
  return 0;
}

static bool
is_word_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
         || c == '\'' || (unsigned char)c >= 0x80;
}

/* mode: 'l' lower, 'u' upper, 't' title (first letter of each word, rest unchanged) */
static int
map_case (struct tpl_exec *st, const struct tpl_node *at, yajl_val v, char mode, yajl_val *out)
{
  const char *s;
  if (want_string (st, at, v, &s) < 0)
    return -1;
  char *r = xstrdup (s);
  char prev = ' ';
  for (char *p = r; *p; p++)
    {
      char c = *p;
      if (mode == 'l' && c >= 'A' && c <= 'Z')
        *p = (char)(c - 'A' + 'a');
      else if ((mode == 'u' || (mode == 't' && !is_word_char (prev))) && c >= 'a' && c <= 'z')
        *p = (char)(c - 'a' + 'A');
      prev = c;
    }
  *out = mk_str (st, r);
  return 0;
}

FUNC (fn_lower) { return map_case (st, at, a[0], 'l', out); }

FUNC (fn_upper) { return map_case (st, at, a[0], 'u', out); }

FUNC (fn_title) { return map_case (st, at, a[0], 't', out); }

FUNC (fn_pad)
{
  const char *s;
  int64_t pre, post;
  if (want_string (st, at, a[0], &s) < 0 || want_int (st, at, a[1], &pre) < 0
      || want_int (st, at, a[2], &post) < 0)
    return -1;
  if (*s == '\0')
    {
      *out = a[0];
      return 0;
    }
  *out = mk_str (
      st, xasprintf ("%*s%s%*s", (int)(pre > 0 ? pre : 0), "", s, (int)(post > 0 ? post : 0), ""));
  return 0;
}

FUNC (fn_truncate)
{
  const char *s;
  int64_t len;
  if (want_string (st, at, a[0], &s) < 0 || want_int (st, at, a[1], &len) < 0)
    return -1;
  if ((int64_t)strlen (s) < len || len < 0)
    *out = a[0];
  else
    *out = mk_str (st, xstrndup (s, (size_t)len));
  return 0;
}

/* Header mode: the string functions return their first argument (docker HeaderFunctions). */
FUNC (fn_header_identity)
{
  *out = a[0];
  return 0;
}

/* ---- Go built-ins ---- */

FUNC (fn_len)
{
  yajl_val v = a[0];
  int64_t len;
  if (v == NULL || v->type == yajl_t_null)
    return call_error (st, at, "len of nil pointer");
  if (v->type == yajl_t_string)
    len = (int64_t)strlen (v->u.string);
  else if (v->type == yajl_t_array)
    len = (int64_t)v->u.array.len;
  else if (v->type == yajl_t_object)
    len = (int64_t)v->u.object.len;
  else
    {
      _cleanup_free_ char *m = xasprintf ("len of type %s", tpl_type_name (v, st->flags));
      return call_error (st, at, m);
    }
  *out = tpl_mk_int (&st->arena, len);
  return 0;
}

/* Missing map key: Go's zero value of the element type, which for docker's string maps
 * (labels) is "", for other maps no value. */
static yajl_val
map_zero (struct tpl_exec *st, yajl_val obj)
{
  for (size_t k = 0; k < obj->u.object.len; k++)
    if (obj->u.object.values[k] == NULL || obj->u.object.values[k]->type != yajl_t_string)
      return NULL;
  return mk_str (st, xstrdup (""));
}

static int
index_one (struct tpl_exec *st, const struct tpl_node *at, yajl_val item, yajl_val idx,
           yajl_val *out)
{
  _cleanup_free_ char *m = NULL;
  if (item->type == yajl_t_null)
    {
      *out = mk_str (st, xstrdup ("")); /* a nil map */
      return 0;
    }
  if (item->type == yajl_t_object)
    {
      if (idx == NULL || idx->type != yajl_t_string)
        {
          m = xasprintf ("value has type %s; should be string", tpl_type_name (idx, st->flags));
          return call_error (st, at, m);
        }
      for (size_t k = 0; k < item->u.object.len; k++)
        if (strcmp (item->u.object.keys[k], idx->u.string) == 0)
          {
            *out = item->u.object.values[k];
            return 0;
          }
      *out = map_zero (st, item);
      return 0;
    }
  if (item->type != yajl_t_array && item->type != yajl_t_string)
    {
      m = xasprintf ("can't index item of type %s", tpl_type_name (item, st->flags));
      return call_error (st, at, m);
    }
  if (!tpl_is_int (idx))
    {
      m = xasprintf ("cannot index slice/array with type %s", tpl_type_name (idx, st->flags));
      return call_error (st, at, m);
    }
  int64_t i = idx->u.number.i;
  size_t len = item->type == yajl_t_array ? item->u.array.len : strlen (item->u.string);
  if (i < 0 || (uint64_t)i >= len)
    {
      m = xasprintf ("index out of range: %lld", (long long)i);
      return call_error (st, at, m);
    }
  if (item->type == yajl_t_array)
    *out = item->u.array.values[i];
  else
    *out = tpl_mk_int (&st->arena, (unsigned char)item->u.string[i]);
  return 0;
}

FUNC (fn_index)
{
  yajl_val item = a[0];
  if (item == NULL)
    return call_error (st, at, "index of untyped nil");
  for (size_t k = 1; k < n; k++)
    {
      if (item == NULL)
        return call_error (st, at, "index of nil pointer");
      if (index_one (st, at, item, a[k], &item) < 0)
        return -1;
    }
  *out = item;
  return 0;
}

FUNC (fn_slice)
{
  yajl_val item = a[0];
  _cleanup_free_ char *m = NULL;
  if (item == NULL || (item->type != yajl_t_string && item->type != yajl_t_array))
    {
      m = xasprintf ("can't slice item of type %s", tpl_type_name (item, st->flags));
      return call_error (st, at, m);
    }
  size_t len = item->type == yajl_t_array ? item->u.array.len : strlen (item->u.string);
  int64_t idx[2] = { 0, (int64_t)len };
  if (n > 3)
    return call_error (st, at, "too many slice indexes: 3");
  for (size_t k = 1; k < n; k++)
    {
      if (!tpl_is_int (a[k]))
        return call_error (st, at, "cannot index slice/array with nil");
      idx[k - 1] = a[k]->u.number.i;
      if (idx[k - 1] < 0 || idx[k - 1] > (int64_t)len)
        {
          m = xasprintf ("index out of range: %lld", (long long)idx[k - 1]);
          return call_error (st, at, m);
        }
    }
  if (idx[0] > idx[1])
    {
      m = xasprintf ("invalid slice index: %lld > %lld", (long long)idx[0], (long long)idx[1]);
      return call_error (st, at, m);
    }
  if (item->type == yajl_t_string)
    {
      *out = mk_str (st, xstrndup (item->u.string + idx[0], (size_t)(idx[1] - idx[0])));
      return 0;
    }
  yajl_val arr = tpl_mk_array (&st->arena, (size_t)(idx[1] - idx[0]));
  for (int64_t k = idx[0]; k < idx[1]; k++)
    arr->u.array.values[k - idx[0]] = item->u.array.values[k];
  *out = arr;
  return 0;
}

FUNC (fn_not)
{
  *out = tpl_mk_bool (!tpl_truth (a[0]));
  return 0;
}

/* Basic kinds for comparisons: 0 invalid/nil, 1 bool, 2 int, 3 float, 4 string, 5 other. */
static int
basic_kind (yajl_val v)
{
  if (v == NULL || v->type == yajl_t_null)
    return 0;
  if (tpl_is_bool (v))
    return 1;
  if (tpl_is_int (v))
    return 2;
  if (tpl_is_float (v))
    return 3;
  if (v->type == yajl_t_string)
    return 4;
  return 5;
}

/* Returns <0 on error (message in *msg), else the comparison -1/0/1 (eq_only: 0 or 1). */
static int
compare (yajl_val x, yajl_val y, bool eq_only, const char **msg, int *res)
{
  int kx = basic_kind (x), ky = basic_kind (y);
  if (eq_only && (kx == 0 || ky == 0))
    {
      *res = kx == ky ? 0 : 1;
      return 0;
    }
  if (!eq_only && (kx == 0 || kx == 5 || ky == 0 || ky == 5 || kx == 1))
    {
      *msg = "invalid type for comparison";
      return -1;
    }
  if (kx != ky)
    {
      *msg = "incompatible types for comparison";
      return -1;
    }
  switch (kx)
    {
    case 1:
      *res = x->type == y->type ? 0 : 1;
      return 0;
    case 2:
      *res = x->u.number.i < y->u.number.i ? -1 : x->u.number.i > y->u.number.i;
      return 0;
    case 3:
      *res = x->u.number.d < y->u.number.d ? -1 : x->u.number.d > y->u.number.d;
      return 0;
    case 4:
      *res = strcmp (x->u.string, y->u.string);
      return 0;
    default:
      *msg = "non-comparable type";
      return -1;
    }
}

FUNC (fn_eq)
{
  const char *msg = NULL;
  bool truth = false;
  if (n < 2)
    return call_error (st, at, "missing argument for comparison");
  for (size_t k = 1; k < n && !truth; k++)
    {
      int res;
      if (compare (a[0], a[k], true, &msg, &res) < 0)
        return call_error (st, at, msg);
      truth = res == 0;
    }
  *out = tpl_mk_bool (truth);
  return 0;
}

static int
ordered (struct tpl_exec *st, const struct tpl_node *at, yajl_val *a, yajl_val *out,
         bool (*pred) (int))
{
  const char *msg = NULL;
  int res;
  if (compare (a[0], a[1], strcmp (at->str, "ne") == 0, &msg, &res) < 0)
    return call_error (st, at, msg);
  *out = tpl_mk_bool (pred (res));
  return 0;
}

static bool
is_ne (int c)
{
  return c != 0;
}
static bool
is_lt (int c)
{
  return c < 0;
}
static bool
is_le (int c)
{
  return c <= 0;
}
static bool
is_gt (int c)
{
  return c > 0;
}
static bool
is_ge (int c)
{
  return c >= 0;
}

FUNC (fn_ne) { return ordered (st, at, a, out, is_ne); }
FUNC (fn_lt) { return ordered (st, at, a, out, is_lt); }
FUNC (fn_le) { return ordered (st, at, a, out, is_le); }
FUNC (fn_gt) { return ordered (st, at, a, out, is_gt); }
FUNC (fn_ge) { return ordered (st, at, a, out, is_ge); }

/* ---- printing ---- */

static void
sprint_arg (struct tpl_buf *b, yajl_val v, int flags)
{
  if (v == NULL || v->type == yajl_t_null)
    tpl_buf_puts (b, "<nil>");
  else
    tpl_print_value (b, v, flags);
}

FUNC (fn_print)
{
  struct tpl_buf b = { 0 };
  bool ln = strcmp (at->str, "println") == 0;
  for (size_t k = 0; k < n; k++)
    {
      bool is_str = a[k] && a[k]->type == yajl_t_string;
      bool prev_str = k > 0 && a[k - 1] && a[k - 1]->type == yajl_t_string;
      /* Sprint adds spaces between operands when neither is a string; Sprintln always */
      if (k > 0 && (ln || (!is_str && !prev_str)))
        tpl_buf_putc (&b, ' ');
      sprint_arg (&b, a[k], st->flags);
    }
  if (ln)
    tpl_buf_putc (&b, '\n');
  *out = mk_str (st, tpl_buf_steal (&b));
  return 0;
}

FUNC (fn_printf)
{
  const char *fmt;
  if (want_string (st, at, a[0], &fmt) < 0)
    return -1;
  struct tpl_buf b = { 0 };
  tpl_buf_add (&b, "", 0);
  tpl_sprintf (&b, fmt, a + 1, n - 1, st->flags);
  *out = mk_str (st, tpl_buf_steal (&b));
  return 0;
}

/* ---- table ---- */

static const struct
{
  const char *name;
  tpl_func fn;
  int min, max; /* argument counts; max -1 = variadic */
  bool header_identity;
} funcs[] = {
  { "and", NULL, 1, -1, false },         { "eq", fn_eq, 1, -1, false },
  { "ge", fn_ge, 2, 2, false },          { "gt", fn_gt, 2, 2, false },
  { "index", fn_index, 1, -1, false },   { "join", fn_join, 2, 2, true },
  { "json", fn_json, 1, 1, true },       { "le", fn_le, 2, 2, false },
  { "len", fn_len, 1, 1, false },        { "lower", fn_lower, 1, 1, true },
  { "lt", fn_lt, 2, 2, false },          { "ne", fn_ne, 2, 2, false },
  { "not", fn_not, 1, 1, false },        { "or", NULL, 1, -1, false },
  { "pad", fn_pad, 3, 3, true },         { "print", fn_print, 0, -1, false },
  { "printf", fn_printf, 1, -1, false }, { "println", fn_print, 0, -1, false },
  { "slice", fn_slice, 1, -1, false },   { "split", fn_split, 2, 2, true },
  { "title", fn_title, 1, 1, true },     { "truncate", fn_truncate, 2, 2, true },
  { "upper", fn_upper, 1, 1, true },
};

static int
find (const char *name)
{
  for (size_t k = 0; k < sizeof funcs / sizeof funcs[0]; k++)
    if (strcmp (funcs[k].name, name) == 0)
      return (int)k;
  return -1;
}

bool
tpl_func_known (const char *name)
{
  return find (name) >= 0;
}

/* Checks the argument count, then calls the function (or its header stand-in). */
static int
call_checked (struct tpl_exec *st, const struct tpl_node *at, yajl_val *a, size_t n, yajl_val *out)
{
  int k = find (at->str);
  if (funcs[k].max < 0 && n < (size_t)funcs[k].min)
    return tpl_exec_error (st, at, "wrong number of args for %s: want at least %d got %zu", at->str,
                           funcs[k].min, n);
  if (funcs[k].max >= 0 && n != (size_t)funcs[k].min)
    return tpl_exec_error (st, at, "wrong number of args for %s: want %d got %zu", at->str,
                           funcs[k].min, n);
  if (funcs[k].header_identity && (st->flags & SKIFF_TEMPLATE_HEADER))
    return fn_header_identity (st, at, a, n, out);
  return funcs[k].fn (st, at, a, n, out);
}

tpl_func
tpl_func_lookup (const char *name, int flags)
{
  (void)flags;
  return find (name) >= 0 ? call_checked : NULL;
}
