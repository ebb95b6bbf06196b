/* Go's fmt.Sprintf over template values: flags "+-# 0", width, precision and the verbs
 * v s d q t x X o c f F e E g G, with Go's "%!d(string=x)" / "%!s(MISSING)" / "%!(EXTRA ...)"
 * markers for mismatches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/xalloc.h"
#include "template-internal.h"

struct spec
{
  bool minus, plus, sharp, space, zero;
  int width, prec; /* -1 = unset */
  char verb;
};

static size_t
rune_count (const char *s, size_t n)
{
  size_t c = 0;
  for (size_t k = 0; k < n; k++)
    if (((unsigned char)s[k] & 0xc0) != 0x80)
      c++;
  return c;
}

/* Writes s padded to the width (spaces, or zeros after any sign when zero_ok). */
static void
pad (struct tpl_buf *b, const struct spec *sp, const char *s, bool zero_ok)
{
  size_t n = strlen (s), w = rune_count (s, n);
  size_t fill = sp->width > 0 && (size_t)sp->width > w ? (size_t)sp->width - w : 0;
  if (sp->minus)
    {
      tpl_buf_puts (b, s);
      for (size_t k = 0; k < fill; k++)
        tpl_buf_putc (b, ' ');
      return;
    }
  if (sp->zero && zero_ok)
    {
      if (*s == '-' || *s == '+')
        tpl_buf_putc (b, *s++);
      for (size_t k = 0; k < fill; k++)
        tpl_buf_putc (b, '0');
      tpl_buf_puts (b, s);
      return;
    }
  for (size_t k = 0; k < fill; k++)
    tpl_buf_putc (b, ' ');
  tpl_buf_puts (b, s);
}

static void
bad_verb (struct tpl_buf *b, char verb, yajl_val v, int flags)
{
  tpl_buf_printf (b, "%%!%c(", verb);
  if (v == NULL || v->type == yajl_t_null)
    tpl_buf_puts (b, "<nil>");
  else
    {
      tpl_buf_printf (b, "%s=", tpl_type_name (v, flags));
      tpl_print_value (b, v, flags);
    }
  tpl_buf_putc (b, ')');
}

static void fmt_value (struct tpl_buf *b, const struct spec *sp, yajl_val v, int flags);

static void
fmt_int (struct tpl_buf *b, const struct spec *sp, long long i, yajl_val v, int flags)
{
  char out[128];
  char verb = sp->verb == 'v' ? 'd' : sp->verb;
  if (verb == 'c' || verb == 'q')
    {
      struct tpl_buf t = { 0 };
      char ch = (char)i;
      if (verb == 'q')
        tpl_quote (&t, &ch, 1), t.p[0] = '\'', t.p[t.len - 1] = '\'';
      else
        tpl_buf_add (&t, &ch, 1);
      pad (b, sp, t.p, false);
      free (t.p);
      return;
    }
  if (!strchr ("dxXo", verb))
    {
      bad_verb (b, sp->verb, v, flags);
      return;
    }
  /* Go prints negative hex/octal as -ff (C would print two's complement) */
  unsigned long long mag = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
  unsigned base = verb == 'd' ? 10 : verb == 'o' ? 8 : 16;
  const char *dig = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  char rev[72];
  int nd = 0;
  do
    rev[nd++] = dig[mag % base], mag /= base;
  while (mag && nd < 70);
  while (nd < sp->prec && nd < 70)
    rev[nd++] = '0';
  size_t o = 0;
  if (i < 0)
    out[o++] = '-';
  else if (sp->plus)
    out[o++] = '+';
  else if (sp->space)
    out[o++] = ' ';
  if (sp->sharp && base != 10)
    {
      out[o++] = '0';
      if (base == 16)
        out[o++] = verb;
    }
  while (nd > 0)
    out[o++] = rev[--nd];
  out[o] = '\0';
  pad (b, sp, out, sp->prec < 0);
}

