/* The value syntax of the resource flags, as docker's CLI reads them (go-units sizes and
 * ulimits, --cpus as a rational number, cgroup device rules).  Pure.  See skiff/resources.h. */
#include "skiff/resources.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_resources_clear (struct skiff_resources *r)
{
  free (r->cpuset_cpus);
  free (r->cgroup_parent);
  skiff_strv_free (r->devices);
  skiff_strv_free (r->device_cgroup_rules);
  skiff_strv_free (r->ulimits);
  skiff_strv_free (r->sysctls);
  free (r->ipc);
  free (r->pid);
  free (r->uts);
  free (r->cgroupns);
  memset (r, 0, sizeof *r);
}

static char *
dup_or_null (const char *s)
{
  return s ? xstrdup (s) : NULL;
}

void
skiff_resources_copy (struct skiff_resources *dst, const struct skiff_resources *src)
{
  *dst = *src;
  dst->cpuset_cpus = dup_or_null (src->cpuset_cpus);
  dst->cgroup_parent = dup_or_null (src->cgroup_parent);
  dst->devices = skiff_strv_dup (src->devices);
  dst->device_cgroup_rules = skiff_strv_dup (src->device_cgroup_rules);
  dst->ulimits = skiff_strv_dup (src->ulimits);
  dst->sysctls = skiff_strv_dup (src->sysctls);
  dst->ipc = dup_or_null (src->ipc);
  dst->pid = dup_or_null (src->pid);
  dst->uts = dup_or_null (src->uts);
  dst->cgroupns = dup_or_null (src->cgroupns);
}

bool
skiff_resources_has_limits (const struct skiff_resources *r)
{
  return r->memory || r->memory_swap || r->memory_reservation || r->nano_cpus || r->cpu_shares
         || r->cpuset_cpus || (r->pids_limit_set && r->pids_limit > 0);
}

int
skiff_resources_parse_bytes (const char *value, int64_t *out, struct skiff_error **err)
{
  static const char units[] = "kmgtp";
  const char *p = value;
  size_t digits = strspn (p, "0123456789");
  if (digits == 0)
    goto bad;
  p += digits;
  if (*p == '.' && (digits = strspn (p + 1, "0123456789")) > 0)
    p += 1 + digits;
  size_t num_len = (size_t)(p - value);
  if (*p == ' ')
    p++;
  double mul = 1;
  const char *u = *p ? strchr (units, tolower ((unsigned char)*p)) : NULL;
  if (u != NULL)
    {
      for (const char *q = units; q <= u; q++)
        mul *= 1024;
      p++;
    }
  if (*p == 'i' || *p == 'I')
    p++;
  if (*p == 'b' || *p == 'B')
    p++;
  if (*p != '\0')
    goto bad;
  char num[64];
  if (num_len >= sizeof num)
    goto bad;
  memcpy (num, value, num_len);
  num[num_len] = '\0';
  double size = strtod (num, NULL) * mul;
  if (size >= 9.2e18)
    goto bad;
  *out = (int64_t)size;
  return 0;
bad:
  return skiff_error_make_status (err, 125, 0, "invalid size: '%s'", value);
}

/* A non-negative decimal "123.456" into numerator/10^scale; false on anything else. */
static bool
parse_decimal (const char *s, long double *v)
{
  char *end;
  if (*s == '\0' || isspace ((unsigned char)*s))
    return false;
  errno = 0;
  *v = strtold (s, &end);
  return errno == 0 && *end == '\0' && strpbrk (s, "xXpPeEiInN") == NULL;
}

