/* A layer's content record: one line "<sha256 hex> <size> <path>" per regular file, sorted by
 * path, written at unpack time from the bytes as they go to disk (no second read), and compared
 * with what the disk holds by `system check --verify`.  The DiffID covers the input stream
 * only: a write that failed or was cut short (ENOSPC, EFBIG) leaves a file that differs from
 * it, and only a record of what was written can show that later.  Paths are escaped (C-style
 * octal for control bytes, backslash and DEL) so a line is one line. */
#include "image-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

#define READ_BUF (256 * 1024)

struct content_file
{
  char *path; /* escaped */
  char *digest;
  int64_t size;
};

struct skiff_content
{
  void *tree; /* tsearch tree of struct content_file, by escaped path */
  size_t n;
  struct content_file *cur; /* the file being written */
  struct skiff_sha256 *hash;
  int64_t hashed; /* bytes of cur hashed so far */
};

char *
skiff_content_escape (const char *path)
{
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)path; *p; p++)
    n += *p < 0x20 || *p == 0x7f || *p == '\\' ? 4 : 1;
  char *out = xmalloc (n + 1), *o = out;
  for (const unsigned char *p = (const unsigned char *)path; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '\\')
      o += sprintf (o, "\\%03o", *p);
    else
      *o++ = (char)*p;
  *o = '\0';
  return out;
}

static int
by_path (const void *a, const void *b)
{
  return strcmp (((const struct content_file *)a)->path, ((const struct content_file *)b)->path);
}

static void
file_free (void *p)
{
  struct content_file *f = p;
  free (f->path);
  free (f->digest);
  free (f);
}

struct skiff_content *
skiff_content_new (void)
{
  return xzalloc (sizeof (struct skiff_content));
}

void
skiff_content_free (struct skiff_content *c)
{
  if (c == NULL)
    return;
  tdestroy (c->tree, file_free);
  skiff_sha256_free (c->hash);
  free (c);
}

/* The entry for path, made (empty) when missing. */
static struct content_file *
lookup (struct skiff_content *c, const char *path, bool create)
{
  _cleanup_free_ char *esc = skiff_content_escape (path);
  struct content_file key = { .path = esc };
  void **slot = create ? tsearch (&key, &c->tree, by_path) : tfind (&key, &c->tree, by_path);
  if (slot == NULL)
    {
      if (create)
        abort (); /* tsearch fails only on ENOMEM */
      return NULL;
    }
  struct content_file *f = *slot;
  if (f == &key)
    {
      f = xzalloc (sizeof *f);
      f->path = steal_ptr (&esc);
      *slot = f;
      c->n++;
    }
  return f;
}

void
skiff_content_forget (struct skiff_content *c, const char *path)
{
  struct content_file *f = lookup (c, path, false);
  if (f == NULL)
    return;
  tdelete (f, &c->tree, by_path);
  file_free (f);
  c->n--;
}

bool
skiff_content_has (struct skiff_content *c, const char *path, int64_t size)
{
  struct content_file *f = lookup (c, path, false);
  return f && f->digest && f->size == size;
}

void
skiff_content_begin (struct skiff_content *c, const char *path)
{
  c->cur = lookup (c, path, true);
  skiff_sha256_free (c->hash);
  c->hash = skiff_sha256_new ();
  c->hashed = 0;
}

/* Holes of a sparse entry read back as zeros: they are hashed as such. */
static void
hash_zeros (struct skiff_content *c, int64_t n)
{
  static const char zeros[64 * 1024];
  while (n > 0)
    {
      size_t k = n > (int64_t)sizeof zeros ? sizeof zeros : (size_t)n;
      skiff_sha256_update (c->hash, zeros, k);
      n -= (int64_t)k;
    }
}

void
skiff_content_data (struct skiff_content *c, const void *data, size_t len, int64_t offset)
{
  if (c->cur == NULL)
    return;
  if (offset > c->hashed)
    hash_zeros (c, offset - c->hashed);
  skiff_sha256_update (c->hash, data, len);
  c->hashed = (offset > c->hashed ? offset : c->hashed) + (int64_t)len;
}

void
skiff_content_end (struct skiff_content *c, int64_t size)
{
  if (c->cur == NULL)
    return;
  if (size > c->hashed)
    hash_zeros (c, size - c->hashed);
  free (c->cur->digest);
  c->cur->digest = skiff_sha256_finish (c->hash);
  c->cur->size = size;
  c->hash = NULL;
  c->cur = NULL;
}

void
skiff_content_link (struct skiff_content *c, const char *path, const char *target)
{
  struct content_file *t = lookup (c, target, false);
  if (t == NULL || t->digest == NULL)
    {
      skiff_content_forget (c, path); /* a link to a non-regular file */
      return;
    }
  _cleanup_free_ char *digest = xstrdup (t->digest);
  int64_t size = t->size;
  struct content_file *f = lookup (c, path, true);
  free (f->digest);
  f->digest = steal_ptr (&digest);
  f->size = size;
}

struct text
{
  char *buf;
  size_t len, cap;
};

static void
text_line (struct text *t, const char *digest, int64_t size, const char *path)
{
  size_t need = strlen (path) + 64 + 32;
  if (t->len + need > t->cap)
    {
      t->cap = (t->len + need) * 2;
      t->buf = xrealloc (t->buf, t->cap);
    }
  t->len += (size_t)sprintf (t->buf + t->len, "%s %lld %s\n", skiff_digest_hex (digest),
                             (long long)size, path);
}

