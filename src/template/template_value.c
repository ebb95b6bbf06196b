/* Template values: the string buffer, the arena of values made during execution, Go's truth
 * and type names, fmt-style printing (%v) and encoding/json output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/template.h"
#include "skiff/xalloc.h"
#include "template-internal.h"

void
tpl_buf_add (struct tpl_buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      b->cap = (b->len + n + 1) * 2;
      b->p = xrealloc (b->p, b->cap);
    }
  memcpy (b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void
tpl_buf_puts (struct tpl_buf *b, const char *s)
{
  tpl_buf_add (b, s, strlen (s));
}

void
tpl_buf_putc (struct tpl_buf *b, char c)
{
  tpl_buf_add (b, &c, 1);
}

void
tpl_buf_printf (struct tpl_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = tpl_vformat (fmt, ap);
  va_end (ap);
  tpl_buf_puts (b, s);
  free (s);
}

char *
tpl_vformat (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  return s;
}

char *
tpl_buf_steal (struct tpl_buf *b)
{
  char *p = b->p ? b->p : xstrdup ("");
  *b = (struct tpl_buf){ 0 };
  return p;
}

/* ---- arena ---- */

static yajl_val
arena_new (struct tpl_arena *a, yajl_type type)
{
  if (a->n == a->cap)
    {
      a->cap = a->cap ? a->cap * 2 : 16;
      a->nodes = xrealloc (a->nodes, a->cap * sizeof *a->nodes);
    }
  yajl_val v = xzalloc (sizeof *v);
  v->type = type;
  a->nodes[a->n++] = v;
  return v;
}

yajl_val
tpl_mk_string (struct tpl_arena *a, char *owned)
{
  yajl_val v = arena_new (a, yajl_t_string);
  v->u.string = owned;
  return v;
}

yajl_val
tpl_mk_int (struct tpl_arena *a, int64_t i)
{
  yajl_val v = arena_new (a, yajl_t_number);
  v->u.number.i = i;
  v->u.number.d = (double)i;
  v->u.number.flags = YAJL_NUMBER_INT_VALID | YAJL_NUMBER_DOUBLE_VALID;
  return v;
}

yajl_val
tpl_mk_float (struct tpl_arena *a, double f)
{
  yajl_val v = arena_new (a, yajl_t_number);
  v->u.number.d = f;
  v->u.number.flags = YAJL_NUMBER_DOUBLE_VALID;
  return v;
}

static struct yajl_val_s true_node = { .type = yajl_t_true };
static struct yajl_val_s false_node = { .type = yajl_t_false };
static struct yajl_val_s null_node = { .type = yajl_t_null };

yajl_val
tpl_mk_bool (bool b)
{
  return b ? &true_node : &false_node;
}

yajl_val
tpl_mk_null (void)
{
  return &null_node;
}

yajl_val
tpl_mk_array (struct tpl_arena *a, size_t n)
{
  yajl_val v = arena_new (a, yajl_t_array);
  v->u.array.values = xzalloc ((n ? n : 1) * sizeof (yajl_val));
  v->u.array.len = n;
  return v;
}

void
tpl_arena_free (struct tpl_arena *a)
{
  for (size_t k = 0; k < a->n; k++)
    {
      yajl_val v = a->nodes[k];
      if (v->type == yajl_t_string)
        free (v->u.string);
      else if (v->type == yajl_t_array)
        free (v->u.array.values);
      free (v);
    }
  free (a->nodes);
  *a = (struct tpl_arena){ 0 };
}

/* ---- predicates ---- */

bool
tpl_is_int (yajl_val v)
{
  return v && v->type == yajl_t_number && (v->u.number.flags & YAJL_NUMBER_INT_VALID);
}

bool
tpl_is_float (yajl_val v)
{
  return v && v->type == yajl_t_number && !(v->u.number.flags & YAJL_NUMBER_INT_VALID);
}

bool
tpl_is_bool (yajl_val v)
{
  return v && (v->type == yajl_t_true || v->type == yajl_t_false);
}

