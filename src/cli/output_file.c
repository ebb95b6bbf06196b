/* Where a command's stream goes (export -o): stdout, or a file written as docker's
 * CopyToFile does it: into a temp file next to PATH, renamed over it only when all was
 * written (a failed or interrupted export leaves PATH as it was); a device or FIFO is written
 * through.  The path is the user's own, opened with the user's rights. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

int
skiff_cli_output_open (const char *path, struct skiff_cli_output *o, struct skiff_error **err)
{
  *o = (struct skiff_cli_output){ .fd = STDOUT_FILENO };
  if (path == NULL || strcmp (path, "-") == 0)
    return 0;
  struct stat st;
  if (stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      if (S_ISDIR (st.st_mode))
        return skiff_error_make_status (err, 125, EISDIR, "open %s", path);
      o->fd = open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
      return o->fd < 0 ? skiff_error_make_status (err, 125, errno, "open %s", path) : 0;
    }
  _cleanup_free_ char *copy = xstrdup (path);
  o->path = xstrdup (path);
  o->tmp = xasprintf ("%s/.skiff_temp_XXXXXX", dirname (copy));
  o->fd = mkostemp (o->tmp, O_CLOEXEC);
  if (o->fd < 0)
    {
      int e = errno;
      skiff_cli_output_abort (o);
      return skiff_error_make_status (err, 125, e, "open %s", path);
    }
  /* os.Create's mode, less the umask, as docker's file would have */
  mode_t mask = umask (0);
  umask (mask);
  if (fchmod (o->fd, 0666 & ~mask) < 0)
    {
      int e = errno;
      skiff_cli_output_abort (o);
      return skiff_error_make_status (err, 125, e, "chmod %s", path);
    }
  return 0;
}

int
skiff_cli_output_commit (struct skiff_cli_output *o, struct skiff_error **err)
{
  int r = 0;
  if (o->tmp != NULL)
    {
      if (fsync (o->fd) < 0)
        r = skiff_error_make_status (err, 125, errno, "write %s", o->path);
      else if (rename (o->tmp, o->path) < 0)
        r = skiff_error_make_status (err, 125, errno, "rename %s to %s", o->tmp, o->path);
      else
        {
          free (o->tmp);
          o->tmp = NULL;
        }
    }
  skiff_cli_output_abort (o);
  return r;
}

void
skiff_cli_output_abort (struct skiff_cli_output *o)
{
  if (o->tmp != NULL)
    unlink (o->tmp);
  if (o->fd > STDERR_FILENO)
    close (o->fd);
  o->fd = -1;
  free (o->tmp);
  free (o->path);
  o->tmp = o->path = NULL;
}
