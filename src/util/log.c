#include "skiff/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "skiff/error.h"

static enum skiff_log_level current_level = SKIFF_LOG_WARN;

void
skiff_log_set_level (enum skiff_log_level level)
{
  current_level = level;
}

enum skiff_log_level
skiff_log_get_level (void)
{
  return current_level;
}

int
skiff_log_parse_level (const char *name)
{
  static const struct
  {
    const char *name;
    enum skiff_log_level level;
  } names[] = {
    { "debug", SKIFF_LOG_DEBUG }, { "trace", SKIFF_LOG_DEBUG },  { "info", SKIFF_LOG_INFO },
    { "warn", SKIFF_LOG_WARN },   { "warning", SKIFF_LOG_WARN }, { "error", SKIFF_LOG_ERROR },
    { "fatal", SKIFF_LOG_ERROR }, { "panic", SKIFF_LOG_ERROR },
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (name, names[i].name) == 0)
      return (int)names[i].level;
  return -1;
}

/* podman's (logrus's) line for a file or pipe: time="RFC 3339" level=debug msg="..." with the
 * message quoted as Go's %q does for the characters that need it. */
static void
log_logfmt (const char *level, const char *msg)
{
  char stamp[40] = "";
  time_t now = time (NULL);
  struct tm tm;
  if (localtime_r (&now, &tm))
    strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);
  if (strlen (stamp) == 24) /* +hhmm -> +hh:mm */
    memmove (stamp + 23, stamp + 22, 3), stamp[22] = ':';
  char quoted[8192];
  size_t n = 0;
  for (const char *p = msg; *p && n < sizeof quoted - 3; p++)
    {
      if (*p == '"' || *p == '\\')
        quoted[n++] = '\\', quoted[n++] = *p;
      else if (*p == '\n')
        quoted[n++] = '\\', quoted[n++] = 'n';
      else
        quoted[n++] = *p;
    }
  quoted[n] = '\0';
  fprintf (stderr, "time=\"%s\" level=%s msg=\"%s\"\n", stamp, level, quoted);
}

void
skiff_log (enum skiff_log_level level, const char *fmt, ...)
{
  if (level > current_level)
    return;
  int saved = errno;
  static const char *const prefix[] = { "", "warning: ", "info: ", "debug: " };
  char line[4096];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  /* one write per line so concurrent processes do not interleave mid-line */
  if (level == SKIFF_LOG_ERROR) /* errors read as the ones main() prints (podman's form) */
    fprintf (stderr, "Error: %s\n", line);
  else if (level >= SKIFF_LOG_INFO) /* --log-level info|debug: podman's lines */
    log_logfmt (level == SKIFF_LOG_INFO ? "info" : "debug", line);
  else
    fprintf (stderr, "skiff: %s%s\n", prefix[level], line);
  errno = saved;
}

void
skiff_error_log_drop (struct skiff_error **err, enum skiff_log_level level)
{
  if (*err == NULL)
    return;
  skiff_log (level, "%s", (*err)->msg);
  skiff_error_freep (err);
}

void
skiff_error_log_dropf (struct skiff_error **err, enum skiff_log_level level,
                       const char *context_fmt, ...)
{
  if (*err == NULL)
    return;
  if (level <= current_level)
    {
      char context[4096];
      va_list ap;
      va_start (ap, context_fmt);
      vsnprintf (context, sizeof context, context_fmt, ap);
      va_end (ap);
      skiff_log (level, "%s: %s", context, (*err)->msg);
    }
  skiff_error_freep (err);
}
