/* tar-split: what it takes to give back a layer's tar stream byte for byte once it is unpacked.
 * Every byte of the stream that is not the content of a regular file (headers, pax and GNU
 * extension records, padding, the end-of-archive blocks, anything after them) is kept
 * verbatim; the content of a regular file is kept as a reference (its size and its cleaned
 * path in the layer dir), to be read back from the unpacked file.  The record is a
 * zlib-compressed sequence of
 *   "skiff-tar-split 1\n"                          once, first
 *   'r' <varint n> <n bytes>                       raw stream bytes, 1 <= n <= 64 KiB
 *   'f' <varint size> <varint len> <len bytes>     size bytes of content of that path
 *   'e'                                            the end (nothing may follow it)
 * The writer is fed the uncompressed stream in order and told which ranges of it are file
 * content (stream offsets, as the tar reader found them), so it never parses tar itself. */
#include "image-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/keyindex.h"
#include "skiff/xalloc.h"

#define TS_MAGIC "skiff-tar-split 1\n"
#define TS_MAGIC_LEN (sizeof TS_MAGIC - 1)
#define TS_OUT_CHUNK (64 * 1024)
/* zlib's fastest level: headers are mostly zeros and names, and compress well at any level */
#define TS_LEVEL 1
/* A record beyond this (~2 million entries' headers, or data kept verbatim that does not
 * compress: a hostile stream's) is given up rather than held in memory. */
#define TS_OUT_MAX ((size_t)64 << 20)

struct ts_file
{
  char *path;
  int64_t size;
};

struct skiff_tar_split_writer
{
  z_stream z;
  char *out; /* compressed record so far */
  size_t out_len, out_cap;
  char *pending; /* pending[start, len): stream bytes [mark, delivered) not yet classified */
  size_t pending_start, pending_len, pending_cap;
  int64_t delivered; /* stream bytes fed */
  int64_t mark;      /* stream bytes before this are recorded (raw or as file content) */
  struct skiff_key_index declared; /* the paths whose content is referenced -> files[] */
  struct ts_file *files;
  size_t n_files;
  char *spoiled; /* why the stream cannot be reproduced; NULL while it can */
};

static void
deflate_some (struct skiff_tar_split_writer *w, const void *data, size_t len, int flush)
{
  w->z.next_in = (Bytef *)data;
  w->z.avail_in = (uInt)len;
  do
    {
      if (w->out_cap - w->out_len < TS_OUT_CHUNK)
        {
          w->out_cap = w->out_cap * 2 + TS_OUT_CHUNK;
          w->out = xrealloc (w->out, w->out_cap);
        }
      w->z.next_out = (Bytef *)w->out + w->out_len;
      w->z.avail_out = (uInt)(w->out_cap - w->out_len);
      int r = deflate (&w->z, flush);
      if (r == Z_STREAM_ERROR)
        abort (); /* only on a misuse of the stream */
      w->out_len = w->out_cap - w->z.avail_out;
    }
  while (w->z.avail_in > 0 || (flush == Z_FINISH && w->z.avail_out == 0));
}

static void
put_varint (struct skiff_tar_split_writer *w, uint64_t v)
{
  unsigned char b[10];
  size_t n = 0;
  do
    {
      b[n] = (unsigned char)(v & 0x7f);
      v >>= 7;
      if (v)
        b[n] |= 0x80;
      n++;
    }
  while (v);
  deflate_some (w, b, n, Z_NO_FLUSH);
}

static void
put_raw (struct skiff_tar_split_writer *w, const char *data, size_t len)
{
  while (len > 0 && !w->spoiled)
    {
      size_t n = len < SKIFF_TAR_SPLIT_RAW_MAX ? len : SKIFF_TAR_SPLIT_RAW_MAX;
      deflate_some (w, "r", 1, Z_NO_FLUSH);
      put_varint (w, n);
      deflate_some (w, data, n, Z_NO_FLUSH);
      data += n;
      len -= n;
      if (w->out_len > TS_OUT_MAX)
        skiff_tar_split_spoil (w, "the stream holds more than %zu MiB that is no file's content",
                               TS_OUT_MAX >> 20);
    }
}

struct skiff_tar_split_writer *
skiff_tar_split_writer_new (void)
{
  struct skiff_tar_split_writer *w = xzalloc (sizeof *w);
  if (deflateInit (&w->z, TS_LEVEL) != Z_OK)
    abort (); /* only on ENOMEM */
  deflate_some (w, TS_MAGIC, TS_MAGIC_LEN, Z_NO_FLUSH);
  return w;
}

