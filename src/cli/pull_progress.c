/* pull's lines on stderr.  Not at a terminal (or under -q) they are podman's script-friendly
 * ones, a line per event.  At a terminal each layer download gets one line, redrawn in place
 * a few times a second (bytes, a bar, rate, ETA; "done" when it ended), and a summary. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/registry.h"
#include "skiff/xalloc.h"

const char *
skiff_cli_digest_hex (const char *digest)
{
  const char *colon = strchr (digest, ':');
  return colon ? colon + 1 : digest;
}

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
skiff_cli_pull_progress_init (struct skiff_cli_pull_progress *p, bool quiet)
{
  memset (p, 0, sizeof *p);
  p->tty = !quiet && isatty (STDERR_FILENO);
  struct winsize ws;
  p->width = ioctl (STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 80;
}

void
skiff_cli_pull_progress_clear (struct skiff_cli_pull_progress *p)
{
  free (p->since);
  p->since = NULL;
}

/* 1.5KiB, 12.3MiB: the binary units podman's bars use. */
static void
human (char *buf, size_t len, double bytes)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  size_t u = 0;
  while (bytes >= 1024 && u + 1 < sizeof units / sizeof *units)
    bytes /= 1024, u++;
  snprintf (buf, len, u ? "%.1f%s" : "%.0f%s", bytes, units[u]);
}

static void
draw_line (const struct skiff_cli_pull_progress *p, const struct skiff_pull_blob_bytes *b,
           double since, double now)
{
  char line[512], done[24], total[24], rate[24];
  const char *hex = skiff_cli_digest_hex (b->digest);
  human (done, sizeof done, (double)b->done);
  human (total, sizeof total, (double)b->total);
  int n;
  if (b->finished)
    n = snprintf (line, sizeof line, "Copying blob %.12s done %s", hex, total);
  else if (!b->started)
    n = snprintf (line, sizeof line, "Copying blob %.12s waiting", hex);
  else
    {
      double secs = now - since, per_sec = secs > 0 ? (double)b->done / secs : 0;
      human (rate, sizeof rate, per_sec);
      long eta = per_sec > 0 ? (long)((double)(b->total - b->done) / per_sec + 0.5) : -1;
      char tail[160];
      if (b->done >= b->total) /* all bytes in: the unpack's end, the sync */
        snprintf (tail, sizeof tail, "%s / %s storing", done, total);
      else if (eta < 0)
        snprintf (tail, sizeof tail, "%s / %s", done, total);
      else
        snprintf (tail, sizeof tail, "%s / %s %s/s ETA %ldm%02lds", done, total, rate, eta / 60,
                  eta % 60);
      /* the bar takes what the terminal's width leaves beside the longest tail, the same on
       * every line ("999.9MiB / 999.9MiB 999.9MiB/s ETA 99m59s") */
      int bar_len = p->width - 1 - (int)strlen ("Copying blob ") - 12 - 4 - 41;
      if (bar_len > 30)
        bar_len = 30;
      char bar[32] = "";
      if (bar_len >= 5)
        {
          int fill = b->total > 0 ? (int)((double)b->done / (double)b->total * bar_len) : 0;
          for (int i = 0; i < bar_len; i++)
            bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
          bar[bar_len] = '\0';
          n = snprintf (line, sizeof line, "Copying blob %.12s [%s] %s", hex, bar, tail);
        }
      else
        n = snprintf (line, sizeof line, "Copying blob %.12s %s", hex, tail);
    }
  if (n >= p->width)
    line[p->width - 1] = '\0';
  fprintf (stderr, "\r\033[K%s\n", line);
}

void
skiff_cli_pull_progress_draw (const struct skiff_pull_blob_bytes *blobs, size_t n, bool final,
                              void *data)
{
  struct skiff_cli_pull_progress *p = data;
  double now = now_seconds ();
  if (p->since == NULL)
    {
      p->since = xzalloc ((n ? n : 1) * sizeof *p->since);
      p->n = n;
      p->t0 = now;
    }
  /* at most ten frames a second, but every start and end of a download at once */
  size_t changes = 0;
  for (size_t i = 0; i < n; i++)
    changes += blobs[i].started + blobs[i].finished;
  if (!final && p->lines > 0 && changes == p->changes && now - p->drawn < 0.1)
    return;
  p->changes = changes;
  p->drawn = now;
  if (p->lines > 0)
    fprintf (stderr, "\033[%zuA", p->lines); /* back to the first layer's line */
  for (size_t i = 0; i < n && i < p->n; i++)
    {
      if (blobs[i].started && p->since[i] == 0)
        p->since[i] = now;
      draw_line (p, &blobs[i], p->since[i], now);
    }
  p->lines = n < p->n ? n : p->n;
  if (final)
    {
      int64_t bytes = 0;
      for (size_t i = 0; i < n; i++)
        bytes += blobs[i].total;
      char total[32], rate[32];
      double secs = now - p->t0;
      human (total, sizeof total, (double)bytes);
      human (rate, sizeof rate, secs > 0 ? (double)bytes / secs : 0);
      fprintf (stderr, "Copied %zu blob%s, %s in %.1fs (%s/s)\n", n, n == 1 ? "" : "s", total, secs,
               rate);
      p->lines = 0;
    }
  fflush (stderr);
}
