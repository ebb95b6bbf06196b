/* Blobs from a registry: small ones (configs) into memory, layers streamed into the unpacker.
 * Each layer is fetched by a forked child of its own: the unpack chdirs into its layer
 * (layer_unpack.c), so layers unpack in parallel only as processes.  In the child a thread
 * runs the transfer into a pipe, counting bytes against the descriptor's size, while the
 * unpacker reads the pipe and checks the blob digest and the DiffID as it goes. */
#include "registry-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/image-internal.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/log.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

#define MAX_CONFIG (8 << 20)

int
skiff_blob_fetch_small (struct skiff_registry_client *c, const struct skiff_descriptor *d,
                        char **out, size_t *len, struct skiff_error **err)
{
  if (d->size > MAX_CONFIG)
    return skiff_error_make (err, 0, "blob %s: %lld bytes is too large for a config", d->digest,
                             (long long)d->size);
  _cleanup_free_ char *path
      = xasprintf ("/v2/%s/blobs/%s", skiff_registry_client_repo (c), d->digest);
  const struct skiff_http_request req = { .method = "GET", .path = path, .body_fd = -1 };
  struct skiff_http_response resp;
  int r = skiff_registry_request (c, &req, &resp, err);
  if (r < 0)
    return r;
  if (resp.status != 200)
    {
      _cleanup_free_ char *what = xasprintf ("fetching blob %s", d->digest);
      r = skiff_registry_status_error (c, what, &resp, err);
      skiff_http_response_clear (&resp);
      return r;
    }
  _cleanup_free_ char *got = skiff_sha256_digest (resp.body ? resp.body : "", resp.body_len);
  if ((int64_t)resp.body_len != d->size)
    r = skiff_error_make (err, 0, "blob %s: expected %lld bytes, got %zu", d->digest,
                          (long long)d->size, resp.body_len);
  else if (strcmp (got, d->digest) != 0)
    r = skiff_error_make (err, 0, "blob %s: digest mismatch: the registry sent %s", d->digest, got);
  if (r < 0)
    {
      skiff_http_response_clear (&resp);
      return r;
    }
  *out = resp.body ? steal_ptr (&resp.body) : xstrdup ("");
  *len = resp.body_len;
  skiff_http_response_clear (&resp);
  return 0;
}

struct stream
{
  struct skiff_registry_client *c;
  const struct skiff_descriptor *d;
  int fd; /* the pipe's write end */
  int64_t got;
  int64_t *done; /* the parent's view of got (NULL: none) */
  int r;
  struct skiff_error *err;
};