static void
walk_line (const void *node, VISIT which, void *closure)
{
  const struct content_file *f = *(const struct content_file *const *)node;
  if ((which == postorder || which == leaf) && f->digest)
    text_line (closure, f->digest, f->size, f->path);
}

char *
skiff_content_text (struct skiff_content *c, size_t *len)
{
  struct text t = { .buf = xstrdup (""), .cap = 1 };
  twalk_r (c->tree, walk_line, &t);
  *len = t.len;
  return t.buf;
}

/* ---- verify: the same text, made from the files on disk ---- */

static int
hash_file (const char *path, const char *shown, char **digest, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", shown);
  _cleanup_free_ char *buf = xmalloc (READ_BUF);
  struct skiff_sha256 *h = skiff_sha256_new ();
  for (;;)
    {
      ssize_t n = read (fd, buf, READ_BUF);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          skiff_sha256_free (h);
          return skiff_error_make (err, e, "read %s", shown);
        }
      if (n == 0)
        break;
      skiff_sha256_update (h, buf, (size_t)n);
    }
  *digest = skiff_sha256_finish (h);
  return 0;
}

static int
compare_lines (const void *a, const void *b)
{
  const struct content_file *x = *(struct content_file *const *)a;
  const struct content_file *y = *(struct content_file *const *)b;
  return strcmp (x->path, y->path);
}

SKIFF_DEFINE_CLEANUP (fts_closep, FTS *, fts_close)
#define _cleanup_fts_ __attribute__ ((cleanup (fts_closep)))

/* Collects every regular file under dir. */
static int
scan_dir (const char *dir, struct content_file ***files, size_t *n, struct skiff_error **err)
{
  char *const roots[] = { (char *)dir, NULL };
  _cleanup_fts_ FTS *fts = fts_open (roots, FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV, NULL);
  if (fts == NULL)
    return skiff_error_make (err, errno, "open %s", dir);
  size_t prefix = strlen (dir) + 1;
  FTSENT *e;
  for (errno = 0; (e = fts_read (fts)) != NULL; errno = 0) /* NULL with errno 0: the end */
    {
      if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR || e->fts_info == FTS_NS)
        return skiff_error_make (err, e->fts_errno, "%s", e->fts_path);
      if (e->fts_info != FTS_F || !S_ISREG (e->fts_statp->st_mode))
        continue;
      struct content_file *f = xzalloc (sizeof *f);
      f->path = skiff_content_escape (e->fts_path + prefix);
      f->size = e->fts_statp->st_size;
      *files = xrealloc (*files, (*n + 1) * sizeof **files);
      (*files)[(*n)++] = f;
      int r = hash_file (e->fts_accpath, f->path, &f->digest, err);
      if (r < 0)
        return r;
    }
  if (errno != 0)
    return skiff_error_make (err, errno, "walk %s", dir);
  return 0;
}

char *
skiff_content_scan (const char *dir, size_t *len, struct skiff_error **err)
{
  struct content_file **files = NULL;
  size_t n = 0;
  int r = scan_dir (dir, &files, &n, err);
  struct text t = { .buf = xstrdup (""), .cap = 1 };
  if (r == 0)
    {
      qsort (files, n, sizeof *files, compare_lines);
      for (size_t i = 0; i < n; i++)
        text_line (&t, files[i]->digest, files[i]->size, files[i]->path);
    }
  for (size_t i = 0; i < n; i++)
    file_free (files[i]);
  free (files);
  if (r < 0)
    {
      free (t.buf);
      return NULL;
    }
  *len = t.len;
  return t.buf;
}

/* The path of a record line ("<hex> <size> <path>"), or "" for a malformed one. */
static const char *
line_path (const char *line, size_t *len)
{
  const char *sp = memchr (line, ' ', *len);
  const char *sp2 = sp ? memchr (sp + 1, ' ', *len - (size_t)(sp + 1 - line)) : NULL;
  if (sp2 == NULL)
    return "";
  *len -= (size_t)(sp2 + 1 - line);
  return sp2 + 1;
}

/* strcmp order of two paths given as spans. */
static int
compare_span (const char *a, size_t alen, const char *b, size_t blen)
{
  int c = memcmp (a, b, alen < blen ? alen : blen);
  if (c != 0)
    return c;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

char *
skiff_content_first_difference (const char *recorded, size_t rlen, const char *found, size_t flen)
{
  const char *a = recorded, *b = found, *aend = recorded + rlen, *bend = found + flen;
  while (a < aend || b < bend)
    {
      const char *anl = a < aend ? memchr (a, '\n', (size_t)(aend - a)) : NULL;
      const char *bnl = b < bend ? memchr (b, '\n', (size_t)(bend - b)) : NULL;
      size_t alen = anl ? (size_t)(anl - a) : (size_t)(aend - a);
      size_t blen = bnl ? (size_t)(bnl - b) : (size_t)(bend - b);
      if (a < aend && b < bend && alen == blen && memcmp (a, b, alen) == 0)
        {
          a += alen + 1;
          b += blen + 1;
          continue;
        }
      size_t apl = alen, bpl = blen;
      const char *ap = a < aend ? line_path (a, &apl) : NULL;
      const char *bp = b < bend ? line_path (b, &bpl) : NULL;
      int cmp = ap == NULL ? 1 : bp == NULL ? -1 : compare_span (ap, apl, bp, bpl);
      if (cmp == 0)
        return xasprintf ("%.*s: content differs from what was unpacked", (int)apl, ap);
      if (cmp < 0)
        return xasprintf ("%.*s: missing (unpacked as a regular file)", (int)apl, ap);
      return xasprintf ("%.*s: not in the record of what was unpacked", (int)bpl, bp);
    }
  return NULL;
}
