/* Cell helpers docker's formatters use: Ellipsis and strconv.Quote. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skiff/xalloc.h"

/* Display width as tabwriter counts it: runes. */
size_t
skiff_cli_text_width (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xc0) != 0x80)
      n++;
  return n;
}

char *
skiff_cli_ellipsis (const char *s, size_t max)
{
  if (skiff_cli_text_width (s) <= max)
    return xstrdup (s);
  if (max == 0)
    return xstrdup ("");
  /* keep max-1 runes, then "…" */
  size_t runes = 0;
  const char *p = s;
  for (; *p; p++)
    if (((unsigned char)*p & 0xc0) != 0x80 && runes++ == max - 1)
      break;
  return xasprintf ("%.*s…", (int)(p - s), s);
}

char *
skiff_cli_quote (const char *s)
{
  size_t cap = strlen (s) * 4 + 3, n = 0;
  char *out = xmalloc (cap);
  out[n++] = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    {
      static const char esc_from[] = "\a\b\f\n\r\t\v\\\"";
      static const char esc_to[] = "abfnrtv\\\"";
      const char *e = *p ? strchr (esc_from, *p) : NULL;
      if (e)
        {
          out[n++] = '\\';
          out[n++] = esc_to[e - esc_from];
        }
      else if (*p < 0x20 || *p == 0x7f)
        n += (size_t)sprintf (out + n, "\\x%02x", *p);
      else
        out[n++] = (char)*p; /* printable ASCII, and UTF-8 passed through */
    }
  out[n++] = '"';
  out[n] = '\0';
  return out;
}
