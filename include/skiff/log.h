#pragma once
/* Diagnostics on stderr with the "skiff: " prefix.  Errors that are returned are not logged:
 * only main() prints a returned error. */

enum skiff_log_level
{
  SKIFF_LOG_ERROR = 0,
  SKIFF_LOG_WARN,
  SKIFF_LOG_INFO,
  SKIFF_LOG_DEBUG,
};

void skiff_log_set_level (enum skiff_log_level level);
/* Parses "debug|info|warn|warning|error|fatal|panic"; returns -1 if unknown. */
int skiff_log_parse_level (const char *name);
enum skiff_log_level skiff_log_get_level (void);
void skiff_log (enum skiff_log_level level, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

struct skiff_error;
/* For an error that is not returned (a best-effort step failed): logs its message at level,
 * then frees it and resets *err to NULL.  Nothing is logged when *err is NULL. */
void skiff_error_log_drop (struct skiff_error **err, enum skiff_log_level level);
/* Likewise, logging "<context_fmt...>: <message>". */
void skiff_error_log_dropf (struct skiff_error **err, enum skiff_log_level level,
                            const char *context_fmt, ...) __attribute__ ((format (printf, 3, 4)));

#define log_error(...) skiff_log (SKIFF_LOG_ERROR, __VA_ARGS__)
#define log_warn(...) skiff_log (SKIFF_LOG_WARN, __VA_ARGS__)
#define log_info(...)                                                                              \
  do                                                                                               \
    {                                                                                              \
      if (skiff_log_get_level () >= SKIFF_LOG_INFO)                                                \
        skiff_log (SKIFF_LOG_INFO, __VA_ARGS__);                                                   \
    }                                                                                              \
  while (0)
#define log_debug(...)                                                                             \
  do                                                                                               \
    {                                                                                              \
      if (skiff_log_get_level () >= SKIFF_LOG_DEBUG)                                               \
        skiff_log (SKIFF_LOG_DEBUG, __VA_ARGS__);                                                  \
    }                                                                                              \
  while (0)
