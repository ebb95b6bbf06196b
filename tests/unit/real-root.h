#pragma once
/* For unit tests that touch the host's cgroups: whether we are root in the initial user
 * namespace (root in a user namespace gets EPERM where the real one must succeed). */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"

static inline bool
is_real_root (void)
{
  _cleanup_free_ char *map = NULL;
  struct skiff_error *err = NULL;
  if (geteuid () != 0 || skiff_fs_read_file ("/proc/self/uid_map", &map, NULL, &err) < 0)
    {
      skiff_error_free (err);
      return false;
    }
  unsigned long inside, outside, count;
  return sscanf (map, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 && outside == 0
         && count == 4294967295UL;
}
