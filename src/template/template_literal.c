/* Template literals: Go's strconv.Unquote rules for strings and character constants, and
 * number constants (typed int unless written with . e E p P, as Go's idealConstant). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "template-internal.h"

static int
hexval (int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static void
put_utf8 (struct tpl_buf *b, uint32_t c)
{
  char s[4];
  if (c < 0x80)
    tpl_buf_putc (b, (char)c);
  else if (c < 0x800)
    {
      s[0] = (char)(0xc0 | (c >> 6)), s[1] = (char)(0x80 | (c & 0x3f));
      tpl_buf_add (b, s, 2);
    }
  else if (c < 0x10000)
    {
      s[0] = (char)(0xe0 | (c >> 12)), s[1] = (char)(0x80 | ((c >> 6) & 0x3f));
      s[2] = (char)(0x80 | (c & 0x3f));
      tpl_buf_add (b, s, 3);
    }
  else
    {
      s[0] = (char)(0xf0 | (c >> 18)), s[1] = (char)(0x80 | ((c >> 12) & 0x3f));
      s[2] = (char)(0x80 | ((c >> 6) & 0x3f)), s[3] = (char)(0x80 | (c & 0x3f));
      tpl_buf_add (b, s, 4);
    }
}

/* One escape after a backslash (Go strconv.UnquoteChar); returns false on bad syntax. */
static bool
unescape (const char **sp, char quote, struct tpl_buf *b)
{
  const char *s = *sp;
  static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\";
  const char *m = strchr (simple, *s);
  if (*s && m && (m - simple) % 2 == 0)
    {
      tpl_buf_putc (b, m[1]);
      *sp = s + 1;
      return true;
    }
  if (*s == quote && quote != 0)
    {
      tpl_buf_putc (b, quote);
      *sp = s + 1;
      return true;
    }
  int ndig = *s == 'x' ? 2 : *s == 'u' ? 4 : *s == 'U' ? 8 : 0;
  uint32_t v = 0;
  if (ndig)
    {
      for (int k = 1; k <= ndig; k++)
        {
          int h = hexval ((unsigned char)s[k]);
          if (h < 0)
            return false;
          v = v * 16 + (uint32_t)h;
        }
      if (*s == 'x')
        tpl_buf_putc (b, (char)v);
      else if (v > 0x10ffff)
        return false;
      else
        put_utf8 (b, v);
      *sp = s + 1 + ndig;
      return true;
    }
  if (*s >= '0' && *s <= '7')
    {
      for (int k = 0; k < 3; k++)
        {
          if (s[k] < '0' || s[k] > '7')
            return false;
          v = v * 8 + (uint32_t)(s[k] - '0');
        }
      if (v > 255)
        return false;
      tpl_buf_putc (b, (char)v);
      *sp = s + 3;
      return true;
    }
  return false;
}

char *
tpl_unquote (const char *tok)
{
  size_t n = strlen (tok);
  struct tpl_buf b = { 0 };
  if (tok[0] == '`')
    {
      for (size_t k = 1; k + 1 < n; k++)
        if (tok[k] != '\r')
          tpl_buf_putc (&b, tok[k]);
      tpl_buf_add (&b, "", 0);
      return tpl_buf_steal (&b);
    }
  const char *s = tok + 1, *end = tok + n - 1;
  tpl_buf_add (&b, "", 0);
  while (s < end)
    {
      if (*s != '\\')
        {
          tpl_buf_putc (&b, *s++);
          continue;
        }
      s++;
      if (!unescape (&s, '"', &b))
        {
          free (tpl_buf_steal (&b));
          return NULL;
        }
    }
  return tpl_buf_steal (&b);
}

bool
tpl_parse_charconst (const char *tok, int64_t *out)
{
  struct tpl_buf b = { 0 };
  const char *s = tok + 1;
  bool ok = true;
  if (*s == '\\')
    {
      s++;
      ok = unescape (&s, '\'', &b);
    }
  else
    {
      size_t k = 1;
      unsigned char c = (unsigned char)*s;
      if (c >= 0xc0)
        k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      tpl_buf_add (&b, s, k);
      s += k;
    }
  ok = ok && *s == '\'' && s[1] == '\0' && b.len > 0;
  char *v = tpl_buf_steal (&b);
  if (!ok)
    {
      free (v);
      return false;
    }
  /* decode the UTF-8 (or single byte) back to a code point */
  const unsigned char *u = (const unsigned char *)v;
  int64_t cp = u[0];
  if (u[0] >= 0xc0 && strlen (v) > 1)
    {
      size_t k = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : 2;
      cp = u[0] & (0x3f >> (k - 1));
      for (size_t j = 1; j < k && u[j]; j++)
        cp = (cp << 6) | (u[j] & 0x3f);
    }
  free (v);
  *out = cp;
  return true;
}

const char *
tpl_parse_number (const char *tok, bool *is_int, int64_t *i, double *f)
{
  char clean[128];
  size_t k = 0;
  for (const char *s = tok; *s && k + 1 < sizeof clean; s++)
    if (*s != '_')
      clean[k++] = *s;
  clean[k] = '\0';
  bool hex = strstr (clean, "0x") || strstr (clean, "0X");
  const char *digits = clean + (clean[0] == '+' || clean[0] == '-');
  char *end;
  errno = 0;
  if (hex || !strpbrk (clean, ".eEpP"))
    {
      int base = 10;
      if (digits[0] == '0'
          && (digits[1] == 'o' || digits[1] == 'O' || digits[1] == 'b' || digits[1] == 'B'))
        {
          base = digits[1] == 'b' || digits[1] == 'B' ? 2 : 8;
          memmove ((char *)digits, digits + 2, strlen (digits + 2) + 1);
        }
      else if (hex)
        base = 16;
      else if (digits[0] == '0' && digits[1])
        base = 8;
      long long v = strtoll (clean, &end, base);
      if (*end || end == clean)
        return "illegal number syntax";
      if (errno == ERANGE)
        return "integer overflow";
      *is_int = true;
      *i = v;
      return NULL;
    }
  *f = strtod (clean, &end);
  if (*end || end == clean)
    return "illegal number syntax";
  *is_int = false;
  return NULL;
}
