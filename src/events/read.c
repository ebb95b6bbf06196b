/* Reading the events journal: the past records of both files, then new ones as inotify
 * reports them (no polling), within the query's time bounds and filters. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/events.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/xalloc.h"

static const char *const filter_keys[] = { "type", "container", "image", "event", "label" };

int
skiff_events_check_filters (char *const *filters, struct skiff_error **err)
{
  for (size_t i = 0; filters && filters[i]; i++)
    {
      const char *eq = strchr (filters[i], '=');
      size_t klen = eq ? (size_t)(eq - filters[i]) : strlen (filters[i]);
      bool known = false;
      for (size_t k = 0; k < sizeof filter_keys / sizeof filter_keys[0]; k++)
        known |= strlen (filter_keys[k]) == klen && strncmp (filter_keys[k], filters[i], klen) == 0;
      if (eq == NULL)
        return skiff_error_make_status (err, 1, 0, "bad format of filter (expected name=value)");
      if (!known)
        return skiff_error_make_status (err, 1, 0, "invalid filter '%.*s'", (int)klen, filters[i]);
    }
  return 0;
}

static const char *
str_at (yajl_val rec, const char *a, const char *b)
{
  yajl_val v = skiff_json_get (rec, a);
  if (b != NULL)
    v = v ? skiff_json_get (v, b) : NULL;
  return YAJL_IS_STRING (v) ? YAJL_GET_STRING (v) : NULL;
}

static const char *
attr (yajl_val rec, const char *key)
{
  yajl_val actor = skiff_json_get (rec, "Actor");
  yajl_val attrs = actor ? skiff_json_get (actor, "Attributes") : NULL;
  yajl_val v = attrs ? skiff_json_get (attrs, key) : NULL;
  return YAJL_IS_STRING (v) ? YAJL_GET_STRING (v) : NULL;
}

static bool
eq (const char *a, const char *b)
{
  return a != NULL && b != NULL && strcmp (a, b) == 0;
}

/* One filter value against a record (docker's daemon/events/filter.go). */
static bool
matches (yajl_val rec, const char *key, const char *value)
{
  const char *type = str_at (rec, "Type", NULL), *id = str_at (rec, "Actor", "ID");
  if (strcmp (key, "type") == 0)
    return eq (type, value);
  if (strcmp (key, "event") == 0)
    return eq (str_at (rec, "Action", NULL), value);
  if (strcmp (key, "container") == 0)
    return eq (type, "container")
           && (eq (attr (rec, "name"), value)
               || (id && *value && strncmp (id, value, strlen (value)) == 0));
  if (strcmp (key, "image") == 0)
    return eq (attr (rec, "image"), value) || eq (str_at (rec, "From", NULL), value)
           || (eq (type, "image") && (eq (id, value) || eq (attr (rec, "name"), value)));
  /* label=KEY or label=KEY=VALUE */
  const char *veq = strchr (value, '=');
  _cleanup_free_ char *lkey = veq ? xstrndup (value, (size_t)(veq - value)) : xstrdup (value);
  const char *have = attr (rec, lkey);
  return have != NULL && (veq == NULL || strcmp (have, veq + 1) == 0);
}

bool
skiff_events_match (yajl_val rec, const struct skiff_events_query *q)
{
  yajl_val tn = skiff_json_get (rec, "TimeNano");
  if (!YAJL_IS_INTEGER (tn))
    return false;
  long long ns = YAJL_GET_INTEGER (tn);
  if (q->has_since && ns < (long long)q->since.tv_sec * 1000000000 + q->since.tv_nsec)
    return false;
  if (q->has_until && ns > (long long)q->until.tv_sec * 1000000000 + q->until.tv_nsec)
    return false;
  /* values of one key are ORed, keys ANDed */
  for (size_t k = 0; k < sizeof filter_keys / sizeof filter_keys[0]; k++)
    {
      bool seen = false, any = false;
      size_t klen = strlen (filter_keys[k]);
      for (size_t i = 0; q->filters && q->filters[i]; i++)
        if (strncmp (q->filters[i], filter_keys[k], klen) == 0 && q->filters[i][klen] == '=')
          {
            seen = true;
            any |= matches (rec, filter_keys[k], q->filters[i] + klen + 1);
          }
      if (seen && !any)
        return false;
    }
  return true;
}

