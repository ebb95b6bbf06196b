/* /etc/subuid and /etc/subgid: lines "name_or_uid:start:count", '#' comments, every matching
 * line counts (as containers/storage reads them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

static bool
parse_ulong (const char *s, size_t len, unsigned long *out)
{
  if (len == 0 || len > 20)
    return false;
  char buf[24];
  memcpy (buf, s, len);
  buf[len] = '\0';
  if (buf[0] < '0' || buf[0] > '9')
    return false;
  char *end = NULL;
  errno = 0;
  unsigned long v = strtoul (buf, &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  *out = v;
  return true;
}

static bool
owner_matches (const char *owner, size_t len, const char *name, uid_t uid)
{
  if (name != NULL && strlen (name) == len && memcmp (owner, name, len) == 0)
    return true;
  unsigned long n;
  return parse_ulong (owner, len, &n) && n == (unsigned long)uid;
}

/* Parses one line (without its newline) into *r when it belongs to name/uid. */
static bool
parse_line (const char *line, size_t len, const char *name, uid_t uid, struct skiff_subid_range *r)
{
  while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
    len--;
  while (len > 0 && (*line == ' ' || *line == '\t'))
    line++, len--;
  if (len == 0 || line[0] == '#')
    return false;
  const char *c1 = memchr (line, ':', len);
  if (c1 == NULL)
    return false;
  const char *rest = c1 + 1;
  size_t rest_len = len - (size_t)(rest - line);
  const char *c2 = memchr (rest, ':', rest_len);
  if (c2 == NULL)
    return false;
  const char *cnt = c2 + 1;
  size_t cnt_len = rest_len - (size_t)(cnt - rest);
  if (!owner_matches (line, (size_t)(c1 - line), name, uid))
    return false;
  return parse_ulong (rest, (size_t)(c2 - rest), &r->start) && parse_ulong (cnt, cnt_len, &r->count)
         && r->count > 0;
}

size_t
skiff_subid_parse (const char *text, const char *name, uid_t uid, struct skiff_subid_range **out)
{
  struct skiff_subid_range *v = NULL;
  size_t n = 0;
  for (const char *p = text; p != NULL && *p != '\0';)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen (p);
      struct skiff_subid_range r;
      if (parse_line (p, len, name, uid, &r))
        {
          v = xrealloc (v, (n + 1) * sizeof *v);
          v[n++] = r;
        }
      p = nl ? nl + 1 : NULL;
    }
  *out = v;
  return n;
}

int
skiff_subid_read (const char *path, const char *name, uid_t uid, struct skiff_subid_range **out,
                  size_t *n, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  *out = NULL;
  *n = 0;
  if (!skiff_fs_exists (path))
    return 0;
  int r = skiff_fs_read_file (path, &text, NULL, err);
  if (r < 0)
    return r;
  *n = skiff_subid_parse (text, name, uid, out);
  return 0;
}
