/* skiff_engine_export: a container's merged rootfs as a tar, read through a read-only overlay
 * view of its upper dir on its image's layers (running or not; the container's own mounts are
 * not touched).  A child does the mounting, in a mount namespace of its own (rootless: inside
 * the user namespace), so the view never appears in ours; its error comes back on a pipe. */
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

/* The child: mount the view, write the tar; the error text (if any) into report. */
static int
export_child (char *const *layers, bool rootless, int out_fd, struct skiff_error **err)
{
  if (unshare (CLONE_NEWNS) < 0)
    return skiff_error_make (err, errno, "export: unshare the mount namespace");
  _cleanup_close_ int view = skiff_sandbox_overlay_view (layers, rootless, err);
  if (view < 0)
    return view;
  return skiff_container_tree_tar (view, out_fd, err);
}

static int
child_error (int report, int status, struct skiff_error **err)
{
  char msg[ERROR_MAX + 1];
  ssize_t n = read (report, msg, ERROR_MAX);
  if (n > 0)
    {
      msg[n] = '\0';
      return skiff_error_make (err, 0, "%s", msg);
    }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  return skiff_error_make (err, 0, "export: the writer ended with status %d", status);
}

int
skiff_engine_export (struct skiff_store *store, const struct skiff_container *c, int out_fd,
                     struct skiff_error **err)
{
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
    return skiff_error_make (err, errno, "export: pipe");
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (report[0]);
      close (report[1]);
      return skiff_error_make (err, errno, "export: fork");
    }
  if (pid == 0)
    {
      struct skiff_error *e = NULL;
      close (report[0]);
      if (export_child (layers, store->rootless, out_fd, &e) < 0)
        {
          if (write (report[1], e->msg, strnlen (e->msg, ERROR_MAX)) < 0)
            _exit (2);
          _exit (1);
        }
      _exit (0);
    }
  close (report[1]);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        r = skiff_error_make (err, errno, "export: wait for the writer");
        break;
      }
  if (r == 0)
    r = child_error (report[0], status, err);
  close (report[0]);
  return r;
}