static bool
is_exported_ident (const char *s)
{
  if (!(*s >= 'A' && *s <= 'Z'))
    return false;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || *s == '_'))
      return false;
  return true;
}

bool
tpl_is_struct (yajl_val v, int flags)
{
  if (v == NULL || v->type != yajl_t_object || v->u.object.len == 0
      || (flags & SKIFF_TEMPLATE_HEADER))
    return false;
  for (size_t k = 0; k < v->u.object.len; k++)
    if (!is_exported_ident (v->u.object.keys[k]))
      return false;
  return true;
}

bool
tpl_truth (yajl_val v)
{
  if (v == NULL)
    return false;
  switch (v->type)
    {
    case yajl_t_true:
      return true;
    case yajl_t_string:
      return v->u.string[0] != '\0';
    case yajl_t_number:
      return tpl_is_int (v) ? v->u.number.i != 0 : v->u.number.d != 0;
    case yajl_t_array:
      return v->u.array.len > 0;
    case yajl_t_object:
      return v->u.object.len > 0;
    default:
      return false;
    }
}

const char *
tpl_type_name (yajl_val v, int flags)
{
  if (v == NULL || v->type == yajl_t_null)
    return "<nil>";
  switch (v->type)
    {
    case yajl_t_string:
      return "string";
    case yajl_t_number:
      return tpl_is_int (v) ? "int" : "float64";
    case yajl_t_true:
    case yajl_t_false:
      return "bool";
    case yajl_t_array:
      return "[]interface {}";
    default:
      return tpl_is_struct (v, flags) ? "struct" : "map[string]interface {}";
    }
}

/* ---- numbers ---- */

/* Shortest decimal digits that round-trip: f = 0.<digits> * 10^(*dp) style, with *exp the
 * exponent of the first digit (d.ddd * 10^exp). */
static void
shortest_digits (double f, char *digits, int *exp)
{
  char tmp[40];
  for (int prec = 1; prec <= 17; prec++)
    {
      snprintf (tmp, sizeof tmp, "%.*e", prec - 1, f);
      if (strtod (tmp, NULL) == f)
        break;
    }
  char *e = strchr (tmp, 'e');
  *exp = atoi (e + 1);
  size_t n = 0;
  for (char *s = tmp; s < e; s++)
    if (*s >= '0' && *s <= '9')
      digits[n++] = *s;
  while (n > 1 && digits[n - 1] == '0')
    n--;
  digits[n] = '\0';
}

void
tpl_format_float (struct tpl_buf *b, double f, char fmt)
{
  if (isnan (f))
    {
      tpl_buf_puts (b, "NaN");
      return;
    }
  if (isinf (f))
    {
      tpl_buf_puts (b, f > 0 ? "+Inf" : "-Inf");
      return;
    }
  if (signbit (f))
    tpl_buf_putc (b, '-');
  f = fabs (f);
  if (f == 0)
    {
      tpl_buf_putc (b, '0');
      return;
    }
  char d[40];
  int exp;
  shortest_digits (f, d, &exp);
  int nd = (int)strlen (d);
  /* strconv 'g' with shortest precision switches to %e at exponent 6; encoding/json at 1e21 */
  bool use_e = fmt == 'j' ? (f < 1e-6 || f >= 1e21) : (exp < -4 || exp >= 6);
  if (use_e)
    {
      tpl_buf_putc (b, d[0]);
      if (nd > 1)
        {
          tpl_buf_putc (b, '.');
          tpl_buf_puts (b, d + 1);
        }
      if (fmt == 'j')
        tpl_buf_printf (b, "e%c%d", exp < 0 ? '-' : '+', abs (exp));
      else
        tpl_buf_printf (b, "e%c%02d", exp < 0 ? '-' : '+', abs (exp));
      return;
    }
  if (exp < 0)
    {
      tpl_buf_puts (b, "0.");
      for (int k = 0; k < -exp - 1; k++)
        tpl_buf_putc (b, '0');
      tpl_buf_puts (b, d);
      return;
    }
  for (int k = 0; k <= exp; k++)
    tpl_buf_putc (b, k < nd ? d[k] : '0');
  if (nd > exp + 1)
    {
      tpl_buf_putc (b, '.');
      tpl_buf_puts (b, d + exp + 1);
    }
}

