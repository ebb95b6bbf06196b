#pragma once
/* The events journal: <root>/events.log, one JSON object per line, appended by every command
 * (and monitor) that changes a container or an image; read by `skiff events`.
 *
 * A record is written with one write(2) on an O_APPEND descriptor and kept under PIPE_BUF
 * (4096 bytes; attributes are dropped to fit), so concurrent writers never interleave.  Past
 * SKIFF_EVENTS_MAX_BYTES (or $SKIFF_EVENTS_MAX_BYTES, for tests) the writer that notices
 * renames the file to events.log.1 (replacing the older one) under a flock on events.lock:
 * the journal keeps between one and two files' worth.  A record carries docker's event
 * message in Go field names, so `--format '{{.Status}} {{.Actor.Attributes.name}}'` works:
 *   {"Status":"start","ID":"<id>","From":"<image>","Type":"container","Action":"start",
 *    "Actor":{"ID":"<id>","Attributes":{"image":"...","name":"...",...}},"Scope":"local",
 *    "Time":<s>,"TimeNano":<ns>}
 * Writing is best effort: a failure is logged as a warning and never fails the command. */

#include <stdbool.h>
#include <time.h>
#include <yajl/yajl_tree.h>

struct skiff_error;
struct skiff_store;
struct skiff_container;

#define SKIFF_EVENTS_MAX_BYTES (1024 * 1024)

struct skiff_event
{
  const char *type;   /* "container", "image" */
  const char *action; /* "create", "start", "die", "destroy", "tag", ... */
  const char *id;     /* the container's ID, the image's ID */
  const char *from;   /* a container's image as the user named it; NULL for images */
  char *const *attrs; /* alternating key, value; may be NULL */
};

/* Appends ev, stamped now, to root's journal (rotating it when it is too large). */
int skiff_events_append (const char *root, const struct skiff_event *ev, struct skiff_error **err);

/* Best effort, one call per command: a container event with the attributes docker gives
 * (image, name, the container's labels) and extra ones (alternating key, value, NULL-ended;
 * e.g. "exitCode", "3"). */
void skiff_events_container (struct skiff_store *store, const struct skiff_container *c,
                             const char *action, const char *const *extra);
/* The same with one integer attribute (die: "exitCode"; kill: "signal"). */
void skiff_events_container_int (struct skiff_store *store, const struct skiff_container *c,
                                 const char *action, const char *key, long value);
/* For a command that leaves the host's file system (exec joins the container's root): the
 * journal opened before (fd, or -1 with a warning logged), and events appended through it
 * (key NULL: no extra attribute; nothing when fd < 0). */
int skiff_events_open (const char *root);
void skiff_events_container_fd (int fd, const struct skiff_container *c, const char *action,
                                const char *key, long value);
/* An image event: Actor.ID is the image ID, with name=<ref> when one is given. */
void skiff_events_image (struct skiff_store *store, const char *id, const char *name,
                         const char *action);

/* ---- reading (read.c) ---- */

struct skiff_events_query
{
  bool has_since, has_until;
  struct timespec since, until; /* inclusive bounds */
  char *const *filters;         /* "key=value": type, container, image, event, label */
  bool follow;                  /* after the past records, wait for new ones (inotify) until
                                 * `until` (forever without it) */
};

/* Checks the filters as docker's daemon does: `invalid filter 'KEY'` (exit 1). */
int skiff_events_check_filters (char *const *filters, struct skiff_error **err);

/* Pure: whether a record matches the query's filters and time bounds. */
bool skiff_events_match (yajl_val rec, const struct skiff_events_query *q);

/* Calls emit for each matching record, oldest first (events.log.1, then events.log), then,
 * with q->follow, for each new one as it is appended.  emit returning < 0 stops with that. */
int skiff_events_read (const char *root, const struct skiff_events_query *q,
                       int (*emit) (yajl_val rec, void *data, struct skiff_error **err), void *data,
                       struct skiff_error **err);
