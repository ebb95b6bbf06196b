/* skiff_engine_copy_in: `cp SRC|- CONTAINER:DEST`.  The host side is the user's own: SRC is
 * archived as cp out archives a container path (export.c, under its base name, "SRC/." as its
 * contents, numeric owners, no NSS lookups), or "-" is the user's tar on stdin.  The container
 * side is hostile: a forked child chroots into the container's root before it resolves DEST
 * or writes anything, so every path, ".." and symlink (`/x -> /etc`) stays inside it.  A
 * running container's root is /proc/<pid>/root (its mounts, volumes and binds included; a
 * rootless caller has joined its user namespace); a stopped one's is a writable overlay of its
 * upper dir on its image's layers, mounted detached in a mount namespace of the child's own
 * while the container lock keeps it from starting.  Its volumes and binds are not mounted then:
 * a DEST in one goes into that mount's host directory (a bind's source, a volume's _data),
 * the child chrooted there so that the mount's own symlinks stay inside it; one with nothing
 * to write to (tmpfs, :O) is refused, as is :ro; a fresh volume written so takes no copy-up.
 * Without -a every entry becomes root's. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/mount.h"
#include "skiff/sandbox.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define ERROR_MAX 1024

struct copy_in
{
  struct skiff_store *store;
  const struct skiff_container *c;
  const char *dest;
  struct skiff_copy_extract how;
  char **lower;    /* a stopped container's image layers, top first */
  int input_fd;    /* SRC "-": the tar stream (the caller's stdin) */
  char *mount_dir; /* a stopped container's DEST in one of its mounts: that mount's host dir */
};