static int
stream_sink (const void *data, size_t len, void *sink_data)
{
  struct stream *s = sink_data;
  if (s->got + (int64_t)len > s->d->size)
    {
      s->got += (int64_t)len;
      return -EFBIG;
    }
  s->got += (int64_t)len;
  if (s->done)
    __atomic_store_n (s->done, s->got, __ATOMIC_RELAXED);
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = write (s->fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

static void *
stream_thread (void *data)
{
  struct stream *s = data;
  _cleanup_free_ char *path
      = xasprintf ("/v2/%s/blobs/%s", skiff_registry_client_repo (s->c), s->d->digest);
  const struct skiff_http_request req
      = { .method = "GET", .path = path, .body_fd = -1, .sink = stream_sink, .sink_data = s };
  struct skiff_http_response resp;
  s->r = skiff_registry_request (s->c, &req, &resp, &s->err);
  if (s->r == 0 && resp.status != 200)
    {
      _cleanup_free_ char *what = xasprintf ("fetching blob %s", s->d->digest);
      s->r = skiff_registry_status_error (s->c, what, &resp, &s->err);
    }
  if (s->r == 0 && s->got != s->d->size)
    s->r = skiff_error_make (&s->err, 0, "blob %s: expected %lld bytes, got %lld", s->d->digest,
                             (long long)s->d->size, (long long)s->got);
  skiff_http_response_clear (&resp);
  close (s->fd);
  s->fd = -1;
  return NULL;
}

/* In the child: the transfer on a thread, the unpack here. */
static int
fetch_layer (struct skiff_store *store, struct skiff_registry_client *c,
             const struct skiff_blob_job *job, struct skiff_error **err)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  struct stream s = { .c = c, .d = job->blob, .fd = p[1], .done = job->done };
  pthread_t t;
  int pr = pthread_create (&t, NULL, stream_thread, &s);
  if (pr != 0)
    {
      close (p[0]);
      close (p[1]);
      return skiff_error_make (err, pr, "start the download thread");
    }
  _cleanup_free_ char *what = xasprintf ("blob %s", job->blob->digest);
  const struct skiff_layer_add lo = { .what = what,
                                      .parent_chain = job->parent_chain,
                                      .expected_diff_id = job->diff_id,
                                      .expected_blob_digest = job->blob->digest,
                                      .pin_dir = job->pin_dir };
  _cleanup_free_ char *chain = NULL, *diff_id = NULL;
  _cleanup_error_ struct skiff_error *unpack_err = NULL;
  int r = skiff_layer_add (store, p[0], &lo, &chain, &diff_id, NULL, &unpack_err);
  close (p[0]); /* a writer still going gets EPIPE */
  pthread_join (t, NULL);
  if (s.r < 0 && !(s.err && s.err->errnum == EPIPE && r < 0))
    {
      /* the transfer's failure explains the unpacker's (a short or reset stream) */
      int ret = s.r;
      *err = s.err;
      if (ret == -EFBIG)
        {
          skiff_error_free (steal_ptr (err));
          return skiff_error_make (err, 0, "blob %s: more than the %lld bytes its descriptor says",
                                   job->blob->digest, (long long)job->blob->size);
        }
      return ret;
    }
  skiff_error_free (s.err);
  if (r < 0)
    {
      *err = steal_ptr (&unpack_err);
      return r;
    }
  return 0;
}

/* A child: fetches job, reports "<exit code>\n<message>" on report_fd on failure. */
static void __attribute__ ((noreturn))
child_main (struct skiff_store *store, struct skiff_registry_client *c,
            const struct skiff_blob_job *job, int report_fd)
{
  signal (SIGPIPE, SIG_IGN);
  /* a killed pull takes its downloads with it (their temp dirs go with the reaper) */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != job->parent_pid)
    _exit (3);
  skiff_registry_client_after_fork (c);
  struct skiff_error *e = NULL;
  if (fetch_layer (store, c, job, &e) == 0)
    _exit (0);
  char buf[4096];
  int n = snprintf (buf, sizeof buf, "%d\n%s", e->exit_code, e->msg);
  if (n > (int)sizeof buf - 1)
    n = (int)sizeof buf - 1;
  if (write (report_fd, buf, (size_t)n) < 0)
    _exit (2);
  _exit (1);
}

struct running
{
  pid_t pid;
  int report_fd;
  size_t job;
};

static int
child_result (struct running *run, int status, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ struct skiff_error *re = NULL;
  size_t len = 0;
  if (skiff_fs_read_fd (run->report_fd, "layer report", &text, &len, &re) < 0)
    len = 0;
  close (run->report_fd);
  run->report_fd = -1;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  char *nl = len ? strchr (text, '\n') : NULL;
  if (nl)
    return skiff_error_make_status (err, atoi (text), 0, "%s", nl + 1);
  if (WIFSIGNALED (status))
    return skiff_error_make (err, 0, "layer download died of signal %d", WTERMSIG (status));
  return skiff_error_make (err, 0, "layer download failed (status %d)", WEXITSTATUS (status));
}

static int
start_child (struct skiff_store *store, struct skiff_registry_client *c, struct skiff_blob_job *job,
             struct running *run, struct skiff_error **err)
{
  job->parent_pid = getpid ();
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (p[0]);
      close (p[1]);
      return skiff_error_make (err, errno, "fork");
    }
  if (pid == 0)
    {
      close (p[0]);
      child_main (store, c, job, p[1]);
    }
  close (p[1]);
  run->pid = pid;
  run->report_fd = p[0];
  return 0;
}

static void
stop_all (struct running *runs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (runs[i].pid > 0)
      kill (runs[i].pid, SIGKILL);
}

/* The finished child pid: its slot freed, its result into *r / *err (the first failure stops
 * the others). */
static void
reap (struct running *runs, size_t n_runs, size_t *active, pid_t pid, int status, bool *finished,
      int *r, struct skiff_error **err)
{
  for (size_t i = 0; i < n_runs; i++)
    if (runs[i].pid == pid)
      {
        runs[i].pid = 0;
        (*active)--;
        struct skiff_error *ce = NULL;
        int cr = child_result (&runs[i], status, &ce);
        if (cr == 0)
          finished[runs[i].job] = true;
        if (cr < 0 && *r == 0)
          {
            *r = cr;
            *err = ce;
            stop_all (runs, n_runs); /* their temp dirs go with the reaper */
          }
        else
          skiff_error_free (ce);
      }
}

