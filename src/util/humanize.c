#include "skiff/humanize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/xalloc.h"

char *
skiff_human_duration (int64_t seconds)
{
  if (seconds < 1)
    return xstrdup ("Less than a second");
  if (seconds == 1)
    return xstrdup ("1 second");
  if (seconds < 60)
    return xasprintf ("%lld seconds", (long long)seconds);
  int64_t minutes = seconds / 60;
  if (minutes == 1)
    return xstrdup ("About a minute");
  if (minutes < 60)
    return xasprintf ("%lld minutes", (long long)minutes);
  /* go-units rounds hours: int(d.Hours() + 0.5) */
  int64_t hours = (seconds + 1800) / 3600;
  if (hours == 1)
    return xstrdup ("About an hour");
  if (hours < 48)
    return xasprintf ("%lld hours", (long long)hours);
  if (hours < 24 * 7 * 2)
    return xasprintf ("%lld days", (long long)(hours / 24));
  if (hours < 24 * 30 * 2)
    return xasprintf ("%lld weeks", (long long)(hours / 24 / 7));
  if (hours < 24 * 365 * 2)
    return xasprintf ("%lld months", (long long)(hours / 24 / 30));
  return xasprintf ("%lld years", (long long)(hours / 24 / 365));
}

char *
skiff_human_size (int64_t bytes)
{
  static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
  double size = (double)bytes;
  size_t i = 0;
  while (size >= 1000.0 && i + 1 < sizeof units / sizeof units[0])
    {
      size /= 1000.0;
      i++;
    }
  /* Go's %.3g: 3 significant digits, no trailing zeros */
  return xasprintf ("%.3g%s", size, units[i]);
}

char *
skiff_time_format (const struct timespec *ts)
{
  struct tm tm;
  time_t secs = ts->tv_sec;
  gmtime_r (&secs, &tm);
  char base[64];
  strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  if (ts->tv_nsec == 0)
    return xasprintf ("%sZ", base);
  char frac[16];
  snprintf (frac, sizeof frac, "%09ld", ts->tv_nsec);
  for (size_t n = strlen (frac); n > 0 && frac[n - 1] == '0'; n--)
    frac[n - 1] = '\0';
  return xasprintf ("%s.%sZ", base, frac);
}

int
skiff_time_parse (const char *text, struct timespec *out)
{
  struct tm tm;
  memset (&tm, 0, sizeof tm);
  const char *p = strptime (text, "%Y-%m-%dT%H:%M:%S", &tm);
  if (p == NULL)
    return -1;
  long nsec = 0;
  if (*p == '.')
    {
      long scale = 100000000;
      for (p++; *p >= '0' && *p <= '9'; p++)
        {
          nsec += (*p - '0') * scale;
          scale /= 10;
        }
    }
  long offset = 0;
  if (*p == '+' || *p == '-')
    {
      int hh = 0, mm = 0;
      if (sscanf (p + 1, "%2d:%2d", &hh, &mm) != 2)
        return -1;
      offset = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
    }
  else if (*p != 'Z')
    return -1;
  out->tv_sec = timegm (&tm) - offset;
  out->tv_nsec = nsec;
  return 0;
}
