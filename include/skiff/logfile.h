#pragma once
/* Container log file in the k8s-file format podman/conmon use: one record per line,
 *   <timestamp> <stdout|stderr> <F|P> <text>
 * where the timestamp is RFC 3339 in UTC with exactly nine fraction digits
 * ("2026-11-28T17:26:31.000123456Z"), P marks a partial line (the text continues in the next
 * record of the same stream) and F a full one (the newline itself is not stored).
 * Readers accept any RFC 3339 timestamp, so files written by conmon (+hh:mm offsets) work too. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct skiff_error;

enum skiff_logfile_stream
{
  SKIFF_LOGFILE_STDOUT = 0,
  SKIFF_LOGFILE_STDERR = 1,
};

/* Room for "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" and its NUL. */
#define SKIFF_LOGFILE_TIME_LEN 31

/* Formats ts as the fixed-width UTC timestamp used in the file and by `logs --timestamps`
 * (docker's RFC3339NanoFixed). */
void skiff_logfile_time_format (const struct timespec *ts, char buf[SKIFF_LOGFILE_TIME_LEN]);

/* --- writer ----------------------------------------------------------------------------- */

/* Opens (creating, mode 0600) path for appending; *fd_out is O_CLOEXEC. */
int skiff_logfile_open (const char *path, int *fd_out, struct skiff_error **err);

/* Appends one chunk read from a container stream at time ts: one F record per complete line
 * and a P record for a trailing piece without newline.  A single write(2) per chunk, so
 * records from concurrent streams do not interleave mid-line. */
int skiff_logfile_append (int fd, enum skiff_logfile_stream stream, const struct timespec *ts,
                          const char *buf, size_t len, struct skiff_error **err);

/* A log file that rotates as docker's json-file does (max_size <= 0: never). */
struct skiff_logfile_writer
{
  int fd; /* -1: no log */
  char *path;
  int64_t size, max_size;
  int max_file;
};
#define SKIFF_LOGFILE_WRITER_INIT                                                                  \
  {                                                                                                \
    .fd = -1                                                                                       \
  }
int skiff_logfile_writer_open (struct skiff_logfile_writer *w, const char *path, int64_t max_size,
                               int max_file, struct skiff_error **err);
/* As skiff_logfile_append; first rotates when the chunk's records would pass max_size. */
int skiff_logfile_writer_append (struct skiff_logfile_writer *w, enum skiff_logfile_stream stream,
                                 const struct timespec *ts, const char *buf, size_t len,
                                 struct skiff_error **err);
void skiff_logfile_writer_close (struct skiff_logfile_writer *w);

/* --- drivers and options (log_config.c) ------------------------------------------------- */

enum skiff_log_driver
{
  SKIFF_LOG_K8S_FILE,    /* the default */
  SKIFF_LOG_JSON_FILE,   /* docker's name; the same k8s-file format, as podman does */
  SKIFF_LOG_NONE,        /* nothing kept: `logs` says so */
  SKIFF_LOG_PASSTHROUGH, /* podman's: a foreground PID 1 gets the client's files and pipes */
};
struct skiff_log_config
{
  enum skiff_log_driver driver;
  const char *path, *tag; /* borrowed from the options; path NULL: <ctr>/ctr.log */
  int64_t max_size;       /* bytes; -1: unlimited */
  int max_file;           /* files kept when rotating (the current one included), >= 1 */
};
/* Checks and reads --log-driver (NULL: k8s-file) and the options as alternating key, value
 * (max-size, max-file, path, tag).  Errors are docker's texts, exit 125. */
int skiff_log_config_parse (const char *driver, char *const *opts, struct skiff_log_config *lc,
                            struct skiff_error **err);
const char *skiff_log_driver_name (enum skiff_log_driver d);
/* "k=v" strings (a key alone: empty value) as alternating key, value (caller frees, strv). */
char **skiff_log_opts_map (char *const *kv);
/* The log file of a file driver (caller frees); NULL for none and passthrough. */
char *skiff_log_config_path (const struct skiff_log_config *lc, const char *ctr_dir);
/* docker's text for `logs` of a container that keeps none */
#define SKIFF_LOG_NOT_READABLE "configured logging driver does not support reading"

/* --- records ---------------------------------------------------------------------------- */

