/* Following a growing log file, and the whole `logs` read path. */
#include "skiff/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define FOLLOW_POLL_MS 250

/* Reads fd to EOF, passing the bytes on.  Returns 0, 1 (callback asked to stop) or -errno. */
static int
drain (int fd, const struct skiff_logfile_follow_cb *cb, struct skiff_error **err)
{
  char buf[65536];
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "read log file");
      if (n == 0)
        return 0;
      int ret = cb->on_data (cb->data, buf, (size_t)n, err);
      if (ret != 0)
        return ret;
    }
}

/* Empties the inotify queue; the events only mean "look again". */
static int
clear_events (int ifd, struct skiff_error **err)
{
  char ev[4096] __attribute__ ((aligned (__alignof__(struct inotify_event))));
  for (;;)
    {
      ssize_t n = read (ifd, ev, sizeof ev);
      if (n > 0)
        continue;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno != EAGAIN)
        return skiff_error_make (err, errno, "read inotify events");
      return 0;
    }
}

static int
watch_file (const char *path, int *ifd_out, struct skiff_error **err)
{
  int ifd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  if (ifd < 0)
    return skiff_error_make (err, errno, "inotify_init1");
  if (inotify_add_watch (ifd, path, IN_MODIFY | IN_CLOSE_WRITE | IN_MOVE_SELF | IN_ATTRIB) < 0)
    {
      int ret = skiff_error_make (err, errno, "inotify_add_watch %s", path);
      close (ifd);
      return ret;
    }
  *ifd_out = ifd;
  return 0;
}

/* The writer rotated the file (path is a new file: fd's is fully read, go on with the new one)
 * or emptied it (max-file=1: read on from its start).  Returns 1 when *fd was replaced. */
static int
follow_rotation (int *fd, bool *owned, const char *path)
{
  struct stat at_path, ours;
  if (fstat (*fd, &ours) < 0)
    return 0;
  if (stat (path, &at_path) == 0
      && (at_path.st_ino != ours.st_ino || at_path.st_dev != ours.st_dev))
    {
      int nfd = open (path, O_RDONLY | O_CLOEXEC);
      if (nfd < 0)
        return 0;
      if (*owned)
        close (*fd);
      *fd = nfd;
      *owned = true;
      return 1;
    }
  off_t pos = lseek (*fd, 0, SEEK_CUR);
  if (pos > ours.st_size)
    lseek (*fd, 0, SEEK_SET);
  return 0;
}

static int
follow_loop (int *fd, bool *owned, const char *path, const struct skiff_logfile_follow_cb *cb,
             struct skiff_error **err)
{
  _cleanup_close_ int ifd = -1;
  for (;;)
    {
      /* sample exited() before draining: whatever was written before the exit is read */
      bool exited = cb->exited (cb->data);
      int ret = drain (*fd, cb, err);
      if (ret != 0)
        return ret < 0 ? ret : 0;
      if (exited)
        return 0;
      if (follow_rotation (fd, owned, path) == 1)
        {
          if (ifd >= 0)
            close (ifd);
          ifd = -1;
          continue; /* a new file: read it before waiting */
        }
      /* watched only once following is needed (plain `logs` never gets here); an append
         between the drain above and the watch is caught by the poll timeout */
      if (ifd < 0 && watch_file (path, &ifd, err) < 0)
        return skiff_error_ret (*err);
      struct pollfd pfd = { .fd = ifd, .events = POLLIN };
      int r = poll (&pfd, 1, FOLLOW_POLL_MS);
      if (r < 0 && errno != EINTR)
        return skiff_error_make (err, errno, "poll inotify");
      if (r > 0 && clear_events (ifd, err) < 0)
        return skiff_error_ret (*err);
    }
}

int
skiff_logfile_follow (int fd, const char *path, const struct skiff_logfile_follow_cb *cb,
                      struct skiff_error **err)
{
  bool owned = false; /* fd is the caller's; a file opened after a rotation is ours */
  int r = follow_loop (&fd, &owned, path, cb, err);
  if (owned)
    close (fd);
  return r;
}

struct print_state
{
  struct skiff_logfile_reader *reader;
  bool (*exited) (void *);
  void *exited_data;
};

static int
print_on_data (void *data, const char *buf, size_t len, struct skiff_error **err)
{
  struct print_state *ps = data;
  int ret = skiff_logfile_reader_feed (ps->reader, buf, len, err);
  if (ret < 0)
    return ret;
  return skiff_logfile_reader_done (ps->reader) ? 1 : 0;
}