void
skiff_tar_split_writer_free (struct skiff_tar_split_writer *w)
{
  if (w == NULL)
    return;
  deflateEnd (&w->z);
  skiff_key_index_clear (&w->declared);
  for (size_t i = 0; i < w->n_files; i++)
    free (w->files[i].path);
  free (w->files);
  free (w->out);
  free (w->pending);
  free (w->spoiled);
  free (w);
}

void
skiff_tar_split_spoil (struct skiff_tar_split_writer *w, const char *fmt, ...)
{
  if (w->spoiled)
    return;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&w->spoiled, fmt, ap) < 0)
    abort ();
  va_end (ap);
  /* feed keeps nothing more from here on; pending is freed with the writer */
}

void
skiff_tar_split_feed (struct skiff_tar_split_writer *w, const void *data, size_t len)
{
  int64_t off = w->delivered;
  w->delivered += (int64_t)len;
  if (w->spoiled)
    return;
  if (off < w->mark) /* inside file content: not kept */
    {
      size_t skip = w->mark - off < (int64_t)len ? (size_t)(w->mark - off) : len;
      data = (const char *)data + skip;
      len -= skip;
    }
  if (len == 0)
    return;
  if (w->pending_len + len > w->pending_cap && w->pending_start > 0)
    {
      /* dropped bytes are reclaimed here only: a memmove per drop would cost a block per file */
      memmove (w->pending, w->pending + w->pending_start, w->pending_len - w->pending_start);
      w->pending_len -= w->pending_start;
      w->pending_start = 0;
    }
  if (w->pending_len + len > w->pending_cap)
    {
      w->pending_cap = (w->pending_len + len) * 2;
      w->pending = xrealloc (w->pending, w->pending_cap);
    }
  memcpy (w->pending + w->pending_len, data, len);
  w->pending_len += len;
}

/* Records the pending bytes before stream offset pos as raw. */
static void
settle (struct skiff_tar_split_writer *w, int64_t pos)
{
  if (pos > w->delivered)
    pos = w->delivered;
  if (pos <= w->mark)
    return;
  size_t n = (size_t)(pos - w->mark);
  put_raw (w, w->pending + w->pending_start, n);
  if (w->spoiled)
    return;
  w->pending_start += n;
  w->mark = pos;
}

void
skiff_tar_split_settle (struct skiff_tar_split_writer *w, int64_t pos)
{
  if (!w->spoiled)
    settle (w, pos);
}

/* Whether path, or a directory on its way, is a file whose content is referenced. */
static const char *
declared_at (struct skiff_tar_split_writer *w, const char *path)
{
  size_t n = strlen (path);
  for (size_t len = n; len > 0; len--)
    if (len == n || path[len] == '/')
      {
        size_t i = skiff_key_index_find (&w->declared, path, len);
        if (i != SKIFF_KEY_INDEX_NONE)
          return w->files[i].path;
      }
  return NULL;
}

void
skiff_tar_split_touch (struct skiff_tar_split_writer *w, const char *path)
{
  if (w->spoiled || w->n_files == 0)
    return;
  const char *hit = declared_at (w, path);
  if (hit)
    skiff_tar_split_spoil (w,
                           "entry \"%s\" replaces \"%s\", whose content was earlier in the "
                           "stream",
                           path, hit);
}

void
skiff_tar_split_content (struct skiff_tar_split_writer *w, int64_t offset, int64_t size,
                         const char *path)
{
  if (w->spoiled)
    return;
  if (offset < w->mark || offset > w->delivered || size < 0 || size > SKIFF_TAR_SPLIT_SIZE_MAX)
    {
      skiff_tar_split_spoil (w, "entry \"%s\": content at an unexpected stream offset", path);
      return;
    }
  skiff_tar_split_touch (w, path);
  if (w->spoiled)
    return;
  settle (w, offset);
  if (w->spoiled)
    return;
  deflate_some (w, "f", 1, Z_NO_FLUSH);
  put_varint (w, (uint64_t)size);
  put_varint (w, strlen (path));
  deflate_some (w, path, strlen (path), Z_NO_FLUSH);
  w->mark = offset + size;
  size_t held = w->pending_len - w->pending_start;
  w->pending_start += (int64_t)held < size ? held : (size_t)size;
  w->files = xrealloc (w->files, (w->n_files + 1) * sizeof *w->files);
  w->files[w->n_files] = (struct ts_file){ .path = xstrdup (path), .size = size };
  skiff_key_index_set (&w->declared, w->files[w->n_files].path, strlen (path), w->n_files);
  w->n_files++;
}

