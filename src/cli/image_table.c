/* Column printer with docker's tabwriter settings (minwidth 10, padding 3): every cell but
 * the last of a row is padded to its column's widest cell + 3, at least 10.  Widths count
 * UTF-8 code points, as Go's tabwriter counts runes. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static size_t
text_width (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char) *s & 0xc0) != 0x80;
  return n;
}

void
skiff_cli_columns_print (FILE *out, const char *const *headers, size_t ncols, char *const *cells,
                         size_t nrows)
{
  size_t width[16] = { 0 };
  if (ncols > 16)
    ncols = 16;
  for (size_t c = 0; c < ncols; c++)
    {
      width[c] = text_width (headers[c]);
      for (size_t i = 0; i < nrows; i++)
        if (text_width (cells[i * ncols + c]) > width[c])
          width[c] = text_width (cells[i * ncols + c]);
      width[c] = width[c] + 3 < 10 ? 10 : width[c] + 3;
    }
  for (size_t i = 0; i <= nrows; i++)
    for (size_t c = 0; c < ncols; c++)
      {
        const char *text = i == 0 ? headers[c] : cells[(i - 1) * ncols + c];
        if (c == ncols - 1)
          fprintf (out, "%s\n", text);
        else
          fprintf (out, "%s%*s", text, (int) (width[c] - text_width (text)), "");
      }
}