/* Waits for a child to end: blocking, or (when progress is drawn) a few times a second,
 * waking at once when a child's report pipe closes.  Returns the pid, 0 on a timeout. */
static pid_t
wait_child (struct running *runs, size_t n_runs, bool ticking, int *status)
{
  if (!ticking)
    return waitpid (-1, status, 0);
  pid_t pid = waitpid (-1, status, WNOHANG);
  if (pid != 0)
    return pid;
  struct pollfd fds[n_runs];
  nfds_t n = 0;
  for (size_t i = 0; i < n_runs; i++)
    if (runs[i].pid > 0)
      fds[n++] = (struct pollfd){ .fd = runs[i].report_fd, .events = POLLIN };
  if (poll (fds, n, 250) < 0 && errno != EINTR)
    return -1;
  pid = waitpid (-1, status, WNOHANG);
  return pid;
}

static void
tell_bytes (const struct skiff_registry_opts *opts, const struct skiff_blob_job *jobs, size_t n,
            const bool *started, const bool *finished, bool final)
{
  struct skiff_pull_blob_bytes v[n ? n : 1];
  for (size_t i = 0; i < n; i++)
    v[i] = (struct skiff_pull_blob_bytes){ .digest = jobs[i].blob->digest,
                                           .done = __atomic_load_n (jobs[i].done, __ATOMIC_RELAXED),
                                           .total = jobs[i].blob->size,
                                           .started = started[i],
                                           .finished = finished[i] };
  opts->bytes (v, n, final, opts->bytes_data);
}

int
skiff_blob_fetch_layers (struct skiff_store *store, struct skiff_registry_client *c,
                         struct skiff_blob_job *jobs, size_t n,
                         const struct skiff_registry_opts *opts, skiff_blob_started_fn started,
                         void *data, struct skiff_error **err)
{
  int max_parallel = opts->max_parallel > 0 ? opts->max_parallel : 3;
  _cleanup_free_ struct running *runs = xzalloc ((size_t)max_parallel * sizeof *runs);
  /* progress: each child counts its bytes into a page shared with us */
  bool ticking = opts->bytes != NULL && n > 0;
  int64_t *counters = NULL;
  size_t counters_len = (n ? n : 1) * sizeof *counters;
  if (ticking)
    {
      counters
          = mmap (NULL, counters_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
      if (counters == MAP_FAILED)
        return skiff_error_make (err, errno, "map the download counters");
      for (size_t i = 0; i < n; i++)
        jobs[i].done = &counters[i];
    }
  _cleanup_free_ bool *was_started = xzalloc ((n ? n : 1) * sizeof *was_started);
  _cleanup_free_ bool *finished = xzalloc ((n ? n : 1) * sizeof *finished);
  size_t next = 0, active = 0;
  int r = 0;
  while ((r == 0 && next < n) || active > 0)
    {
      for (size_t i = 0; r == 0 && next < n && i < (size_t)max_parallel; i++)
        if (runs[i].pid == 0)
          {
            if (started)
              started (&jobs[next], data);
            r = start_child (store, c, &jobs[next], &runs[i], err);
            was_started[next] = r == 0;
            runs[i].job = next++;
            active += r == 0;
          }
      if (active == 0)
        break;
      if (ticking)
        tell_bytes (opts, jobs, n, was_started, finished, false);
      int status;
      pid_t pid = wait_child (runs, (size_t)max_parallel, ticking, &status);
      if (pid == 0 || (pid < 0 && errno == EINTR))
        continue;
      if (pid < 0)
        {
          stop_all (runs, (size_t)max_parallel);
          r = r < 0 ? r : skiff_error_make (err, errno, "waitpid");
          break;
        }
      reap (runs, (size_t)max_parallel, &active, pid, status, finished, &r, err);
    }
  if (ticking)
    {
      if (r == 0)
        tell_bytes (opts, jobs, n, was_started, finished, true);
      for (size_t i = 0; i < n; i++)
        jobs[i].done = NULL;
      munmap (counters, counters_len);
    }
  return r;
}
