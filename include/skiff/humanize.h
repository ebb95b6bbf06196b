#pragma once
/* Human-readable durations, sizes and timestamps, as docker's go-units prints them. */

#include <stdint.h>
#include <time.h>

/* units.HumanDuration: "Less than a second", "1 second", "N seconds", "About a minute",
 * "N minutes", "About an hour", "N hours", "N days", "N weeks", "N months", "N years". */
char *skiff_human_duration (int64_t seconds);

/* units.HumanSizeWithPrecision(size, 3): decimal units, "7.45MB", "1.2kB", "512B". */
char *skiff_human_size (int64_t bytes);

/* RFC 3339 with nanoseconds in UTC: "2026-11-28T17:23:35.123456789Z" (trailing zeros of the
 * fraction trimmed as Go's RFC3339Nano does). */
char *skiff_time_format (const struct timespec *ts);

/* Parses RFC 3339 (with or without fraction, Z or +hh:mm).  Returns 0 or -1. */
int skiff_time_parse (const char *text, struct timespec *out);
