/* Reading the k8s-file log: joining partial records, filters, tail, follow. */
#include "skiff/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

struct buf
{
  char *data;
  size_t len, cap;
};

static void
buf_add (struct buf *b, const char *p, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      b->cap = (b->len + n + 1) * 2;
      b->data = xrealloc (b->data, b->cap);
    }
  if (n > 0)
    memcpy (b->data + b->len, p, n);
  b->len += n;
}

struct skiff_logfile_reader
{
  struct skiff_logfile_options opts;
  struct skiff_logfile_sink sink;
  struct buf pending;    /* bytes of a record line not yet terminated */
  struct buf partial[2]; /* text of P records per stream, waiting for their F record */
  struct timespec partial_ts[2];
  bool done;
};

struct skiff_logfile_reader *
skiff_logfile_reader_new (const struct skiff_logfile_options *opts,
                          const struct skiff_logfile_sink *sink)
{
  struct skiff_logfile_reader *r = xzalloc (sizeof *r);
  r->opts = *opts;
  r->sink = *sink;
  return r;
}

void
skiff_logfile_reader_free (struct skiff_logfile_reader *r)
{
  if (r == NULL)
    return;
  free (r->pending.data);
  free (r->partial[0].data);
  free (r->partial[1].data);
  free (r);
}

bool
skiff_logfile_reader_done (const struct skiff_logfile_reader *r)
{
  return r->done;
}

static int
ts_cmp (const struct timespec *a, const struct timespec *b)
{
  if (a->tv_sec != b->tv_sec)
    return a->tv_sec < b->tv_sec ? -1 : 1;
  return a->tv_nsec < b->tv_nsec ? -1 : a->tv_nsec > b->tv_nsec;
}

/* Writes one joined line (text of stream's partial buffer + tail), stamped with ts. */
static int
emit (struct skiff_logfile_reader *r, enum skiff_logfile_stream stream, const struct timespec *ts,
      const char *text, size_t len, bool newline, struct skiff_error **err)
{
  struct buf *part = &r->partial[stream];
  int ret = 0;
  if (!(r->opts.has_since && ts_cmp (ts, &r->opts.since) < 0))
    {
      struct buf line = { 0 };
      if (r->opts.timestamps)
        {
          char stamp[SKIFF_LOGFILE_TIME_LEN];
          skiff_logfile_time_format (ts, stamp);
          buf_add (&line, stamp, strlen (stamp));
          buf_add (&line, " ", 1);
        }
      buf_add (&line, part->data, part->len);
      buf_add (&line, text, len);
      if (newline)
        buf_add (&line, "\n", 1);
      ret = r->sink.write (r->sink.data, stream, line.data, line.len, err);
      free (line.data);
    }
  part->len = 0;
  return ret;
}

static int
handle_line (struct skiff_logfile_reader *r, const char *line, size_t len, struct skiff_error **err)
{
  struct skiff_logfile_record rec;
  if (skiff_logfile_record_parse (line, len, &rec) < 0)
    return 0; /* a torn or foreign line: skip it rather than fail the whole read */
  if (r->opts.has_until && ts_cmp (&rec.ts, &r->opts.until) > 0)
    {
      r->done = true;
      return 0;
    }
  struct buf *part = &r->partial[rec.stream];
  if (rec.partial)
    {
      if (part->len == 0)
        r->partial_ts[rec.stream] = rec.ts;
      buf_add (part, rec.text, rec.len);
      return 0;
    }
  return emit (r, rec.stream, &rec.ts, rec.text, rec.len, true, err);
}