char *
skiff_tar_split_finish (struct skiff_tar_split_writer *w,
                        bool (*has_file) (void *data, const char *path, int64_t size), void *data,
                        size_t *len)
{
  if (!w->spoiled && w->mark > w->delivered)
    skiff_tar_split_spoil (w, "the stream ends inside the content of a file");
  for (size_t i = 0; !w->spoiled && has_file && i < w->n_files; i++)
    if (!has_file (data, w->files[i].path, w->files[i].size))
      skiff_tar_split_spoil (w, "\"%s\" is not in the layer as the stream wrote it",
                             w->files[i].path);
  if (w->spoiled)
    return NULL;
  settle (w, w->delivered);
  if (w->spoiled)
    return NULL;
  deflate_some (w, "e", 1, Z_NO_FLUSH);
  deflate_some (w, NULL, 0, Z_FINISH);
  *len = w->out_len;
  char *out = w->out;
  w->out = NULL;
  w->out_len = w->out_cap = 0;
  return out;
}

const char *
skiff_tar_split_spoiled (const struct skiff_tar_split_writer *w)
{
  return w->spoiled;
}

/* ---- reader ---- */

struct skiff_tar_split_reader
{
  z_stream z;
  unsigned char window[TS_OUT_CHUNK]; /* inflated bytes [pos, len) not yet consumed */
  size_t pos, len;
  bool z_end; /* inflate reached the end of the zlib stream */
  bool ended; /* the 'e' record was read */
  unsigned char record[SKIFF_TAR_SPLIT_RAW_MAX + 1];
  char path[SKIFF_TAR_SPLIT_PATH_MAX + 1];
};

static int
corrupt (struct skiff_error **err, const char *what)
{
  return skiff_error_make (err, 0, "tar-split record: %s", what);
}

/* Inflates more into the (consumed) window. */
static int
refill (struct skiff_tar_split_reader *r, struct skiff_error **err)
{
  if (r->z_end)
    return corrupt (err, "truncated");
  r->z.next_out = r->window;
  r->z.avail_out = sizeof r->window;
  int z = inflate (&r->z, Z_NO_FLUSH);
  if (z == Z_STREAM_END)
    r->z_end = true;
  else if (z != Z_OK)
    return skiff_error_make (err, 0, "tar-split record: corrupt (%s)",
                             r->z.msg ? r->z.msg : "zlib error");
  r->pos = 0;
  r->len = sizeof r->window - r->z.avail_out;
  if (r->len == 0 && !r->z_end && r->z.avail_in == 0)
    return corrupt (err, "truncated");
  return 0;
}

static int
read_bytes (struct skiff_tar_split_reader *r, void *dst, size_t n, struct skiff_error **err)
{
  unsigned char *d = dst;
  while (n > 0)
    {
      if (r->pos == r->len)
        {
          int ret = refill (r, err);
          if (ret < 0)
            return ret;
          continue;
        }
      size_t k = r->len - r->pos < n ? r->len - r->pos : n;
      memcpy (d, r->window + r->pos, k);
      r->pos += k;
      d += k;
      n -= k;
    }
  return 0;
}

static int
read_varint (struct skiff_tar_split_reader *r, uint64_t max, uint64_t *out,
             struct skiff_error **err)
{
  uint64_t v = 0;
  for (int shift = 0; shift < 63; shift += 7)
    {
      unsigned char b;
      int ret = read_bytes (r, &b, 1, err);
      if (ret < 0)
        return ret;
      v |= (uint64_t)(b & 0x7f) << shift;
      if (v > max)
        return corrupt (err, "a length or size beyond its limit");
      if (!(b & 0x80))
        {
          *out = v;
          return 0;
        }
    }
  return corrupt (err, "a length or size beyond its limit");
}

