/* `logs --since/--until` values, parsed the way docker's GetTimestamp does. */
#include "skiff/logfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"

#define NSEC 1000000000LL

struct unit
{
  const char *name;
  int64_t ns;
};

/* Go's time.ParseDuration units; longest names first so "ms" wins over "m". */
static const struct unit units[] = {
  { "ns", 1 },       { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
  { "ms", 1000000 }, { "s", NSEC },  { "m", 60 * NSEC },    { "h", 3600 * NSEC },
};

static const struct unit *
match_unit (const char **p)
{
  const struct unit *best = NULL;
  size_t best_len = 0;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    {
      size_t n = strlen (units[i].name);
      if (n > best_len && strncmp (*p, units[i].name, n) == 0)
        {
          best = &units[i];
          best_len = n;
        }
    }
  *p += best_len;
  return best;
}

int
skiff_logfile_parse_duration (const char *s, int64_t *out)
{
  int sign = 1;
  if (*s == '-' || *s == '+')
    sign = *s++ == '-' ? -1 : 1;
  if (strcmp (s, "0") == 0)
    return *out = 0, 0;
  if (*s == '\0')
    return -1;
  long double total = 0;
  while (*s)
    {
      const char *start = s;
      long double v = 0, scale = 1;
      while (isdigit ((unsigned char)*s))
        v = v * 10 + (*s++ - '0');
      bool digits = s > start;
      if (*s == '.')
        for (s++; isdigit ((unsigned char)*s); s++, digits = true)
          v += (*s - '0') * (scale /= 10);
      if (!digits)
        return -1;
      const struct unit *u = match_unit (&s);
      if (u == NULL)
        return -1;
      total += v * u->ns;
    }
  if (total > (long double)INT64_MAX)
    return -1;
  *out = sign * (int64_t)total;
  return 0;
}

/* "1700000000" or "1700000000.5" (fraction scaled to nanoseconds). */
static int
parse_unix (const char *s, struct timespec *out)
{
  char *end;
  errno = 0;
  long long secs = strtoll (s, &end, 10);
  if (errno != 0 || end == s || !(isdigit ((unsigned char)*s) || *s == '-'))
    return -1;
  long nsec = 0;
  if (*end == '.')
    {
      const char *f = end + 1;
      long scale = 100000000;
      for (end++; isdigit ((unsigned char)*end); end++, scale /= 10)
        nsec += (*end - '0') * scale;
      if (end == f || end - f > 9)
        return -1;
    }
  if (*end != '\0')
    return -1;
  out->tv_sec = (time_t)secs;
  out->tv_nsec = nsec;
  return 0;
}

/* Reads exactly n digits. */
static int
digits (const char **p, int n, int *out)
{
  int v = 0;
  for (int i = 0; i < n; i++, (*p)++)
    {
      if (!isdigit ((unsigned char)**p))
        return -1;
      v = v * 10 + (**p - '0');
    }
  *out = v;
  return 0;
}

static int
parse_clock (const char **p, struct tm *tm, long *nsec)
{
  if (digits (p, 2, &tm->tm_hour) < 0 || tm->tm_hour > 23)
    return -1;
  if (**p != ':')
    return 0;
  (*p)++;
  if (digits (p, 2, &tm->tm_min) < 0 || tm->tm_min > 59)
    return -1;
  if (**p != ':')
    return 0;
  (*p)++;
  if (digits (p, 2, &tm->tm_sec) < 0 || tm->tm_sec > 60)
    return -1;
  if (**p != '.')
    return 0;
  long scale = 100000000;
  const char *f = ++(*p);
  for (; isdigit ((unsigned char)**p); (*p)++, scale /= 10)
    *nsec += (**p - '0') * scale;
  return *p == f || *p - f > 9 ? -1 : 0;
}

/* Z, z or +hh:mm / -hh:mm; absent = local time. */
static int
parse_zone (const char **p, bool *local, long *offset)
{
  int hh, mm;
  *local = false;
  if (**p == '\0')
    return *local = true, 0;
  if (**p == 'Z' || **p == 'z')
    return (*p)++, 0;
  if (**p != '+' && **p != '-')
    return -1;
  int sign = *(*p)++ == '-' ? -1 : 1;
  if (digits (p, 2, &hh) < 0 || *(*p)++ != ':' || digits (p, 2, &mm) < 0 || hh > 23 || mm > 59)
    return -1;
  *offset = sign * (hh * 3600L + mm * 60L);
  return 0;
}

/* YYYY-MM-DD[Thh[:mm[:ss[.frac]]]][Z|±hh:mm] */
static int
parse_date (const char *s, struct timespec *out)
{
  struct tm tm = { 0 };
  long nsec = 0, offset = 0;
  bool local;
  const char *p = s;
  if (digits (&p, 4, &tm.tm_year) < 0 || *p++ != '-' || digits (&p, 2, &tm.tm_mon) < 0
      || *p++ != '-' || digits (&p, 2, &tm.tm_mday) < 0)
    return -1;
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  if ((*p == 'T' || *p == 't') && (p++, parse_clock (&p, &tm, &nsec) < 0))
    return -1;
  if (parse_zone (&p, &local, &offset) < 0 || *p != '\0')
    return -1;
  if (local)
    {
      tm.tm_isdst = -1;
      out->tv_sec = mktime (&tm);
    }
  else
    out->tv_sec = timegm (&tm) - offset;
  out->tv_nsec = nsec;
  return 0;
}

int
skiff_logfile_parse_time (const char *value, const struct timespec *now, struct timespec *out,
                          struct skiff_error **err)
{
  int64_t d;
  /* docker reads a bare "0" as the Unix epoch, not as a zero duration */
  if (strcmp (value, "0") != 0 && skiff_logfile_parse_duration (value, &d) == 0)
    {
      int64_t t = (int64_t)now->tv_sec * NSEC + now->tv_nsec - d;
      out->tv_sec = (time_t)(t / NSEC);
      out->tv_nsec = (long)(t % NSEC);
      if (out->tv_nsec < 0)
        {
          out->tv_nsec += NSEC;
          out->tv_sec--;
        }
      return 0;
    }
  if (parse_date (value, out) == 0)
    return 0;
  /* like docker: something with a dash that did not parse as a date is a bad date */
  if (strchr (value + (value[0] == '-'), '-') != NULL)
    return skiff_error_make (err, 0, "failed to parse value as time: \"%s\"", value);
  if (parse_unix (value, out) == 0)
    return 0;
  return skiff_error_make (err, 0, "failed to parse value as time or duration: \"%s\"", value);
}
