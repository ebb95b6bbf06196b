/* Docker-style table output (Go text/tabwriter with minwidth 10, padding 3) and the cell
 * helpers docker's formatters use (Ellipsis, strconv.Quote). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct skiff_cli_table
{
  size_t ncols;
  size_t nrows;
  char **cells; /* nrows * ncols, owned */
};

struct skiff_cli_table *
skiff_cli_table_new (size_t ncols)
{
  struct skiff_cli_table *t = xzalloc (sizeof *t);
  t->ncols = ncols;
  return t;
}

void
skiff_cli_table_add (struct skiff_cli_table *t, char *const *cells)
{
  t->cells = xrealloc (t->cells, (t->nrows + 1) * t->ncols * sizeof (char *));
  for (size_t i = 0; i < t->ncols; i++)
    t->cells[t->nrows * t->ncols + i] = xstrdup (cells[i] ? cells[i] : "");
  t->nrows++;
}

/* Display width as tabwriter counts it: runes. */
size_t
skiff_cli_text_width (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char) *s & 0xc0) != 0x80)
      n++;
  return n;
}

void
skiff_cli_table_print (struct skiff_cli_table *t, FILE *out)
{
  enum
  {
    MINWIDTH = 10,
    PADDING = 3,
  };
  size_t *width = xzalloc (t->ncols * sizeof (size_t));
  for (size_t c = 0; c + 1 < t->ncols; c++)
    {
      width[c] = MINWIDTH;
      for (size_t r = 0; r < t->nrows; r++)
        {
          size_t w = skiff_cli_text_width (t->cells[r * t->ncols + c]) + PADDING;
          if (w > width[c])
            width[c] = w;
        }
    }
  for (size_t r = 0; r < t->nrows; r++)
    {
      for (size_t c = 0; c < t->ncols; c++)
        {
          const char *cell = t->cells[r * t->ncols + c];
          fputs (cell, out);
          if (c + 1 < t->ncols) /* the last cell is not aligned (no trailing tab) */
            fprintf (out, "%*s", (int) (width[c] - skiff_cli_text_width (cell)), "");
        }
      fputc ('\n', out);
    }
  free (width);
}

void
skiff_cli_table_free (struct skiff_cli_table *t)
{
  if (t == NULL)
    return;
  for (size_t i = 0; i < t->nrows * t->ncols; i++)
    free (t->cells[i]);
  free (t->cells);
  free (t);
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
    if (((unsigned char) *p & 0xc0) != 0x80 && runes++ == max - 1)
      break;
  return xasprintf ("%.*s…", (int) (p - s), s);
}

char *
skiff_cli_quote (const char *s)
{
  size_t cap = strlen (s) * 4 + 3, n = 0;
  char *out = xmalloc (cap);
  out[n++] = '"';
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
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
        n += (size_t) sprintf (out + n, "\\x%02x", *p);
      else
        out[n++] = (char) *p; /* printable ASCII, and UTF-8 passed through */
    }
  out[n++] = '"';
  out[n] = '\0';
  return out;
}
