/* --format output for list and inspect commands, over the template engine and tabwriter. */
#include "skiff/format.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/tabwriter.h"
#include "skiff/template.h"
#include "skiff/xalloc.h"
#include "template-internal.h"

char *
skiff_format_normalize (const char *format, int *is_table)
{
  *is_table = strncmp (format, "table", 5) == 0;
  if (strcmp (format, "json") == 0)
    return xstrdup ("{{json .}}");
  const char *s = *is_table ? format + 5 : format;
  size_t n = strlen (s);
  while (*s == ' ')
    s++, n--;
  while (n > 0 && s[n - 1] == ' ')
    n--;
  char *r = xmalloc (n + 1), *o = r;
  for (size_t k = 0; k < n; k++)
    {
      if (s[k] == '\\' && k + 1 < n && (s[k + 1] == 't' || s[k + 1] == 'n'))
        {
          *o++ = s[k + 1] == 't' ? '\t' : '\n';
          k++;
          continue;
        }
      *o++ = s[k];
    }
  *o = '\0';
  return r;
}

static int
write_out (FILE *out, const char *s, size_t n, struct skiff_error **err)
{
  if (n && fwrite (s, 1, n, out) != n)
    return skiff_error_make (err, errno ? errno : EIO, "write output");
  return 0;
}

static int
template_error (struct skiff_error **err, struct skiff_error *e, int status)
{
  int r = skiff_error_make_status (err, status, 0, "template parsing error: %s", e->msg);
  skiff_error_free (e);
  return r;
}

int
skiff_format_print (FILE *out, const char *format, const char *default_table, yajl_val header,
                    yajl_val *rows, size_t nrows, struct skiff_error **err)
{
  int is_table;
  if (format == NULL || *format == '\0')
    format = default_table ? default_table : "";
  _cleanup_free_ char *text = skiff_format_normalize (format, &is_table);
  if (is_table && *text == '\0' && format != default_table)
    {
      free (text);
      text = skiff_format_normalize (default_table, &is_table);
    }
  _cleanup_template_ struct skiff_template *t = NULL;
  struct skiff_error *e = NULL;
  if (skiff_template_parse (text, &t, &e) < 0)
    return template_error (err, e, 1);

  struct tpl_buf b = { 0 };
  tpl_buf_add (&b, "", 0);
  if (is_table && header)
    {
      /* docker ignores header errors; a header that fails is left empty */
      _cleanup_free_ char *h = NULL;
      if (skiff_template_execute_flags (t, header, SKIFF_TEMPLATE_HEADER, &h, &e) < 0)
        skiff_error_freep (&e);
      tpl_buf_puts (&b, h ? h : "");
      tpl_buf_putc (&b, '\n');
    }
  for (size_t k = 0; k < nrows; k++)
    {
      _cleanup_free_ char *line = NULL;
      if (skiff_template_execute (t, rows[k], &line, &e) < 0)
        {
          free (b.p);
          return template_error (err, e, 1);
        }
      tpl_buf_puts (&b, line);
      tpl_buf_putc (&b, '\n');
    }
  int r;
  if (is_table)
    {
      struct skiff_tabwriter_opts opts = SKIFF_TABWRITER_DOCKER;
      _cleanup_free_ char *aligned = skiff_tabwriter_format (b.p, b.len, &opts);
      r = write_out (out, aligned, strlen (aligned), err);
    }
  else
    r = write_out (out, b.p, b.len, err);
  free (b.p);
  return r;
}

static int
inspect_json (FILE *out, yajl_val *objs, size_t n, struct skiff_error **err)
{
  struct yajl_val_s arr = { .type = yajl_t_array };
  arr.u.array.values = objs;
  arr.u.array.len = n;
  struct tpl_buf b = { 0 };
  tpl_json_encode (&b, &arr, "    ");
  tpl_buf_putc (&b, '\n');
  int r = write_out (out, b.p, b.len, err);
  free (b.p);
  return r;
}

int
skiff_format_inspect (FILE *out, const char *format, yajl_val *objs, size_t n,
                      struct skiff_error **err)
{
  if (format == NULL || *format == '\0' || strcmp (format, "json") == 0)
    return inspect_json (out, objs, n, err);
  _cleanup_template_ struct skiff_template *t = NULL;
  struct skiff_error *e = NULL;
  if (skiff_template_parse (format, &t, &e) < 0)
    return template_error (err, e, 64);
  struct tpl_buf b = { 0 }, errs = { 0 };
  tpl_buf_add (&b, "", 0);
  for (size_t k = 0; k < n; k++)
    {
      _cleanup_free_ char *line = NULL;
      if (skiff_template_execute (t, objs[k], &line, &e) < 0)
        {
          /* docker reports the failure and goes on with the other objects */
          tpl_buf_printf (&errs, "%stemplate parsing error: %s", errs.len ? "\n" : "", e->msg);
          skiff_error_freep (&e);
          continue;
        }
      tpl_buf_puts (&b, line);
      tpl_buf_putc (&b, '\n');
    }
  int r = write_out (out, b.p, b.len, err);
  free (b.p);
  if (r == 0 && errs.len)
    r = skiff_error_make_status (err, 1, 0, "%s", errs.p);
  free (errs.p);
  return r;
}