int
skiff_tar_split_reader_new (const void *data, size_t len, struct skiff_tar_split_reader **out,
                            struct skiff_error **err)
{
  if (len > UINT32_MAX)
    return corrupt (err, "too large");
  struct skiff_tar_split_reader *r = xzalloc (sizeof *r);
  if (inflateInit (&r->z) != Z_OK)
    abort (); /* only on ENOMEM */
  r->z.next_in = (Bytef *)data;
  r->z.avail_in = (uInt)len;
  char magic[TS_MAGIC_LEN];
  int ret = read_bytes (r, magic, TS_MAGIC_LEN, err);
  if (ret == 0 && memcmp (magic, TS_MAGIC, TS_MAGIC_LEN) != 0)
    ret = corrupt (err, "not a skiff tar-split record (bad magic)");
  if (ret < 0)
    {
      skiff_tar_split_reader_free (r);
      return ret;
    }
  *out = r;
  return 0;
}

void
skiff_tar_split_reader_free (struct skiff_tar_split_reader *r)
{
  if (r == NULL)
    return;
  inflateEnd (&r->z);
  free (r);
}

/* A path must be what the unpack wrote: cleaned, relative, inside the layer, no whiteout. */
static int
check_path (const char *path, struct skiff_error **err)
{
  _cleanup_free_ char *clean = NULL;
  _cleanup_free_ char *target = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (*path == '\0' || skiff_layer_clean_path (path, &clean, &e) < 0 || strcmp (clean, path) != 0
      || skiff_layer_whiteout (clean, &target, &e) != SKIFF_WHITEOUT_NONE)
    return skiff_error_make (err, 0,
                             "tar-split record: file path \"%s\" is not a path in the layer", path);
  return 0;
}

static int
read_file_record (struct skiff_tar_split_reader *r, struct skiff_tar_split_record *rec,
                  struct skiff_error **err)
{
  uint64_t size, n;
  int ret = read_varint (r, SKIFF_TAR_SPLIT_SIZE_MAX, &size, err);
  if (ret == 0)
    ret = read_varint (r, SKIFF_TAR_SPLIT_PATH_MAX, &n, err);
  if (ret == 0 && n == 0)
    ret = corrupt (err, "an empty file path");
  if (ret == 0)
    ret = read_bytes (r, r->path, n, err);
  if (ret < 0)
    return ret;
  r->path[n] = '\0';
  if (memchr (r->path, '\0', n))
    return corrupt (err, "a file path with a NUL byte");
  ret = check_path (r->path, err);
  if (ret < 0)
    return ret;
  rec->kind = SKIFF_TAR_SPLIT_FILE;
  rec->path = r->path;
  rec->size = (int64_t)size;
  return 0;
}

/* After 'e': the zlib stream must end there, and the data with it. */
static int
check_end (struct skiff_tar_split_reader *r, struct skiff_error **err)
{
  if (r->pos < r->len)
    return corrupt (err, "data after the end record");
  while (!r->z_end)
    {
      int ret = refill (r, err);
      if (ret < 0)
        return ret;
      if (r->len > 0)
        return corrupt (err, "data after the end record");
    }
  if (r->z.avail_in > 0)
    return corrupt (err, "data after the end of the compressed stream");
  return 0;
}

int
skiff_tar_split_next (struct skiff_tar_split_reader *r, struct skiff_tar_split_record *rec,
                      struct skiff_error **err)
{
  memset (rec, 0, sizeof *rec);
  if (r->ended)
    {
      rec->kind = SKIFF_TAR_SPLIT_END;
      return 0;
    }
  unsigned char type;
  uint64_t n;
  int ret = read_bytes (r, &type, 1, err);
  if (ret < 0)
    return ret;
  switch (type)
    {
    case 'r':
      ret = read_varint (r, SKIFF_TAR_SPLIT_RAW_MAX, &n, err);
      if (ret == 0 && n == 0)
        ret = corrupt (err, "an empty raw record");
      if (ret == 0)
        ret = read_bytes (r, r->record, n, err);
      if (ret < 0)
        return ret;
      rec->kind = SKIFF_TAR_SPLIT_RAW;
      rec->data = r->record;
      rec->len = n;
      return 0;
    case 'f':
      return read_file_record (r, rec, err);
    case 'e':
      ret = check_end (r, err);
      if (ret < 0)
        return ret;
      r->ended = true;
      rec->kind = SKIFF_TAR_SPLIT_END;
      return 0;
    default:
      return skiff_error_make (err, 0, "tar-split record: unknown record type 0x%02x", type);
    }
}