/* ---- printing ---- */

static int
cmp_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void print_nested (struct tpl_buf *b, yajl_val v, int flags);

static void
print_object (struct tpl_buf *b, yajl_val v, int flags)
{
  size_t n = v->u.object.len;
  if (tpl_is_struct (v, flags))
    {
      tpl_buf_putc (b, '{');
      for (size_t k = 0; k < n; k++)
        {
          if (k)
            tpl_buf_putc (b, ' ');
          print_nested (b, v->u.object.values[k], flags);
        }
      tpl_buf_putc (b, '}');
      return;
    }
  /* Go's fmt prints maps sorted by key */
  const char **keys = xmalloc ((n ? n : 1) * sizeof *keys);
  for (size_t k = 0; k < n; k++)
    keys[k] = v->u.object.keys[k];
  qsort (keys, n, sizeof *keys, cmp_keys);
  tpl_buf_puts (b, "map[");
  for (size_t k = 0; k < n; k++)
    {
      if (k)
        tpl_buf_putc (b, ' ');
      tpl_buf_puts (b, keys[k]);
      tpl_buf_putc (b, ':');
      for (size_t j = 0; j < n; j++)
        if (v->u.object.keys[j] == keys[k])
          print_nested (b, v->u.object.values[j], flags);
    }
  tpl_buf_putc (b, ']');
  free (keys);
}

static void
print_nested (struct tpl_buf *b, yajl_val v, int flags)
{
  if (v == NULL || v->type == yajl_t_null)
    {
      tpl_buf_puts (b, "<nil>");
      return;
    }
  tpl_print_value (b, v, flags);
}

void
tpl_print_value (struct tpl_buf *b, yajl_val v, int flags)
{
  if (v == NULL || v->type == yajl_t_null)
    {
      tpl_buf_puts (b, "<no value>");
      return;
    }
  switch (v->type)
    {
    case yajl_t_string:
      tpl_buf_puts (b, v->u.string);
      break;
    case yajl_t_number:
      if (tpl_is_int (v))
        tpl_buf_printf (b, "%lld", (long long)v->u.number.i);
      else
        tpl_format_float (b, v->u.number.d, 'g');
      break;
    case yajl_t_true:
      tpl_buf_puts (b, "true");
      break;
    case yajl_t_false:
      tpl_buf_puts (b, "false");
      break;
    case yajl_t_array:
      tpl_buf_putc (b, '[');
      for (size_t k = 0; k < v->u.array.len; k++)
        {
          if (k)
            tpl_buf_putc (b, ' ');
          print_nested (b, v->u.array.values[k], flags);
        }
      tpl_buf_putc (b, ']');
      break;
    default:
      print_object (b, v, flags);
      break;
    }
}

/* ---- quoting ---- */

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len (const unsigned char *s, uint32_t *cp)
{
  size_t n;
  uint32_t c = s[0];
  if (c < 0x80)
    {
      *cp = c;
      return 1;
    }
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, c &= 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, c &= 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, c &= 0x07;
  else
    return 0;
  for (size_t k = 1; k < n; k++)
    {
      if ((s[k] & 0xc0) != 0x80)
        return 0;
      c = (c << 6) | (s[k] & 0x3f);
    }
  if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)))
      || (n == 4 && (c < 0x10000 || c > 0x10ffff)))
    return 0;
  *cp = c;
  return n;
}