int
skiff_logfile_reader_feed (struct skiff_logfile_reader *r, const char *buf, size_t len,
                           struct skiff_error **err)
{
  while (len > 0 && !r->done)
    {
      const char *nl = memchr (buf, '\n', len);
      if (nl == NULL)
        {
          buf_add (&r->pending, buf, len);
          return 0;
        }
      size_t n = (size_t)(nl - buf);
      int ret;
      if (r->pending.len > 0)
        {
          buf_add (&r->pending, buf, n);
          ret = handle_line (r, r->pending.data, r->pending.len, err);
          r->pending.len = 0;
        }
      else
        ret = handle_line (r, buf, n, err);
      if (ret < 0)
        return ret;
      buf += n + 1;
      len -= n + 1;
    }
  return 0;
}

int
skiff_logfile_reader_finish (struct skiff_logfile_reader *r, struct skiff_error **err)
{
  for (int s = 0; s < 2 && !r->done; s++)
    if (r->partial[s].len > 0)
      {
        struct timespec ts = r->partial_ts[s];
        int ret = emit (r, (enum skiff_logfile_stream)s, &ts, "", 0, false, err);
        if (ret < 0)
          return ret;
      }
  return 0;
}

int
skiff_logfile_sink_fds (void *data, enum skiff_logfile_stream stream, const char *buf, size_t len,
                        struct skiff_error **err)
{
  const int *fds = data;
  return skiff_fs_write_all (fds[stream], buf, len, stream ? "stderr" : "stdout", err);
}

/* --- tail ------------------------------------------------------------------------------- */

/* Whether the record line [line, end) is a full (F) record. */
static bool
is_full_record (const char *line, size_t len)
{
  struct skiff_logfile_record rec;
  return skiff_logfile_record_parse (line, len, &rec) == 0 && !rec.partial;
}

#define TAIL_BLOCK 65536

struct tail_scan
{
  long want; /* line ends to skip past: n + 1 */
  long seen;
  bool last; /* the next line examined is the last one of the file */
};

/* Walks the record lines of block[0, *end) backwards.  Returns the block offset where the
 * wanted lines start, or -1 if not found yet; *end is left at the end of the unexamined
 * (possibly incomplete) first line.  whole: the block starts at file offset 0. */
static long
tail_scan_block (struct tail_scan *t, const char *block, size_t *end, bool whole)
{
  for (;;)
    {
      const char *nl = memrchr (block, '\n', *end);
      if (nl == NULL && !whole)
        return -1;
      size_t ls = nl ? (size_t)(nl - block) + 1 : 0;
      if (t->last || is_full_record (block + ls, *end - ls))
        t->seen++;
      t->last = false;
      if (t->seen >= t->want)
        return (long)*end + 1;
      if (nl == NULL)
        return -1;
      *end = (size_t)(nl - block);
    }
}

int
skiff_logfile_seek_tail (int fd, long n, struct skiff_error **err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return skiff_error_make (err, errno, "stat log file");
  off_t pos = st.st_size, start = 0;
  struct tail_scan t = { .want = n + 1, .seen = 0, .last = true };
  _cleanup_free_ char *carry = NULL; /* incomplete first line of the later block */
  size_t carry_len = 0;
  while (n >= 0 && pos > 0)
    {
      size_t want = pos > TAIL_BLOCK ? TAIL_BLOCK : (size_t)pos;
      pos -= (off_t)want;
      _cleanup_free_ char *block = xmalloc (want + carry_len + 1);
      ssize_t got = pread (fd, block, want, pos);
      if (got != (ssize_t)want)
        return skiff_error_make (err, got < 0 ? errno : EIO, "read log file");
      if (carry_len > 0)
        memcpy (block + want, carry, carry_len);
      size_t end = want + carry_len;
      if (t.last && end > 0 && block[end - 1] == '\n')
        end--;
      long found = tail_scan_block (&t, block, &end, pos == 0);
      if (found >= 0)
        {
          start = pos + found;
          break;
        }
      free (carry);
      carry = steal_ptr (&block);
      carry_len = end;
    }
  if (start > st.st_size)
    start = st.st_size;
  if (lseek (fd, start, SEEK_SET) < 0)
    return skiff_error_make (err, errno, "seek log file");
  return 0;
}