static void
fmt_float (struct tpl_buf *b, const struct spec *sp, double f, yajl_val v, int flags)
{
  char verb = sp->verb;
  if (!strchr ("vfFeEgG", verb))
    {
      bad_verb (b, verb, v, flags);
      return;
    }
  struct tpl_buf t = { 0 };
  if ((verb == 'v' || verb == 'g') && sp->prec < 0)
    {
      if (sp->plus && f >= 0)
        tpl_buf_putc (&t, '+');
      tpl_format_float (&t, f, 'g');
    }
  else
    {
      int prec = sp->prec >= 0 ? sp->prec : 6;
      if (sp->plus && f >= 0)
        tpl_buf_putc (&t, '+');
      switch (verb)
        {
        case 'e':
          tpl_buf_printf (&t, "%.*e", prec, f);
          break;
        case 'E':
          tpl_buf_printf (&t, "%.*E", prec, f);
          break;
        case 'G':
          tpl_buf_printf (&t, "%.*G", prec, f);
          break;
        case 'g':
        case 'v':
          tpl_buf_printf (&t, "%.*g", prec, f);
          break;
        default:
          tpl_buf_printf (&t, "%.*f", prec, f);
          break;
        }
    }
  pad (b, sp, t.p, true);
  free (t.p);
}

static void
fmt_string (struct tpl_buf *b, const struct spec *sp, const char *s, yajl_val v, int flags)
{
  struct tpl_buf t = { 0 };
  tpl_buf_add (&t, "", 0);
  size_t n = strlen (s);
  if (sp->prec >= 0)
    {
      /* precision truncates to that many runes */
      size_t runes = 0, k = 0;
      for (; k < n; k++)
        if (((unsigned char)s[k] & 0xc0) != 0x80 && runes++ == (size_t)sp->prec)
          break;
      n = k;
    }
  switch (sp->verb)
    {
    case 'v':
    case 's':
      tpl_buf_add (&t, s, n);
      break;
    case 'q':
      tpl_quote (&t, s, n);
      break;
    case 'x':
    case 'X':
      for (size_t k = 0; k < n; k++)
        tpl_buf_printf (&t, sp->verb == 'x' ? "%02x" : "%02X", (unsigned char)s[k]);
      break;
    default:
      free (t.p);
      bad_verb (b, sp->verb, v, flags);
      return;
    }
  pad (b, sp, t.p, false);
  free (t.p);
}

static int
cmp_keys (const void *x, const void *y)
{
  return strcmp (*(const char *const *)x, *(const char *const *)y);
}

/* Composite values: the verb applies to each element, as in Go. */
static void
fmt_composite (struct tpl_buf *b, const struct spec *sp, yajl_val v, int flags)
{
  if (v->type == yajl_t_array)
    {
      tpl_buf_putc (b, '[');
      for (size_t k = 0; k < v->u.array.len; k++)
        {
          if (k)
            tpl_buf_putc (b, ' ');
          fmt_value (b, sp, v->u.array.values[k], flags);
        }
      tpl_buf_putc (b, ']');
      return;
    }
  size_t n = v->u.object.len;
  bool is_struct = tpl_is_struct (v, flags);
  const char **keys = xmalloc ((n ? n : 1) * sizeof *keys);
  for (size_t k = 0; k < n; k++)
    keys[k] = v->u.object.keys[k];
  if (!is_struct)
    qsort (keys, n, sizeof *keys, cmp_keys);
  tpl_buf_puts (b, is_struct ? "{" : "map[");
  for (size_t k = 0; k < n; k++)
    {
      if (k)
        tpl_buf_putc (b, ' ');
      if (!is_struct)
        {
          fmt_string (b, sp, keys[k], NULL, flags);
          tpl_buf_putc (b, ':');
        }
      for (size_t j = 0; j < n; j++)
        if (v->u.object.keys[j] == keys[k])
          fmt_value (b, sp, v->u.object.values[j], flags);
    }
  tpl_buf_puts (b, is_struct ? "}" : "]");
  free (keys);
}