int
skiff_resources_parse_cpus (const char *value, int64_t *out, struct skiff_error **err)
{
  /* big.Rat's SetString: a decimal or "a/b" */
  const char *slash = strchr (value, '/');
  long double num, den = 1;
  bool ok;
  if (slash != NULL)
    {
      char *a = xstrndup (value, (size_t)(slash - value));
      ok = parse_decimal (*a == '-' ? a + 1 : a, &num) && strchr (a, '.') == NULL
           && parse_decimal (slash + 1, &den) && strchr (slash + 1, '.') == NULL && den != 0;
      if (ok && *a == '-')
        num = -num;
      free (a);
    }
  else
    {
      ok = parse_decimal (*value == '-' || *value == '+' ? value + 1 : value, &num);
      if (ok && *value == '-')
        num = -num;
    }
  if (!ok)
    return skiff_error_make_status (err, 125, 0, "failed to parse %s as a rational number", value);
  long double nano = num * 1e9L / den;
  if (nano != (long double)(int64_t)nano || nano > 9.2e18L || nano < -9.2e18L)
    return skiff_error_make_status (err, 125, 0, "value is too precise");
  *out = (int64_t)nano;
  return 0;
}

static const struct
{
  const char *name;
  int resource;
} ulimit_names[] = {
  { "core", RLIMIT_CORE },         { "cpu", RLIMIT_CPU },
  { "data", RLIMIT_DATA },         { "fsize", RLIMIT_FSIZE },
  { "locks", RLIMIT_LOCKS },       { "memlock", RLIMIT_MEMLOCK },
  { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
  { "nofile", RLIMIT_NOFILE },     { "nproc", RLIMIT_NPROC },
  { "rss", RLIMIT_RSS },           { "rtprio", RLIMIT_RTPRIO },
  { "rttime", RLIMIT_RTTIME },     { "sigpending", RLIMIT_SIGPENDING },
  { "stack", RLIMIT_STACK },
};

/* strconv.ParseInt (s, 10, 64) with Go's error text. */
static int
parse_int64 (const char *s, int64_t *out, struct skiff_error **err)
{
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (*s == '\0' || *end != '\0' || isspace ((unsigned char)*s))
    return skiff_error_make_status (err, 125, 0, "strconv.ParseInt: parsing \"%s\": invalid syntax",
                                    s);
  if (errno == ERANGE)
    return skiff_error_make_status (err, 125, 0,
                                    "strconv.ParseInt: parsing \"%s\": value out of range", s);
  *out = v;
  return 0;
}

int
skiff_resources_parse_ulimit (const char *value, int *resource, int64_t *soft, int64_t *hard,
                              struct skiff_error **err)
{
  const char *eq = strchr (value, '=');
  if (eq == NULL)
    return skiff_error_make_status (err, 125, 0, "invalid ulimit argument: %s", value);
  size_t n = (size_t)(eq - value);
  size_t i = 0;
  for (; i < sizeof ulimit_names / sizeof ulimit_names[0]; i++)
    if (strlen (ulimit_names[i].name) == n && strncmp (ulimit_names[i].name, value, n) == 0)
      break;
  if (i == sizeof ulimit_names / sizeof ulimit_names[0])
    return skiff_error_make_status (err, 125, 0, "invalid ulimit type: %.*s", (int)n, value);
  *resource = ulimit_names[i].resource;
  const char *vals = eq + 1, *colon = strchr (vals, ':');
  if (colon != NULL && strchr (colon + 1, ':') != NULL)
    return skiff_error_make_status (
        err, 125, 0, "too many limit value arguments - %s, can only have up to two, `soft[:hard]`",
        vals);
  char *soft_text = colon ? xstrndup (vals, (size_t)(colon - vals)) : xstrdup (vals);
  int r = 0;
  if (colon != NULL)
    r = parse_int64 (colon + 1, hard, err);
  if (r == 0)
    r = parse_int64 (soft_text, soft, err);
  free (soft_text);
  if (r < 0)
    return r;
  if (colon == NULL)
    *hard = *soft;
  if (*hard != -1 && *soft > *hard)
    return skiff_error_make_status (
        err, 125, 0, "ulimit soft limit must be less than or equal to hard limit: %lld > %lld",
        (long long)*soft, (long long)*hard);
  return 0;
}

int
skiff_resources_parse_cpuset (const char *value, unsigned *max_cpu, struct skiff_error **err)
{
  *max_cpu = 0;
  const char *p = value;
  for (;;)
    {
      char *end;
      if (!isdigit ((unsigned char)*p))
        goto bad;
      unsigned long a = strtoul (p, &end, 10), b = a;
      p = end;
      if (*p == '-')
        {
          if (!isdigit ((unsigned char)p[1]))
            goto bad;
          b = strtoul (p + 1, &end, 10);
          p = end;
        }
      if (b < a || b > 65535)
        goto bad;
      if (b > *max_cpu)
        *max_cpu = (unsigned)b;
      if (*p == '\0')
        return 0;
      if (*p++ != ',')
        goto bad;
    }
bad:
  return skiff_error_make_status (err, 125, 0, "Invalid value %s for cpuset cpus", value);
}

/* "*" (-1) or a number of at most 2^32-1. */
static bool
parse_dev_number (const char *s, size_t len, int64_t *out)
{
  if (len == 1 && *s == '*')
    return *out = -1, true;
  if (len == 0 || len > 10 || strspn (s, "0123456789") < len)
    return false;
  *out = strtoll (s, NULL, 10);
  return *out <= UINT32_MAX;
}

/* "rwm" letters, each at most once, at least one. */
static bool
parse_access (const char *s, char access[4])
{
  size_t n = strlen (s);
  if (n == 0 || n > 3 || strspn (s, "rwm") != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (strchr (s + i + 1, s[i]) != NULL)
      return false;
  memcpy (access, s, n + 1);
  return true;
}

int
skiff_resources_parse_device_rule (const char *value, char *type, int64_t *major, int64_t *minor,
                                   char access[4], struct skiff_error **err)
{
  /* docker: ^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$, or "a" alone */
  if (strcmp (value, "a") == 0)
    {
      *type = 'a', *major = *minor = -1;
      memcpy (access, "rwm", 4);
      return 0;
    }
  const char *sp = strchr (value, ' '), *colon = sp ? strchr (sp, ':') : NULL;
  const char *sp2 = colon ? strchr (colon, ' ') : NULL;
  if (sp == value + 1 && strchr ("acb", value[0]) != NULL && colon && sp2
      && parse_dev_number (sp + 1, (size_t)(colon - sp - 1), major)
      && parse_dev_number (colon + 1, (size_t)(sp2 - colon - 1), minor)
      && parse_access (sp2 + 1, access))
    {
      *type = value[0];
      return 0;
    }
  return skiff_error_make_status (err, 125, 0, "invalid device cgroup format '%s'", value);
}

int
skiff_resources_parse_device (const char *value, char **host, char **container, char perms[4],
                              struct skiff_error **err)
{
  /* docker/cli parseDevice: src[:dst][:perms]; a second field that is only perms is perms */
  char **parts = NULL;
  const char *p = value;
  for (const char *c; (c = strchr (p, ':')) != NULL; p = c + 1)
    skiff_strv_push_owned (&parts, xstrndup (p, (size_t)(c - p)));
  skiff_strv_push (&parts, p);
  size_t n = skiff_strv_len (parts);
  const char *src = parts[0], *dst = NULL, *mode = "rwm";
  bool ok = n <= 3 && *src == '/';
  if (ok && n == 3)
    dst = parts[1], mode = parts[2];
  else if (ok && n == 2 && parse_access (parts[1], perms))
    mode = parts[1];
  else if (ok && n == 2)
    dst = parts[1];
  ok = ok && parse_access (mode, perms) && (dst == NULL || *dst == '/');
  if (ok)
    {
      *host = xstrdup (src);
      *container = xstrdup (dst ? dst : src);
    }
  skiff_strv_free (parts);
  if (!ok)
    return skiff_error_make_status (err, 125, 0, "invalid device specification: %s", value);
  return 0;
}
