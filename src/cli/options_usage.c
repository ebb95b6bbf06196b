/* --help text of an option table, as pflag's FlagUsages writes it (docker and podman print
 * theirs with it): sorted by long name, the help column three spaces past the longest flag. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/xalloc.h"

static int
by_name (const void *a, const void *b)
{
  const struct skiff_opt *const *x = a, *const *y = b;
  return strcmp ((*x)->name, (*y)->name);
}

/* "  -n, --name string" or "      --name string" */
static char *
flag_column (const struct skiff_opt *o)
{
  const char *v = o->value_name ? o->value_name : "";
  if (o->shorthand)
    return xasprintf ("  -%c, --%s%s%s", o->shorthand, o->name, *v ? " " : "", v);
  return xasprintf ("      --%s%s%s", o->name, *v ? " " : "", v);
}

char *
skiff_opts_usage (skiff_opt_groups groups)
{
  size_t n = 0;
  for (size_t g = 0; groups[g] != NULL; g++)
    for (const struct skiff_opt *o = groups[g]; o->name != NULL; o++)
      n++;
  _cleanup_free_ const struct skiff_opt **shown = xzalloc ((n + 1) * sizeof *shown);
  size_t m = 0, width = 0;
  for (size_t g = 0; groups[g] != NULL; g++)
    for (const struct skiff_opt *o = groups[g]; o->name != NULL; o++)
      if (!(o->flags & (SKIFF_OPT_HIDDEN | SKIFF_OPT_DEPRECATED)) && o->type != SKIFF_OPT_NOT_YET)
        {
          shown[m++] = o;
          _cleanup_free_ char *col = flag_column (o);
          if (strlen (col) > width)
            width = strlen (col);
        }
  qsort (shown, m, sizeof *shown, by_name);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);
  if (f == NULL)
    abort ();
  for (size_t i = 0; i < m; i++)
    {
      _cleanup_free_ char *col = flag_column (shown[i]);
      fprintf (f, "%-*s   %s", (int)width, col, shown[i]->help ? shown[i]->help : "");
      if (shown[i]->default_text != NULL)
        fprintf (f, " (default %s)", shown[i]->default_text);
      fputc ('\n', f);
    }
  if (fclose (f) != 0)
    abort ();
  return text;
}