struct reader
{
  const struct skiff_events_query *q;
  int (*emit) (yajl_val, void *, struct skiff_error **);
  void *data;
  char *buf; /* a partial last line */
  size_t len;
};

/* Emits the complete lines of what fd has from its offset on; keeps a partial one. */
static int
drain (struct reader *rd, int fd, struct skiff_error **err)
{
  char chunk[65536];
  for (;;)
    {
      ssize_t n = read (fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "read the events journal");
      if (n == 0)
        return 0;
      rd->buf = xrealloc (rd->buf, rd->len + (size_t)n + 1);
      memcpy (rd->buf + rd->len, chunk, (size_t)n);
      rd->len += (size_t)n;
      char *start = rd->buf, *nl;
      while ((nl = memchr (start, '\n', rd->len - (size_t)(start - rd->buf))) != NULL)
        {
          *nl = '\0';
          yajl_val rec = yajl_tree_parse (start, NULL, 0);
          int r = 0;
          if (rec != NULL && YAJL_IS_OBJECT (rec) && skiff_events_match (rec, rd->q))
            r = rd->emit (rec, rd->data, err);
          yajl_tree_free (rec); /* a damaged line is skipped */
          if (r < 0)
            return r;
          start = nl + 1;
        }
      rd->len -= (size_t)(start - rd->buf);
      memmove (rd->buf, start, rd->len);
    }
}

static int
open_journal (const char *root, const char *name)
{
  _cleanup_free_ char *path = skiff_path_join (root, name);
  return open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

static int
now_past (const struct skiff_events_query *q, int *timeout_ms)
{
  *timeout_ms = -1;
  if (!q->has_until)
    return 0;
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  long long ms
      = (q->until.tv_sec - now.tv_sec) * 1000LL + (q->until.tv_nsec - now.tv_nsec) / 1000000;
  if (ms <= 0)
    return 1;
  *timeout_ms = ms > 60000 ? 60000 : (int)ms + 1;
  return 0;
}

/* New records until `until`: inotify on the store root tells of appends and rotations. */
static int
follow (struct reader *rd, const char *root, int *fd, struct skiff_error **err)
{
  _cleanup_close_ int in = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  if (in < 0)
    return skiff_error_make (err, errno, "inotify_init1");
  if (inotify_add_watch (in, root, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0)
    return skiff_error_make (err, errno, "watch %s", root);
  _cleanup_free_ char *path = skiff_path_join (root, "events.log");
  for (;;)
    {
      int r, timeout;
      /* the journal may have been appended to or replaced between our read and the watch */
      if (*fd >= 0 && (r = drain (rd, *fd, err)) < 0)
        return r;
      struct stat cur, now;
      if (stat (path, &now) == 0
          && (*fd < 0 || (fstat (*fd, &cur) == 0 && cur.st_ino != now.st_ino)))
        {
          if (*fd >= 0)
            close (*fd);
          rd->len = 0;
          if ((*fd = open_journal (root, "events.log")) >= 0 && (r = drain (rd, *fd, err)) < 0)
            return r;
        }
      if (now_past (rd->q, &timeout))
        return 0;
      struct pollfd p = { .fd = in, .events = POLLIN };
      int n = poll (&p, 1, timeout);
      if (n < 0 && errno != EINTR)
        return skiff_error_make (err, errno, "poll");
      char ev[4096];
      while (n > 0 && read (in, ev, sizeof ev) > 0)
        ;
    }
}

int
skiff_events_read (const char *root, const struct skiff_events_query *q,
                   int (*emit) (yajl_val rec, void *data, struct skiff_error **err), void *data,
                   struct skiff_error **err)
{
  struct reader rd = { q, emit, data, NULL, 0 };
  int r = 0;
  {
    _cleanup_close_ int old = open_journal (root, "events.log.1");
    if (old >= 0)
      r = drain (&rd, old, err);
    rd.len = 0;
  }
  int fd = open_journal (root, "events.log");
  if (r == 0 && fd >= 0)
    r = drain (&rd, fd, err);
  if (r == 0 && q->follow)
    r = follow (&rd, root, &fd, err);
  if (fd >= 0)
    close (fd);
  free (rd.buf);
  return r;
}
