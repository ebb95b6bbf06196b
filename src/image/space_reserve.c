/* The store's free-space reserve: an unpack (or a spool) stops before the store's filesystem
 * drops below it, so a decompression bomb or a too-large image fails with a message naming
 * the layer instead of filling the disk for every other user of it.  The reserve is
 * SKIFF_MIN_FREE ("5%", "1G", "0" = none); the default is 5% of the filesystem or 1 GiB,
 * whichever is smaller.  statvfs runs after every half of the remaining headroom, so a big
 * filesystem costs a call per 64 MiB and a nearly full one is checked often enough. */
#include "image-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/humanize.h"

#define RESERVE_ENV "SKIFF_MIN_FREE"
#define DEFAULT_PERCENT 5
#define DEFAULT_MAX (1ULL << 30)
#define BUDGET_MIN (64 * 1024)
#define BUDGET_MAX (64 * 1024 * 1024)
#define ENTRY_COST 4096 /* what an inode and a directory entry take, roughly */

int
skiff_space_reserve_parse (const char *text, uint64_t fs_bytes, uint64_t *out,
                           struct skiff_error **err)
{
  char *end;
  errno = 0;
  double v = strtod (text, &end);
  if (end == text || errno != 0 || v < 0 || *text == '-' || *text == ' ')
    return skiff_error_make (err, 0, "%s=\"%s\": not a size (e.g. 5%%, 512M, 1G, 0)", RESERVE_ENV,
                             text);
  static const char units[] = "kmgt";
  double mult = 1;
  if (*end == '%')
    {
      if (end[1] != '\0' || v > 100)
        return skiff_error_make (err, 0, "%s=\"%s\": a percentage is 0%% to 100%%", RESERVE_ENV,
                                 text);
      *out = (uint64_t)((double)fs_bytes * v / 100);
      return 0;
    }
  if (*end)
    {
      const char *u = strchr (units, *end | 0x20);
      if (u == NULL)
        return skiff_error_make (err, 0, "%s=\"%s\": unknown unit \"%s\" (k, M, G, T or %%)",
                                 RESERVE_ENV, text, end);
      for (const char *p = units; p <= u; p++)
        mult *= 1024;
      end++;
      if (*end == 'i')
        end++;
      if (*end == 'B' || *end == 'b')
        end++;
      if (*end)
        return skiff_error_make (err, 0, "%s=\"%s\": unknown unit", RESERVE_ENV, text);
    }
  if (v * mult >= 18e18)
    return skiff_error_make (err, 0, "%s=\"%s\": too large", RESERVE_ENV, text);
  *out = (uint64_t)(v * mult);
  return 0;
}

static int
free_space (struct skiff_space_guard *g, uint64_t *avail, uint64_t *total, struct skiff_error **err)
{
  struct statvfs st;
  if (fstatvfs (g->fd, &st) < 0)
    return skiff_error_make (err, errno, "%s: statvfs of the store", g->what);
  *avail = (uint64_t)st.f_bavail * st.f_frsize;
  *total = (uint64_t)st.f_blocks * st.f_frsize;
  return 0;
}

int
skiff_space_guard_init (struct skiff_space_guard *g, int fd, const char *what,
                        struct skiff_error **err)
{
  *g = (struct skiff_space_guard){ .fd = fd, .what = what };
  uint64_t avail, total;
  int r = free_space (g, &avail, &total, err);
  if (r < 0)
    return r;
  const char *env = getenv (RESERVE_ENV);
  if (env && *env)
    r = skiff_space_reserve_parse (env, total, &g->reserve, err);
  else
    {
      g->reserve = total / 100 * DEFAULT_PERCENT;
      if (g->reserve > DEFAULT_MAX)
        g->reserve = DEFAULT_MAX;
    }
  if (r == 0 && g->reserve == 0)
    g->fd = -1; /* "0": no reserve, the filesystem's own ENOSPC is the limit */
  return r < 0 ? r : skiff_space_guard_charge (g, 0, err);
}

int
skiff_space_guard_charge (struct skiff_space_guard *g, uint64_t bytes, struct skiff_error **err)
{
  if (g->fd < 0)
    return 0;
  if (bytes < g->budget)
    {
      g->budget -= bytes;
      return 0;
    }
  uint64_t avail, total;
  int r = free_space (g, &avail, &total, err);
  if (r < 0)
    return r;
  if (avail < g->reserve + bytes)
    {
      _cleanup_free_ char *a = skiff_human_size ((int64_t)avail);
      _cleanup_free_ char *res = skiff_human_size ((int64_t)g->reserve);
      return skiff_error_make (err, 0,
                               "%s: stopped: the store's filesystem would drop below its "
                               "free-space reserve (%s free, reserve %s; %s sets it)",
                               g->what, a, res, RESERVE_ENV);
    }
  uint64_t headroom = avail - g->reserve - bytes;
  g->budget = headroom / 2;
  if (g->budget < BUDGET_MIN)
    g->budget = BUDGET_MIN < headroom ? BUDGET_MIN : headroom;
  if (g->budget > BUDGET_MAX)
    g->budget = BUDGET_MAX;
  return 0;
}

int
skiff_space_guard_entry (struct skiff_space_guard *g, struct skiff_error **err)
{
  return skiff_space_guard_charge (g, ENTRY_COST, err);
}
