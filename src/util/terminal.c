/* Raw mode, window size and PTY pairs. */
#include "skiff/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "skiff/error.h"
#include "skiff/xalloc.h"

/* Static so that the restore path needs no allocation and is async-signal-safe. */
static struct termios saved_termios;
static volatile sig_atomic_t saved_fd = -1;

int
skiff_term_make_raw (int fd, struct skiff_error **err)
{
  if (saved_fd >= 0)
    return skiff_error_make (err, EBUSY, "make terminal raw: fd %d already raw", (int)saved_fd);
  struct termios t;
  if (tcgetattr (fd, &t) < 0)
    return skiff_error_make (err, errno, "tcgetattr fd %d", fd);
  saved_termios = t;
  cfmakeraw (&t);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  saved_fd = fd;
  if (tcsetattr (fd, TCSANOW, &t) < 0)
    {
      saved_fd = -1;
      return skiff_error_make (err, errno, "tcsetattr fd %d", fd);
    }
  return 0;
}

void
skiff_term_restore (void)
{
  int fd = saved_fd;
  if (fd < 0)
    return;
  int saved_errno = errno;
  tcsetattr (fd, TCSANOW, &saved_termios);
  saved_fd = -1;
  errno = saved_errno;
}

int
skiff_term_get_size (int fd, struct winsize *ws, struct skiff_error **err)
{
  if (ioctl (fd, TIOCGWINSZ, ws) < 0)
    return skiff_error_make (err, errno, "get window size of fd %d", fd);
  return 0;
}

int
skiff_term_set_size (int fd, const struct winsize *ws, struct skiff_error **err)
{
  if (ioctl (fd, TIOCSWINSZ, ws) < 0)
    return skiff_error_make (err, errno, "set window size of fd %d", fd);
  return 0;
}

int
skiff_pty_open (int *master, char **slave_path, struct skiff_error **err)
{
  int fd = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "posix_openpt");
  char name[64];
  if (grantpt (fd) < 0 || unlockpt (fd) < 0 || ptsname_r (fd, name, sizeof name) != 0)
    {
      int e = errno;
      close (fd);
      return skiff_error_make (err, e, "set up pty slave");
    }
  *master = fd;
  *slave_path = xstrdup (name);
  return 0;
}

int
skiff_pty_open_slave (const char *slave_path, int *fd, struct skiff_error **err)
{
  int s = open (slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return skiff_error_make (err, errno, "open %s", slave_path);
  *fd = s;
  return 0;
}
