/* Writing and parsing single records of the k8s-file log format (see skiff/logfile.h). */
#include "skiff/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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

/* Appends one record to out (which has room, see skiff_logfile_append). */
static size_t
put_record (char *out, const char *stamp, enum skiff_logfile_stream stream, bool partial,
            const char *text, size_t len)
{
  int n = sprintf (out, "%s %s %c ", stamp, stream_names[stream], partial ? 'P' : 'F');
  memcpy (out + n, text, len);
  out[n + len] = '\n';
  return (size_t)n + len + 1;
}

int
skiff_logfile_append (int fd, enum skiff_logfile_stream stream, const struct timespec *ts,
                      const char *buf, size_t len, struct skiff_error **err)
{
  if (len == 0)
    return 0;
  size_t lines = 1;
  for (size_t i = 0; i < len; i++)
    lines += buf[i] == '\n';
  /* each record: stamp + " stdout F " + text + "\n" */
  size_t per = SKIFF_LOGFILE_TIME_LEN + 12;
  _cleanup_free_ char *out = xmalloc (len + lines * per + 1);
  char stamp[SKIFF_LOGFILE_TIME_LEN];
  skiff_logfile_time_format (ts, stamp);

  size_t used = 0, start = 0;
  for (size_t i = 0; i < len; i++)
    if (buf[i] == '\n')
      {
        used += put_record (out + used, stamp, stream, false, buf + start, i - start);
        start = i + 1;
      }
  if (start < len)
    used += put_record (out + used, stamp, stream, true, buf + start, len - start);
  return skiff_fs_write_all (fd, out, used, "log file", err);
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