struct skiff_logfile_record
{
  struct timespec ts;
  enum skiff_logfile_stream stream;
  bool partial;
  const char *text; /* points into the parsed line, not NUL-terminated */
  size_t len;
};

/* Parses one record line (without its trailing newline).  Returns 0 or -EINVAL. */
int skiff_logfile_record_parse (const char *line, size_t len, struct skiff_logfile_record *rec);

/* --- time filters ----------------------------------------------------------------------- */

/* Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?unit)+ or "0", into nanoseconds.  Returns 0
 * or -1. */
int skiff_logfile_parse_duration (const char *s, int64_t *ns);

/* Parses a `logs --since/--until` value as docker does: a Go duration ("10m", "1h30m",
 * "1.5h", "-5s"), meaning now minus it; a Unix timestamp ("1700000000", "1700000000.5"); or an
 * RFC 3339-like date ("2026-11-28", "2026-11-28T17", "2026-11-28T17:26:31.5Z",
 * "...+01:00"; without a zone it is local time).  Error text as docker's:
 * `failed to parse value as time or duration: "X"`. */
int skiff_logfile_parse_time (const char *value, const struct timespec *now, struct timespec *out,
                              struct skiff_error **err);

/* --- reader ----------------------------------------------------------------------------- */

struct skiff_logfile_options
{
  bool timestamps; /* prefix each line with its timestamp and a space */
  long tail;       /* < 0: all lines; otherwise only the last N lines */
  bool has_since, has_until;
  struct timespec since; /* lines older than this are skipped */
  struct timespec until; /* reading stops at the first record newer than this */
};

/* Where joined lines go.  write() returns 0 or a negative errno with *err set. */
struct skiff_logfile_sink
{
  int (*write) (void *data, enum skiff_logfile_stream stream, const char *buf, size_t len,
                struct skiff_error **err);
  void *data;
};

/* A sink writing stdout lines to fds[0] and stderr lines to fds[1]; data is an int[2]. */
int skiff_logfile_sink_fds (void *data, enum skiff_logfile_stream stream, const char *buf,
                            size_t len, struct skiff_error **err);

struct skiff_logfile_reader;

struct skiff_logfile_reader *skiff_logfile_reader_new (const struct skiff_logfile_options *opts,
                                                       const struct skiff_logfile_sink *sink);
void skiff_logfile_reader_free (struct skiff_logfile_reader *r);

/* Feeds raw file bytes (any split); complete records are parsed, filtered, partial records
 * joined, and finished lines written to the sink.  Malformed lines are skipped. */
int skiff_logfile_reader_feed (struct skiff_logfile_reader *r, const char *buf, size_t len,
                               struct skiff_error **err);

/* Flushes text of partial records not yet terminated (a container that exited without a final
 * newline): it is written without a newline. */
int skiff_logfile_reader_finish (struct skiff_logfile_reader *r, struct skiff_error **err);

/* True once a record past --until was seen: nothing more will be written. */
bool skiff_logfile_reader_done (const struct skiff_logfile_reader *r);

/* Positions fd at the first record of the last n lines (a line = records up to an F record,
 * or a trailing run of P records), reading backwards in blocks.  n < 0 seeks to the start. */
int skiff_logfile_seek_tail (int fd, long n, struct skiff_error **err);

/* --- follow ----------------------------------------------------------------------------- */

/* Called with new bytes; return 0 to go on, 1 to stop following, negative errno on error. */
struct skiff_logfile_follow_cb
{
  int (*on_data) (void *data, const char *buf, size_t len, struct skiff_error **err);
  /* true once the container exited: the file is drained one last time, then follow returns */
  bool (*exited) (void *data);
  void *data;
};

/* Reads fd (opened on path) to its end, then waits for appends with inotify (checking
 * exited() at least every 250 ms) until exited() is true or on_data asks to stop. */
int skiff_logfile_follow (int fd, const char *path, const struct skiff_logfile_follow_cb *cb,
                          struct skiff_error **err);

/* The whole `logs` operation: opens path, applies tail/since/until, writes to sink; with
 * exited != NULL follows until it returns true (or --until is passed). */
int skiff_logfile_print (const char *path, const struct skiff_logfile_options *opts,
                         const struct skiff_logfile_sink *sink, bool (*exited) (void *),
                         void *exited_data, struct skiff_error **err);