static bool
print_exited_now (void *data)
{
  (void)data;
  return true;
}

static bool
print_exited (void *data)
{
  struct print_state *ps = data;
  return ps->exited == NULL || ps->exited (ps->exited_data);
}

/* Lines in fd from its current offset: F records, and a trailing run of P records. */
static long
count_lines (int fd)
{
  char buf[65536];
  long lines = 0;
  bool partial = false, at_start = true;
  size_t field = 0; /* bytes into the record's "<stamp> <stream> " prefix */
  ssize_t n;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < n; i++)
      {
        if (at_start)
          field = 0, at_start = false;
        if (buf[i] == ' ' && field < 2)
          field++;
        else if (field == 2 && (buf[i] == 'F' || buf[i] == 'P'))
          {
            lines += buf[i] == 'F';
            partial = buf[i] == 'P';
            field = 3;
          }
        if (buf[i] == '\n')
          at_start = true;
      }
  return lines + (partial ? 1 : 0);
}

/* The rotated files oldest first, then path itself (caller frees). */
static char **
log_files (const char *path)
{
  char **files = NULL;
  int n = 0;
  for (;; n++)
    {
      _cleanup_free_ char *p = xasprintf ("%s.%d", path, n + 1);
      if (access (p, F_OK) < 0)
        break;
    }
  for (int i = n; i >= 1; i--)
    skiff_strv_push_owned (&files, xasprintf ("%s.%d", path, i));
  skiff_strv_push_owned (&files, xstrdup (path));
  return files;
}

/* --tail across rotated files: the index of the first file to read, positioned in *fd. */
static int
open_tail (char *const *files, size_t nfiles, long tail, size_t *first, int *fd,
           struct skiff_error **err)
{
  long need = tail;
  size_t k = nfiles - 1;
  for (;; k--)
    {
      _cleanup_close_ int cfd = open (files[k], O_RDONLY | O_CLOEXEC);
      long have = cfd >= 0 ? count_lines (cfd) : 0;
      if (have >= need || k == 0)
        break;
      need -= have;
    }
  *fd = open (files[k], O_RDONLY | O_CLOEXEC);
  if (*fd < 0)
    return skiff_error_make (err, errno, "open %s", files[k]);
  *first = k;
  if (skiff_logfile_seek_tail (*fd, need, err) < 0)
    return skiff_error_prefix (err, "%s", files[k]);
  return 0;
}

int
skiff_logfile_print (const char *path, const struct skiff_logfile_options *opts,
                     const struct skiff_logfile_sink *sink, bool (*exited) (void *),
                     void *exited_data, struct skiff_error **err)
{
  _cleanup_strv_ char **files = log_files (path);
  size_t nfiles = skiff_strv_len (files), first = 0;
  _cleanup_close_ int fd = -1;
  int ret = 0;
  if (opts->tail >= 0)
    ret = open_tail (files, nfiles, opts->tail, &first, &fd, err);
  else if ((fd = open (files[0], O_RDONLY | O_CLOEXEC)) < 0)
    ret = skiff_error_make (err, errno, "open %s", files[0]);
  if (ret < 0)
    return ret;
  struct print_state ps = { skiff_logfile_reader_new (opts, sink), exited, exited_data };
  struct skiff_logfile_follow_cb once = { print_on_data, print_exited_now, &ps };
  struct skiff_logfile_follow_cb cb = { print_on_data, print_exited, &ps };
  /* the rotated files are read to their end, the current one followed */
  for (size_t i = first; ret == 0 && i < nfiles; i++)
    {
      if (i > first)
        {
          close (fd);
          if ((fd = open (files[i], O_RDONLY | O_CLOEXEC)) < 0)
            {
              if (errno == ENOENT)
                continue; /* rotated away meanwhile */
              ret = skiff_error_make (err, errno, "open %s", files[i]);
              break;
            }
        }
      ret = skiff_logfile_follow (fd, files[i], i + 1 < nfiles ? &once : &cb, err);
      if (ret == 0 && skiff_logfile_reader_done (ps.reader))
        break;
    }
  if (ret == 0)
    ret = skiff_logfile_reader_finish (ps.reader, err);
  skiff_logfile_reader_free (ps.reader);
  return ret;
}