static void
fmt_value (struct tpl_buf *b, const struct spec *sp, yajl_val v, int flags)
{
  if (v == NULL || v->type == yajl_t_null)
    {
      if (sp->verb == 'v')
        pad (b, sp, "<nil>", false);
      else
        bad_verb (b, sp->verb, v, flags);
      return;
    }
  switch (v->type)
    {
    case yajl_t_string:
      fmt_string (b, sp, v->u.string, v, flags);
      return;
    case yajl_t_true:
    case yajl_t_false:
      if (sp->verb == 'v' || sp->verb == 't')
        pad (b, sp, v->type == yajl_t_true ? "true" : "false", false);
      else
        bad_verb (b, sp->verb, v, flags);
      return;
    case yajl_t_number:
      if (tpl_is_int (v))
        fmt_int (b, sp, (long long)v->u.number.i, v, flags);
      else
        fmt_float (b, sp, v->u.number.d, v, flags);
      return;
    default:
      fmt_composite (b, sp, v, flags);
      return;
    }
}

/* Parses flags, width and precision after '%'; returns the position of the verb. */
static const char *
parse_spec (const char *p, struct spec *sp, yajl_val *args, size_t nargs, size_t *argi)
{
  *sp = (struct spec){ .width = -1, .prec = -1 };
  for (;; p++)
    {
      if (*p == '-')
        sp->minus = true;
      else if (*p == '+')
        sp->plus = true;
      else if (*p == '#')
        sp->sharp = true;
      else if (*p == ' ')
        sp->space = true;
      else if (*p == '0')
        sp->zero = !sp->minus;
      else
        break;
    }
  if (*p == '*')
    {
      if (*argi < nargs && tpl_is_int (args[*argi]))
        sp->width = (int)args[(*argi)++]->u.number.i;
      p++;
    }
  else
    for (sp->width = 0; *p >= '0' && *p <= '9'; p++)
      sp->width = sp->width * 10 + (*p - '0');
  if (*p == '.')
    {
      p++;
      if (*p == '*')
        {
          if (*argi < nargs && tpl_is_int (args[*argi]))
            sp->prec = (int)args[(*argi)++]->u.number.i;
          p++;
        }
      else
        for (sp->prec = 0; *p >= '0' && *p <= '9'; p++)
          sp->prec = sp->prec * 10 + (*p - '0');
    }
  if (sp->width < 0)
    sp->minus = true, sp->width = -sp->width;
  return p;
}

void
tpl_sprintf (struct tpl_buf *b, const char *fmt, yajl_val *args, size_t nargs, int flags)
{
  size_t argi = 0;
  for (const char *p = fmt; *p; p++)
    {
      if (*p != '%')
        {
          tpl_buf_putc (b, *p);
          continue;
        }
      struct spec sp;
      p = parse_spec (p + 1, &sp, args, nargs, &argi);
      if (*p == '\0')
        {
          tpl_buf_puts (b, "%!(NOVERB)");
          break;
        }
      sp.verb = *p;
      if (sp.verb == '%')
        {
          tpl_buf_putc (b, '%');
          continue;
        }
      if (argi >= nargs)
        {
          tpl_buf_printf (b, "%%!%c(MISSING)", sp.verb);
          continue;
        }
      fmt_value (b, &sp, args[argi++], flags);
    }
  if (argi < nargs)
    {
      tpl_buf_puts (b, "%!(EXTRA ");
      for (size_t k = argi; k < nargs; k++)
        {
          if (k > argi)
            tpl_buf_puts (b, ", ");
          if (args[k] == NULL || args[k]->type == yajl_t_null)
            tpl_buf_puts (b, "<nil>");
          else
            {
              tpl_buf_printf (b, "%s=", tpl_type_name (args[k], flags));
              tpl_print_value (b, args[k], flags);
            }
        }
      tpl_buf_putc (b, ')');
    }
}
