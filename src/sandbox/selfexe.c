/* skiff_selfexe_sealed: re-execution from a sealed memfd copy of the binary (see selfexe.h).
 * Only `exec` uses it: the first process of `run` is alone in its new PID namespace until it
 * execs the container's command, and `run` must not pay for the copy. */
#include "skiff/selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable even under vm.memfd_noexec=1 */
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* A memfd that kernels before 6.3 (no MFD_EXEC: EINVAL) create executable anyway. */
static int
create_memfd (struct skiff_error **err)
{
  int fd = memfd_create ("skiff", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL)
    fd = memfd_create ("skiff", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return skiff_error_make (err, errno,
                             errno == EACCES ? "create an executable memfd (vm.memfd_noexec=2 "
                                               "forbids it) for a sealed copy of skiff"
                                             : "create a memfd for a sealed copy of skiff");
  return fd;
}

/* The sealed copy of the binary open at exe_fd. */
static int
sealed_copy (int exe_fd, struct skiff_error **err)
{
  struct stat st;
  if (fstat (exe_fd, &st) < 0)
    return skiff_error_make (err, errno, "stat /proc/self/exe");
  _cleanup_close_ int fd = create_memfd (err);
  if (fd < 0)
    return fd;
  off_t off = 0;
  while (off < st.st_size)
    {
      ssize_t n = sendfile (fd, exe_fd, &off, (size_t)(st.st_size - off));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return skiff_error_make (err, n < 0 ? errno : EIO, "copy /proc/self/exe into a memfd");
    }
  if (fcntl (fd, F_ADD_SEALS, SEALS) < 0)
    return skiff_error_make (err, errno, "seal the memfd copy of skiff");
  return steal_fd (&fd);
}

/* Our argv again, from the NUL-separated /proc/self/cmdline; *buf holds the strings. */
static int
read_argv (char **buf, char ***out, struct skiff_error **err)
{
  size_t len = 0;
  int r = skiff_fs_read_file ("/proc/self/cmdline", buf, &len, err);
  if (r < 0)
    return r;
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += (*buf)[i] == '\0';
  if (n == 0)
    return skiff_error_make (err, EIO, "read /proc/self/cmdline: no arguments");
  char **argv = xmalloc ((n + 1) * sizeof *argv);
  size_t k = 0;
  for (size_t i = 0; i < len && k < n; i += strlen (*buf + i) + 1)
    argv[k++] = *buf + i;
  argv[k] = NULL;
  *out = argv;
  return 0;
}

int
skiff_selfexe_sealed (struct skiff_error **err)
{
  _cleanup_close_ int exe_fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe_fd < 0)
    return skiff_error_make (err, errno, "open /proc/self/exe");
  int seals = fcntl (exe_fd, F_GET_SEALS); /* EINVAL: not a memfd */
  if (seals >= 0 && (seals & SEALS) == SEALS)
    return 0;
  _cleanup_close_ int copy = sealed_copy (exe_fd, err);
  if (copy < 0)
    return copy;
  _cleanup_free_ char *buf = NULL;
  _cleanup_free_ char **argv = NULL;
  int r = read_argv (&buf, &argv, err);
  if (r < 0)
    return r;
  fexecve (copy, argv, environ);
  return skiff_error_make (err, errno, "execute the sealed copy of skiff");
}
