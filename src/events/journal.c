/* The events journal's writer: one O_APPEND write per record, rotation at a size. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/events.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/log.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static char *
record_text (const struct skiff_event *ev, const struct timespec *now, bool with_attrs, size_t *len)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Status", ev->action);
  skiff_json_gen_key_string (g, "ID", ev->id);
  if (ev->from)
    skiff_json_gen_key_string (g, "From", ev->from);
  skiff_json_gen_key_string (g, "Type", ev->type);
  skiff_json_gen_key_string (g, "Action", ev->action);
  skiff_json_gen_key (g, "Actor");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "ID", ev->id);
  char *empty[] = { NULL };
  skiff_json_gen_key_map (g, "Attributes", with_attrs && ev->attrs ? ev->attrs : empty);
  yajl_gen_map_close (g);
  skiff_json_gen_key_string (g, "Scope", "local");
  skiff_json_gen_key_int (g, "Time", now->tv_sec);
  skiff_json_gen_key_int (g, "TimeNano", (int64_t)now->tv_sec * 1000000000 + now->tv_nsec);
  yajl_gen_map_close (g);
  return skiff_json_gen_finish (g, len);
}

static off_t
max_bytes (void)
{
  const char *v = getenv ("SKIFF_EVENTS_MAX_BYTES");
  long long n = v ? atoll (v) : 0;
  return n >= 4096 ? (off_t)n : SKIFF_EVENTS_MAX_BYTES;
}

/* Only one writer rotates (the others go on appending to whichever file they opened: their
 * records land in events.log.1, which readers read first). */
static void
rotate (const char *root, int fd)
{
  _cleanup_free_ char *lock = skiff_path_join (root, "events.lock");
  _cleanup_free_ char *path = skiff_path_join (root, "events.log");
  _cleanup_free_ char *old = skiff_path_join (root, "events.log.1");
  _cleanup_close_ int lfd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lfd < 0 || flock (lfd, LOCK_EX | LOCK_NB) < 0)
    return;
  struct stat mine, now;
  if (fstat (fd, &mine) == 0 && stat (path, &now) == 0 && mine.st_ino == now.st_ino
      && now.st_size > max_bytes () && rename (path, old) < 0)
    log_warn ("rotate %s: %s", path, strerror (errno));
}

/* One record on an O_APPEND fd: a single write, so records never interleave. */
static int
append_fd (int fd, const char *path, const struct skiff_event *ev, struct skiff_error **err)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  size_t len = 0;
  _cleanup_free_ char *text = record_text (ev, &now, true, &len);
  if (len + 1 >= PIPE_BUF) /* too many or too long labels: the record without them */
    {
      free (text);
      text = record_text (ev, &now, false, &len);
    }
  text = xrealloc (text, len + 2);
  text[len++] = '\n';
  ssize_t n = write (fd, text, len);
  if (n != (ssize_t)len)
    return skiff_error_make (err, n < 0 ? errno : EIO, "append to %s", path);
  return 0;
}

static int
open_journal (const char *root, char **path, struct skiff_error **err)
{
  *path = skiff_path_join (root, "events.log");
  int fd = open (*path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  return fd >= 0 ? fd : skiff_error_make (err, errno, "open %s", *path);
}

int
skiff_events_append (const char *root, const struct skiff_event *ev, struct skiff_error **err)
{
  _cleanup_free_ char *path = NULL;
  _cleanup_close_ int fd = open_journal (root, &path, err);
  if (fd < 0)
    return fd;
  int r = append_fd (fd, path, ev, err);
  struct stat st;
  if (r == 0 && fstat (fd, &st) == 0 && st.st_size > max_bytes ())
    rotate (root, fd);
  return r;
}

int
skiff_events_open (const char *root)
{
  _cleanup_free_ char *path = NULL;
  struct skiff_error *err = NULL;
  int fd = open_journal (root, &path, &err);
  skiff_error_log_drop (&err, SKIFF_LOG_WARN);
  return fd >= 0 ? fd : -1;
}

static void
append_logged (struct skiff_store *store, const struct skiff_event *ev)
{
  struct skiff_error *err = NULL;
  if (skiff_events_append (store->root, ev, &err) < 0)
    skiff_error_log_dropf (&err, SKIFF_LOG_WARN, "event %s %s", ev->type, ev->action);
}

/* fd >= 0: appended there (no rotation), else to store's journal. */
static void
container_event (struct skiff_store *store, int fd, const struct skiff_container *c,
                 const char *action, const char *const *extra)
{
  _cleanup_strv_ char **attrs = NULL;
  char *const *l = c->config.labels;
  for (size_t i = 0; l && l[i] && l[i + 1]; i += 2)
    {
      if (strcmp (l[i], "image") == 0 || strcmp (l[i], "name") == 0)
        continue; /* docker's own attributes win over labels of the same name */
      skiff_strv_push (&attrs, l[i]);
      skiff_strv_push (&attrs, l[i + 1]);
    }
  for (size_t i = 0; extra && extra[i] && extra[i + 1]; i += 2)
    {
      skiff_strv_push (&attrs, extra[i]);
      skiff_strv_push (&attrs, extra[i + 1]);
    }
  skiff_strv_push (&attrs, "image");
  skiff_strv_push (&attrs, c->config.image_name ? c->config.image_name : "");
  skiff_strv_push (&attrs, "name");
  skiff_strv_push (&attrs, c->config.name);
  struct skiff_event ev = { "container", action, c->config.id, c->config.image_name, attrs };
  struct skiff_error *err = NULL;
  if (fd < 0)
    append_logged (store, &ev);
  else if (append_fd (fd, "the events journal", &ev, &err) < 0)
    skiff_error_log_dropf (&err, SKIFF_LOG_WARN, "event container %s", action);
}

void
skiff_events_container (struct skiff_store *store, const struct skiff_container *c,
                        const char *action, const char *const *extra)
{
  container_event (store, -1, c, action, extra);
}

void
skiff_events_container_int (struct skiff_store *store, const struct skiff_container *c,
                            const char *action, const char *key, long value)
{
  char text[32];
  snprintf (text, sizeof text, "%ld", value);
  const char *extra[] = { key, text, NULL };
  container_event (store, -1, c, action, extra);
}

void
skiff_events_container_fd (int fd, const struct skiff_container *c, const char *action,
                           const char *key, long value)
{
  char text[32];
  snprintf (text, sizeof text, "%ld", value);
  const char *extra[] = { key, text, NULL };
  if (fd >= 0)
    container_event (NULL, fd, c, action, key ? extra : NULL);
}

void
skiff_events_image (struct skiff_store *store, const char *id, const char *name, const char *action)
{
  char *attrs[] = { (char *)"name", (char *)name, NULL };
  struct skiff_event ev = { "image", action, id, NULL, name ? attrs : NULL };
  append_logged (store, &ev);
}