/* The child: into the container's root, then extract. */
static int
enter_root (const struct copy_in *ci, struct skiff_error **err)
{
  _cleanup_close_ int root = -1;
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return skiff_error_make (err, errno, "make the copying process non-dumpable");
  if (ci->mount_dir != NULL)
    {
      /* the mount's source as the container would see it: chrooted, its symlinks stay in it */
      if ((root = open (ci->mount_dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return skiff_error_make (err, errno, "open %s", ci->mount_dir);
    }
  else if (ci->c->state.status == SKIFF_CONTAINER_RUNNING)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/root", (int)skiff_container_join_pid (ci->c));
      if ((root = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return skiff_error_make (err, errno, "open the root of container %s", ci->c->config.name);
    }
  else
    {
      _cleanup_free_ char *upper = skiff_path_join (ci->c->dir, "upper");
      _cleanup_free_ char *work = skiff_path_join (ci->c->dir, "work");
      if (unshare (CLONE_NEWNS) < 0)
        return skiff_error_make (err, errno, "unshare the mount namespace");
      root = skiff_sandbox_overlay_writable (upper, work, ci->lower, ci->store->rootless, err);
      if (root < 0)
        return root;
    }
  if (fchdir (root) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    return skiff_error_make (err, errno, "enter the root of container %s", ci->c->config.name);
  return 0;
}

static void __attribute__ ((noreturn)) child_main (const struct copy_in *ci, int in_fd, int report)
{
  struct skiff_error *e = NULL;
  if (enter_root (ci, &e) == 0 && skiff_engine_copy_extract (in_fd, ci->dest, &ci->how, &e) == 0)
    _exit (0);
  if (write (report, e->msg, strnlen (e->msg, ERROR_MAX)) < 0)
    _exit (2);
  _exit (e->exit_code == 1 ? 1 : 2);
}

static int
child_start (const struct copy_in *ci, int in_fd, pid_t *pid, int *report_fd,
             struct skiff_error **err)
{
  int report[2];
  if (pipe2 (report, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  if ((*pid = fork ()) < 0)
    {
      close (report[0]);
      close (report[1]);
      return skiff_error_make (err, errno, "fork");
    }
  if (*pid == 0)
    {
      close (report[0]);
      child_main (ci, in_fd, report[1]);
    }
  close (report[1]);
  *report_fd = report[0];
  return 0;
}

/* The host side's archive, written on a thread while the child reads it. */
struct producer
{
  const char *src;
  bool follow;
  int fd;
  int r;
  struct skiff_error *err;
};

static void *
producer_main (void *data)
{
  struct producer *p = data;
  sigset_t pipe_sig; /* a reader that failed: EPIPE here instead of a SIGPIPE */
  sigemptyset (&pipe_sig);
  sigaddset (&pipe_sig, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_sig, NULL);
  _cleanup_close_ int host_root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (host_root < 0)
    p->r = skiff_error_make (&p->err, errno, "open /");
  else
    p->r = skiff_container_path_tar (host_root, p->src, p->follow, "host", p->fd, &p->err);
  close (p->fd);
  return NULL;
}

/* SRC as an absolute host path (path_tar resolves it from "/"); docker's lstat error. */
static int
host_source (const char *src, bool follow, char **out, struct skiff_error **err)
{
  struct stat st;
  if ((follow ? stat (src, &st) : lstat (src, &st)) < 0)
    return skiff_error_make_status (err, 1, errno, "%s %s", follow ? "stat" : "lstat", src);
  if (src[0] == '/')
    {
      *out = xstrdup (src);
      return 0;
    }
  _cleanup_free_ char *cwd = getcwd (NULL, 0);
  if (cwd == NULL)
    return skiff_error_make (err, errno, "getcwd");
  *out = skiff_path_join (cwd, src);
  return 0;
}

static int
copy_through (const struct copy_in *ci, const char *src, bool follow, struct skiff_error **err)
{
  if (src == NULL) /* "-": the child reads the caller's stream */
    {
      pid_t pid;
      int report;
      int r = child_start (ci, ci->input_fd, &pid, &report, err);
      return r < 0 ? r : skiff_engine_view_job_finish (pid, report, err);
    }
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  pid_t pid;
  int report;
  int r = child_start (ci, fds[0], &pid, &report, err);
  close (fds[0]);
  if (r < 0)
    {
      close (fds[1]);
      return r;
    }
  struct producer p = { .src = src, .follow = follow, .fd = fds[1] };
  pthread_t t;
  int e = pthread_create (&t, NULL, producer_main, &p);
  if (e != 0)
    {
      close (fds[1]); /* the child sees an empty stream and fails */
      p.r = skiff_error_make (&p.err, e, "start the archive writer");
    }
  else
    pthread_join (t, NULL);
  r = skiff_engine_view_job_finish (pid, report, err); /* the container side's error first */
  if (r == 0 && p.r < 0)
    {
      *err = steal_ptr (&p.err);
      r = p.r;
    }
  skiff_error_free (p.err);
  return r;
}

/* "/a/./b/../c/" -> "/a/c" (relative to the root, ".." stops there). */
static char *
lexical_clean (const char *path)
{
  char *out = xzalloc (strlen (path) + 2);
  size_t len = 0;
  for (const char *p = path; *p;)
    {
      size_t n = strcspn (p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.')
        while (len > 0 && out[--len] != '/')
          ;
      else if (n > 0 && !(n == 1 && p[0] == '.'))
        {
          out[len++] = '/';
          memcpy (out + len, p, n);
          len += n;
        }
      out[len] = '\0';
      p += n + (p[n] == '/');
    }
  if (len == 0)
    strcpy (out, "/");
  return out;
}

/* A stopped container's mounts are not there to receive a copy: DEST (lexically) on or under
 * one is refused rather than written, unseen, beneath its mount point. */
/* A stopped container's mounts are not mounted: a DEST in one (the deepest that holds it) is
 * written into the mount's host directory, *rest the path below its mount point (docker's
 * trailing '/' kept).  No mount holds DEST: *mount_dir stays NULL. */
static int
find_mount_dir (struct skiff_store *store, const struct skiff_container *c, const char *dest,
                char **mount_dir, char **rest, struct skiff_error **err)
{
  _cleanup_free_ char *clean = lexical_clean (dest);
  const struct skiff_mounts_config *mc = &c->config.mounts;
  const struct skiff_mount *best = NULL;
  size_t best_len = 0;
  for (size_t i = 0; i < mc->n; i++)
    {
      const char *d = mc->v[i].destination;
      size_t n = strlen (d);
      if (strncmp (clean, d, n) == 0 && (clean[n] == '\0' || clean[n] == '/' || n == 1)
          && (best == NULL || n > best_len))
        best = &mc->v[i], best_len = n;
    }
  if (best == NULL)
    return 0;
  int r = skiff_container_mount_host_dir (store, best, c->config.name, mount_dir, err);
  if (r < 0)
    return r;
  const char *below = best_len == 1 ? clean : clean + best_len;
  size_t dl = strlen (dest);
  bool slash = dl > 0 && dest[dl - 1] == '/' && *below != '\0';
  *rest = xasprintf ("%s%s", *below ? below : "/", slash ? "/" : "");
  return 0;
}

/* A file bind-mounted at DEST is replaced no more than when it is mounted (copy_out.c's
 * refuse_mount_root: docker's EBUSY); nothing is below it. */
static int
check_file_mount (const char *mount_dir, const char *dest, const char *rest,
                  struct skiff_error **err)
{
  struct stat st;
  if (stat (mount_dir, &st) < 0)
    return skiff_error_make (err, errno, "stat %s", mount_dir);
  if (S_ISDIR (st.st_mode))
    return 0;
  if (strcmp (rest, "/") == 0)
    return skiff_error_make_status (err, 1, EBUSY, "unlinkat %s", dest);
  return skiff_error_make_status (err, 1, ENOTDIR, "copy to %s", dest);
}

int
skiff_engine_copy_in (struct skiff_store *store, struct skiff_container *c, const char *src,
                      int input_fd, const char *dest, bool follow, bool archive_mode,
                      struct skiff_error **err)
{
  _cleanup_free_ char *host = NULL;
  bool stream = strcmp (src, "-") == 0;
  int r = stream ? 0 : host_source (src, follow, &host, err);
  if (r < 0)
    return r;
  struct copy_in ci = {
    .store = store, .c = c, .dest = dest, .how = { stream, archive_mode }, .input_fd = input_fd
  };
  if (c->state.status == SKIFF_CONTAINER_RUNNING)
    return copy_through (&ci, host, follow, err);
  _cleanup_free_ char *mount_dir = NULL, *rest = NULL;
  if ((r = find_mount_dir (store, c, dest, &mount_dir, &rest, err)) < 0)
    return r;
  /* stopped: its upper dir is ours while the lock keeps a start out */
  _cleanup_close_ int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  if ((r = skiff_container_state_reload (c, err)) < 0)
    return r;
  if (c->state.status == SKIFF_CONTAINER_RUNNING)
    return skiff_error_make (err, EBUSY, "container %s started during the copy", c->config.name);
  if (mount_dir != NULL && (r = check_file_mount (mount_dir, dest, rest, err)) < 0)
    return r;
  if (mount_dir != NULL)
    {
      ci.mount_dir = mount_dir;
      ci.dest = rest;
      return copy_through (&ci, host, follow, err);
    }
  _cleanup_image_ struct skiff_image *img = NULL;
  if ((r = skiff_image_load (store, c->config.image_id, &img, err)) < 0)
    return r;
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  ci.lower = lower;
  return copy_through (&ci, host, follow, err);
}
