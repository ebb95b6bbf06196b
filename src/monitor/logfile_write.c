/* Writing and parsing single records of the k8s-file log format (see skiff/logfile.h). */
#include "skiff/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/xalloc.h"

static const char *const stream_names[] = { "stdout", "stderr" };

void
skiff_logfile_time_format (const struct timespec *ts, char buf[SKIFF_LOGFILE_TIME_LEN])
{
  struct tm tm;
  time_t secs = ts->tv_sec;
  gmtime_r (&secs, &tm);
  char base[24];
  strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, SKIFF_LOGFILE_TIME_LEN, "%.19s.%09ldZ", base, (long)ts->tv_nsec);
}

int
skiff_logfile_open (const char *path, int *fd_out, struct skiff_error **err)
{
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  *fd_out = fd;
  return 0;
}

/* Appends one record to out (which has room): the chunk's prefix "<stamp> <stream> F ", with
 * P for a partial line, then the text (a copy per line, no formatting: this runs per line of
 * output). */
static size_t
put_record (char *out, const char *prefix, size_t plen, bool partial, const char *text, size_t len)
{
  memcpy (out, prefix, plen);
  if (partial)
    out[plen - 2] = 'P';
  memcpy (out + plen, text, len);
  out[plen + len] = '\n';
  return plen + len + 1;
}

/* The records of one chunk, in one buffer (caller frees); *used: its length. */
static char *
format_chunk (enum skiff_logfile_stream stream, const struct timespec *ts, const char *buf,
              size_t len, size_t *used)
{
  size_t lines = 1;
  for (const char *p = buf; (p = memchr (p, '\n', (size_t)(buf + len - p))) != NULL; p++)
    lines++;
  /* each record: stamp + " stdout F " + text + "\n" */
  size_t per = SKIFF_LOGFILE_TIME_LEN + 12;
  char *out = xmalloc (len + lines * per + 1);
  char stamp[SKIFF_LOGFILE_TIME_LEN], prefix[SKIFF_LOGFILE_TIME_LEN + 12];
  skiff_logfile_time_format (ts, stamp);
  int plen = snprintf (prefix, sizeof prefix, "%s %s F ", stamp, stream_names[stream]);
  size_t start = 0;
  *used = 0;
  for (const char *nl; start < len && (nl = memchr (buf + start, '\n', len - start)) != NULL;)
    {
      size_t end = (size_t)(nl - buf);
      *used += put_record (out + *used, prefix, (size_t)plen, false, buf + start, end - start);
      start = end + 1;
    }
  if (start < len)
    *used += put_record (out + *used, prefix, (size_t)plen, true, buf + start, len - start);
  return out;
}

int
skiff_logfile_append (int fd, enum skiff_logfile_stream stream, const struct timespec *ts,
                      const char *buf, size_t len, struct skiff_error **err)
{
  if (len == 0)
    return 0;
  size_t used;
  _cleanup_free_ char *out = format_chunk (stream, ts, buf, len, &used);
  return skiff_fs_write_all (fd, out, used, "log file", err);
}

int
skiff_logfile_writer_open (struct skiff_logfile_writer *w, const char *path, int64_t max_size,
                           int max_file, struct skiff_error **err)
{
  int r = skiff_logfile_open (path, &w->fd, err);
  if (r < 0)
    return r;
  struct stat st;
  w->size = fstat (w->fd, &st) == 0 ? st.st_size : 0;
  w->path = xstrdup (path);
  w->max_size = max_size;
  w->max_file = max_file < 1 ? 1 : max_file;
  return 0;
}

void
skiff_logfile_writer_close (struct skiff_logfile_writer *w)
{
  if (w->fd >= 0)
    close (w->fd);
  w->fd = -1;
  free (w->path);
  w->path = NULL;
}

/* docker's json-file rotation: path.N-2 -> path.N-1, ..., path -> path.1, a new path; with one
 * file (max-file=1) the file is emptied.  Readers follow by name (logfile_follow.c). */
static int
rotate (struct skiff_logfile_writer *w, struct skiff_error **err)
{
  if (w->max_file <= 1)
    {
      if (ftruncate (w->fd, 0) < 0)
        return skiff_error_make (err, errno, "truncate %s", w->path);
      w->size = 0;
      return 0;
    }
  for (int i = w->max_file - 1; i >= 1; i--)
    {
      _cleanup_free_ char *from = i == 1 ? xstrdup (w->path) : xasprintf ("%s.%d", w->path, i - 1);
      _cleanup_free_ char *to = xasprintf ("%s.%d", w->path, i);
      if (rename (from, to) < 0 && errno != ENOENT)
        return skiff_error_make (err, errno, "rotate %s", from);
    }
  int fd;
  int r = skiff_logfile_open (w->path, &fd, err);
  if (r < 0)
    return r;
  close (w->fd);
  w->fd = fd;
  w->size = 0;
  return 0;
}

int
skiff_logfile_writer_append (struct skiff_logfile_writer *w, enum skiff_logfile_stream stream,
                             const struct timespec *ts, const char *buf, size_t len,
                             struct skiff_error **err)
{
  if (w->fd < 0 || len == 0)
    return 0;
  size_t used;
  _cleanup_free_ char *out = format_chunk (stream, ts, buf, len, &used);
  /* whole records up to max-size per file (one longer record gets a file of its own) */
  size_t start = 0;
  while (start < used)
    {
      size_t end = used;
      if (w->max_size > 0)
        {
          int64_t room = w->max_size - w->size;
          end = start;
          for (const char *nl; end < used; end = (size_t)(nl - out) + 1)
            {
              nl = memchr (out + end, '\n', used - end);
              if ((int64_t)((size_t)(nl - out) + 1 - start) > room && (end > start || w->size > 0))
                break;
            }
          if (end == start)
            {
              int r = rotate (w, err);
              if (r < 0)
                return r;
              continue;
            }
        }
      int r = skiff_fs_write_all (w->fd, out + start, end - start, "log file", err);
      if (r < 0)
        return r;
      w->size += (int64_t)(end - start);
      start = end;
    }
  return 0;
}

/* Timestamps are at most ~40 chars ("...999999999+01:00"); copy to NUL-terminate. */
static int
parse_stamp (const char *p, size_t n, struct timespec *ts)
{
  char tmp[64];
  if (n == 0 || n >= sizeof tmp)
    return -EINVAL;
  memcpy (tmp, p, n);
  tmp[n] = '\0';
  return skiff_time_parse (tmp, ts) < 0 ? -EINVAL : 0;
}

int
skiff_logfile_record_parse (const char *line, size_t len, struct skiff_logfile_record *rec)
{
  const char *end = line + len;
  const char *sp = memchr (line, ' ', len);
  if (sp == NULL || parse_stamp (line, (size_t)(sp - line), &rec->ts) < 0)
    return -EINVAL;
  const char *p = sp + 1;
  if (end - p >= 7 && memcmp (p, "stdout ", 7) == 0)
    rec->stream = SKIFF_LOGFILE_STDOUT;
  else if (end - p >= 7 && memcmp (p, "stderr ", 7) == 0)
    rec->stream = SKIFF_LOGFILE_STDERR;
  else
    return -EINVAL;
  p += 7;
  /* "F " / "P "; an empty full line may have lost its trailing space */
  if (end - p < 1 || (*p != 'F' && *p != 'P') || (end - p >= 2 && p[1] != ' '))
    return -EINVAL;
  rec->partial = *p == 'P';
  p = end - p >= 2 ? p + 2 : end;
  rec->text = p;
  rec->len = (size_t)(end - p);
  return 0;
}
