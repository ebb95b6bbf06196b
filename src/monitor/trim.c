/* Shrinking a monitor: it is a fork of the CLI, so it maps every library the CLI links
 * (libarchive, libcrypto, libxml2, ICU, libstdc++...) and shares the pages the CLI touched.
 * Measured on Debian 12: 2.6 MiB RSS, 870 KiB of it private relocation data of libraries the
 * monitor never calls (libcrypto alone 390 KiB).  A monitor runs only its own loop, the
 * sandbox (respawns) and yajl, and leaves by _exit (no destructors, no atexit), so:
 *   - mappings of libraries outside the keep list are unmapped;
 *   - clean file pages that are still mapped (text the CLI ran) are dropped with
 *     MADV_DONTNEED; they fault back in from the page cache when used.
 * Mappings holding anonymous (modified) pages are never dropped.  Best effort: any failure
 * leaves the monitor as it was. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "monitor-internal.h"
#include "skiff/cleanup.h"

/* The monitor's code calls into these (and the skiff binary itself; libmnl: a restart
 * attaches the container to the bridge again); sanitizer runtimes and libgcc_s (unwinding)
 * are kept for sanitizer builds and aborts. */
static const char *const keep_libs[]
    = { "/libc.so", "/ld-linux",  "/libyajl.so", "/libcap.so",   "/libseccomp.so",
        "/libm.so", "/libmnl.so", "/libasan.so", "/libubsan.so", "/libgcc_s.so" };

struct mapping
{
  unsigned long start, end;
  char perms[5];
  char path[512];
  unsigned long anon_kb;
};

static bool
kept (const char *path, const char *exe)
{
  if (strcmp (path, exe) == 0)
    return true;
  for (size_t i = 0; i < sizeof keep_libs / sizeof keep_libs[0]; i++)
    if (strstr (path, keep_libs[i]))
      return true;
  return false;
}

static void
apply (const struct mapping *m, const char *exe)
{
  if (m->path[0] != '/')
    return; /* heap, stack, anonymous, vdso */
  size_t len = m->end - m->start;
  if (!kept (m->path, exe))
    munmap ((void *)m->start, len);
  else if (m->anon_kb == 0 && m->perms[1] != 'w')
    madvise ((void *)m->start, len, MADV_DONTNEED);
}

void
skiff_monitor_trim_memory (void)
{
  char exe[512];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return;
  exe[n] = '\0';
  /* read all first (unmapping while reading smaps would shift what it reports), into memory
   * that is returned afterwards */
  const size_t max = 512;
  struct mapping *maps
      = mmap (NULL, max * sizeof *maps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (maps == MAP_FAILED)
    return;
  size_t count = 0;
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/smaps", "re");
  char line[1024];
  while (f && fgets (line, sizeof line, f))
    {
      struct mapping m = { 0 };
      int off = 0;
      if (sscanf (line, "%lx-%lx %4s %*s %*s %*s %n", &m.start, &m.end, m.perms, &off) >= 3)
        {
          if (count == max)
            break;
          if (off > 0)
            snprintf (m.path, sizeof m.path, "%.*s", (int)strcspn (line + off, "\n"), line + off);
          maps[count++] = m;
        }
      else if (count > 0 && strncmp (line, "Anonymous:", 10) == 0)
        sscanf (line + 10, "%lu", &maps[count - 1].anon_kb);
    }
  if (f != NULL && count < max)
    for (size_t i = 0; i < count; i++)
      apply (&maps[i], exe);
  munmap (maps, max * sizeof *maps);
}
