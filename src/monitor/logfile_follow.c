/* Following a growing log file, and the whole `logs` read path. */
#include "skiff/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"

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
  if (inotify_add_watch (ifd, path, IN_MODIFY | IN_CLOSE_WRITE) < 0)
    {
      int ret = skiff_error_make (err, errno, "inotify_add_watch %s", path);
      close (ifd);
      return ret;
    }
  *ifd_out = ifd;
  return 0;
}

int
skiff_logfile_follow (int fd, const char *path, const struct skiff_logfile_follow_cb *cb,
                      struct skiff_error **err)
{
  _cleanup_close_ int ifd = -1;
  for (;;)
    {
      /* sample exited() before draining: whatever was written before the exit is read */
      bool exited = cb->exited (cb->data);
      int ret = drain (fd, cb, err);
      if (ret != 0)
        return ret < 0 ? ret : 0;
      if (exited)
        return 0;
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
print_exited (void *data)
{
  struct print_state *ps = data;
  return ps->exited == NULL || ps->exited (ps->exited_data);
}

int
skiff_logfile_print (const char *path, const struct skiff_logfile_options *opts,
                     const struct skiff_logfile_sink *sink, bool (*exited) (void *),
                     void *exited_data, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  if (opts->tail >= 0 && skiff_logfile_seek_tail (fd, opts->tail, err) < 0)
    return skiff_error_prefix (err, "%s", path);

  struct print_state ps = { skiff_logfile_reader_new (opts, sink), exited, exited_data };
  struct skiff_logfile_follow_cb cb = { print_on_data, print_exited, &ps };
  int ret = skiff_logfile_follow (fd, path, &cb, err);
  if (ret == 0)
    ret = skiff_logfile_reader_finish (ps.reader, err);
  skiff_logfile_reader_free (ps.reader);
  return ret;
}
