/* skiff_engine_export and _copy_out: a container's merged rootfs (or one path of it) as a tar,
 * read through a read-only overlay view of its upper dir on its image's layers (running or
 * not; the container's own mounts are not touched).  A child does the mounting, in a mount
 * namespace of its own (rootless: inside the user namespace), so the view never appears in ours;
 * its error comes back on a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/sandbox.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define ERROR_MAX 1024

/* What a child does with the view: write some tar of it to out_fd. */
struct view_job
{
  const char *path; /* NULL: the whole tree (export); else cp's source */
  bool follow;
  const char *name; /* the container's, for messages */
  int out_fd;
};

/* The child: mount the view, write the tar; the error text (if any) into report. */
static int
view_child (char *const *layers, bool rootless, const struct view_job *job,
            struct skiff_error **err)
{
  if (unshare (CLONE_NEWNS) < 0)
    return skiff_error_make (err, errno, "unshare the mount namespace");
  _cleanup_close_ int view = skiff_sandbox_overlay_view (layers, rootless, err);
  if (view < 0)
    return view;
  if (job->path == NULL)
    return skiff_container_tree_tar (view, job->out_fd, err);
  return skiff_container_path_tar (view, job->path, job->follow, job->name, job->out_fd, err);
}

/* The child's error: its exit status is the error's (1 for cp's "Could not find"), its text
 * came on the pipe. */
static int
child_error (int report, int status, struct skiff_error **err)
{
  char msg[ERROR_MAX + 1];
  ssize_t n = read (report, msg, ERROR_MAX);
  if (n > 0)
    {
      msg[n] = '\0';
      int code = WIFEXITED (status) ? WEXITSTATUS (status) : 125;
      return skiff_error_make_status (err, code == 1 ? 1 : 125, 0, "%s", msg);
    }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  return skiff_error_make (err, 0, "the archive writer ended with status %d", status);
}

int
skiff_engine_view_job_start (struct skiff_store *store, const struct skiff_container *c,
                             const char *path, bool follow, int out_fd, pid_t *pid, int *report_fd,
                             struct skiff_error **err)
{
  struct view_job job
      = { .path = path, .follow = follow, .name = c->config.name, .out_fd = out_fd };
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_image_load (store, c->config.image_id, &img, err);
  if (r < 0)
    return r;
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  _cleanup_strv_ char **layers = NULL;
  skiff_strv_push_owned (&layers, skiff_path_join (c->dir, "upper"));
  for (size_t i = 0; lower && lower[i]; i++)
    skiff_strv_push (&layers, lower[i]);
  int report[2];
  if (pipe2 (report, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  *pid = fork ();
  if (*pid < 0)
    {
      close (report[0]);
      close (report[1]);
      return skiff_error_make (err, errno, "fork");
    }
  if (*pid == 0)
    {
      struct skiff_error *e = NULL;
      close (report[0]);
      if (view_child (layers, store->rootless, &job, &e) < 0)
        {
          if (write (report[1], e->msg, strnlen (e->msg, ERROR_MAX)) < 0)
            _exit (2);
          _exit (e->exit_code == 1 ? 1 : 2);
        }
      _exit (0);
    }
  close (report[1]);
  *report_fd = report[0];
  return 0;
}

int
skiff_engine_view_job_finish (pid_t pid, int report_fd, struct skiff_error **err)
{
  int status = 0, r = 0;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        r = skiff_error_make (err, errno, "wait for the archive writer");
        break;
      }
  if (r == 0)
    r = child_error (report_fd, status, err);
  close (report_fd);
  return r;
}

int
skiff_engine_copy_out (struct skiff_store *store, const struct skiff_container *c, const char *path,
                       bool follow, int out_fd, struct skiff_error **err)
{
  pid_t pid;
  int report;
  int r = skiff_engine_view_job_start (store, c, path, follow, out_fd, &pid, &report, err);
  return r < 0 ? r : skiff_engine_view_job_finish (pid, report, err);
}

int
skiff_engine_export (struct skiff_store *store, const struct skiff_container *c, int out_fd,
                     struct skiff_error **err)
{
  return skiff_engine_copy_out (store, c, NULL, false, out_fd, err);
}