void
tpl_quote (struct tpl_buf *b, const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  tpl_buf_putc (b, '"');
  for (size_t k = 0; k < n;)
    {
      uint32_t cp;
      size_t l = utf8_len (u + k, &cp);
      const char *esc = NULL;
      switch (u[k])
        {
        case '"':
          esc = "\\\"";
          break;
        case '\\':
          esc = "\\\\";
          break;
        case '\a':
          esc = "\\a";
          break;
        case '\b':
          esc = "\\b";
          break;
        case '\f':
          esc = "\\f";
          break;
        case '\n':
          esc = "\\n";
          break;
        case '\r':
          esc = "\\r";
          break;
        case '\t':
          esc = "\\t";
          break;
        case '\v':
          esc = "\\v";
          break;
        default:
          break;
        }
      if (esc)
        tpl_buf_puts (b, esc), l = 1;
      else if (l == 0 || u[k] < 0x20 || u[k] == 0x7f)
        tpl_buf_printf (b, "\\x%02x", u[k]), l = 1;
      else
        tpl_buf_add (b, s + k, l);
      k += l;
    }
  tpl_buf_putc (b, '"');
}

/* ---- JSON ---- */

static void
json_string (struct tpl_buf *b, const char *s)
{
  const unsigned char *u = (const unsigned char *)s;
  tpl_buf_putc (b, '"');
  for (size_t k = 0; u[k];)
    {
      uint32_t cp;
      size_t l = utf8_len (u + k, &cp);
      unsigned char c = u[k];
      if (c == '"' || c == '\\')
        tpl_buf_putc (b, '\\'), tpl_buf_putc (b, (char)c);
      else if (c == '\n')
        tpl_buf_puts (b, "\\n");
      else if (c == '\r')
        tpl_buf_puts (b, "\\r");
      else if (c == '\t')
        tpl_buf_puts (b, "\\t");
      else if (c == '\b')
        tpl_buf_puts (b, "\\b");
      else if (c == '\f')
        tpl_buf_puts (b, "\\f");
      else if (c < 0x20)
        tpl_buf_printf (b, "\\u%04x", c);
      else if (l == 0)
        l = 1, tpl_buf_puts (b, "\\ufffd");
      else if (cp == 0x2028 || cp == 0x2029)
        tpl_buf_printf (b, "\\u%04x", cp);
      else
        tpl_buf_add (b, s + k, l);
      k += l ? l : 1;
    }
  tpl_buf_putc (b, '"');
}

static void
json_newline (struct tpl_buf *b, const char *indent, int depth)
{
  tpl_buf_putc (b, '\n');
  for (int k = 0; k < depth; k++)
    tpl_buf_puts (b, indent);
}

static void
json_value (struct tpl_buf *b, yajl_val v, const char *indent, int depth)
{
  if (v == NULL || v->type == yajl_t_null)
    {
      tpl_buf_puts (b, "null");
      return;
    }
  bool is_obj = v->type == yajl_t_object;
  switch (v->type)
    {
    case yajl_t_string:
      json_string (b, v->u.string);
      return;
    case yajl_t_number:
      if (tpl_is_int (v))
        tpl_buf_printf (b, "%lld", (long long)v->u.number.i);
      else
        tpl_format_float (b, v->u.number.d, 'j');
      return;
    case yajl_t_true:
    case yajl_t_false:
      tpl_buf_puts (b, v->type == yajl_t_true ? "true" : "false");
      return;
    default:
      break;
    }
  size_t n = is_obj ? v->u.object.len : v->u.array.len;
  tpl_buf_putc (b, is_obj ? '{' : '[');
  for (size_t k = 0; k < n; k++)
    {
      if (k)
        tpl_buf_putc (b, ',');
      if (indent)
        json_newline (b, indent, depth + 1);
      if (is_obj)
        {
          json_string (b, v->u.object.keys[k]);
          tpl_buf_puts (b, indent ? ": " : ":");
        }
      json_value (b, is_obj ? v->u.object.values[k] : v->u.array.values[k], indent, depth + 1);
    }
  if (indent && n)
    json_newline (b, indent, depth);
  tpl_buf_putc (b, is_obj ? '}' : ']');
}

void
tpl_json_encode (struct tpl_buf *b, yajl_val v, const char *indent)
{
  json_value (b, v, indent, 0);
}
