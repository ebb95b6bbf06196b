/* Go text/tabwriter's column algorithm (flags 0) over a complete text. */
#include "skiff/tabwriter.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/xalloc.h"

struct cell
{
  const char *text;
  size_t size;  /* bytes */
  size_t width; /* runes */
};

struct line
{
  struct cell *cells;
  size_t ncells;
};

struct tw
{
  const struct skiff_tabwriter_opts *o;
  struct line *lines;
  size_t nlines;
  bool last_partial; /* the text did not end with '\n' */
  int *widths;
  size_t nwidths;
  char *out;
  size_t len, cap;
};

static void
put (struct tw *w, const char *s, size_t n)
{
  if (w->len + n + 1 > w->cap)
    {
      w->cap = (w->len + n + 1) * 2;
      w->out = xrealloc (w->out, w->cap);
    }
  memcpy (w->out + w->len, s, n);
  w->len += n;
  w->out[w->len] = '\0';
}

static void
put_n (struct tw *w, char c, int n)
{
  for (int k = 0; k < n; k++)
    put (w, &c, 1);
}

static size_t
runes (const char *s, size_t n)
{
  size_t c = 0;
  for (size_t k = 0; k < n; k++)
    if (((unsigned char)s[k] & 0xc0) != 0x80)
      c++;
  return c;
}

static void
padding (struct tw *w, size_t textw, int cellw)
{
  if (w->o->padchar == '\t')
    {
      int tabw = w->o->tabwidth;
      if (tabw == 0)
        return;
      /* round the cell up to a multiple of the tab width, then fill with tabs */
      cellw = (cellw + tabw - 1) / tabw * tabw;
      int n = cellw - (int)textw;
      put_n (w, '\t', (n + tabw - 1) / tabw);
      return;
    }
  put_n (w, w->o->padchar, cellw - (int)textw);
}

static void
write_lines (struct tw *w, size_t from, size_t to)
{
  for (size_t i = from; i < to; i++)
    {
      struct line *l = &w->lines[i];
      for (size_t j = 0; j < l->ncells; j++)
        {
          struct cell *c = &l->cells[j];
          put (w, c->text, c->size);
          if (j < w->nwidths)
            padding (w, c->width, w->widths[j]);
        }
      if (i + 1 < w->nlines || !w->last_partial)
        put (w, "\n", 1);
    }
}

static void
format (struct tw *w, size_t line0, size_t line1)
{
  size_t column = w->nwidths;
  for (size_t this = line0; this < line1; this ++)
    {
      if (column + 1 >= w->lines[this].ncells)
        continue;
      /* this line has a cell in this column: print the lines before, then the block */
      write_lines (w, line0, this);
      line0 = this;
      int width = w->o->minwidth;
      for (; this < line1; this ++)
        {
          struct line *l = &w->lines[this];
          if (column + 1 >= l->ncells)
            break;
          int cw = (int)l->cells[column].width + w->o->padding;
          if (cw > width)
            width = cw;
        }
      w->widths = xrealloc (w->widths, (w->nwidths + 1) * sizeof *w->widths);
      w->widths[w->nwidths++] = width;
      format (w, line0, this);
      w->nwidths--;
      line0 = this;
      this --; /* the loop's this++ revisits the line that ended the block */
    }
  write_lines (w, line0, line1);
}

static void
split (struct tw *w, const char *text, size_t len)
{
  size_t start = 0;
  while (start < len)
    {
      const char *nl = memchr (text + start, '\n', len - start);
      size_t end = nl ? (size_t)(nl - text) : len;
      struct line l = { 0 };
      size_t cs = start;
      for (size_t k = start; k <= end; k++)
        if (k == end || text[k] == '\t')
          {
            l.cells = xrealloc (l.cells, (l.ncells + 1) * sizeof *l.cells);
            l.cells[l.ncells++] = (struct cell){ text + cs, k - cs, runes (text + cs, k - cs) };
            cs = k + 1;
          }
      w->lines = xrealloc (w->lines, (w->nlines + 1) * sizeof *w->lines);
      w->lines[w->nlines++] = l;
      w->last_partial = nl == NULL;
      start = end + 1;
    }
}

char *
skiff_tabwriter_format (const char *text, size_t len, const struct skiff_tabwriter_opts *opts)
{
  struct tw w = { .o = opts };
  split (&w, text, len);
  put (&w, "", 0);
  format (&w, 0, w.nlines);
  for (size_t i = 0; i < w.nlines; i++)
    free (w.lines[i].cells);
  free (w.lines);
  free (w.widths);
  return w.out;
}
