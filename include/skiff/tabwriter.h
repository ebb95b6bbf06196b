#pragma once
/* Column alignment like Go's text/tabwriter: cells are terminated by '\t', lines by '\n'.
 * A column block is a run of consecutive lines that all have a tab-terminated cell in that
 * column; its width is the widest cell text (in runes) plus padding, at least minwidth.  The
 * last cell of a line is not part of a column and is not padded. */

#include <stddef.h>

struct skiff_tabwriter_opts
{
  int minwidth; /* minimal cell width including padding */
  int tabwidth; /* width of a tab when padchar is '\t' */
  int padding;  /* added to the cell text width */
  char padchar; /* ' ' or '\t' */
};

/* docker: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0) */
#define SKIFF_TABWRITER_DOCKER ((struct skiff_tabwriter_opts){ 10, 1, 3, ' ' })
/* podman: tabwriter.NewWriter(w, 12, 2, 2, ' ', ...) */
#define SKIFF_TABWRITER_PODMAN ((struct skiff_tabwriter_opts){ 12, 2, 2, ' ' })

/* Returns the aligned text (malloc'ed).  A final line without '\n' is kept without one. */
char *skiff_tabwriter_format (const char *text, size_t len,
                              const struct skiff_tabwriter_opts *opts);
