/* --cidfile, docker's way: refuse an existing file before anything is created. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"

int
skiff_container_cidfile_open (const char *path, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd >= 0)
    return 0;
  if (errno == EEXIST)
    return skiff_error_make_status (err, 125, 0,
                                    "container ID file found, make sure the other container isn't "
                                    "running or delete %s",
                                    path);
  /* 125 explicitly: main() would take ENOENT for a missing command (127); an engine failure
   * is 125 whatever its errno */
  return skiff_error_make_status (err, 125, errno,
                                  "failed to create the container ID file: open %s", path);
}

int
skiff_container_cidfile_write (const char *path, const char *id, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  size_t len = strlen (id);
  if (write (fd, id, len) != (ssize_t)len)
    return skiff_error_make (err, errno ? errno : EIO, "write %s", path);
  return 0;
}

void
skiff_container_cidfile_abort (const char *path)
{
  (void)unlink (path);
}
