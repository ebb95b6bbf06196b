/* `-t`: the container's terminal is a pty of its own devpts instance (so `tty` names a path
 * that exists inside), opened by the child, which keeps the slave as its controlling terminal
 * and stdio and hands the master to the parent with SCM_RIGHTS. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"

static int
send_fd (int sock, int fd, struct skiff_error **err)
{
  char byte = SKIFF_SANDBOX_MSG_TERMINAL;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  if (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    return skiff_error_make (err, errno, "send the terminal to the parent");
  return 0;
}

/* Binds the slave on /dev/console, as runtimes do for a terminal. */
static int
bind_console (const char *slave, struct skiff_error **err)
{
  int fd = open ("/dev/console", O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return skiff_error_make (err, errno, "create /dev/console");
  close (fd);
  if (mount (slave, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return skiff_error_make (err, errno, "bind %s on /dev/console", slave);
  return 0;
}

int
skiff_sandbox_setup_terminal (int sock, uid_t owner, bool console, struct skiff_error **err)
{
  _cleanup_close_ int master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return skiff_error_make (err, errno, "open /dev/ptmx");
  char slave_path[64];
  if (unlockpt (master) < 0 || ptsname_r (master, slave_path, sizeof slave_path) != 0)
    return skiff_error_make (err, errno, "unlock the terminal");
  _cleanup_close_ int slave = open (slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return skiff_error_make (err, errno, "open %s", slave_path);
  /* the process may not be root: the terminal must be its own (group tty stays) */
  if (fchown (slave, owner, (gid_t)-1) < 0)
    return skiff_error_make (err, errno, "chown %s", slave_path);
  int r = console ? bind_console (slave_path, err) : 0;
  if (r < 0 || (r = send_fd (sock, master, err)) < 0)
    return r;
  if (setsid () < 0 || ioctl (slave, TIOCSCTTY, 0) < 0)
    return skiff_error_make (err, errno, "make %s the controlling terminal", slave_path);
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      return skiff_error_make (err, errno, "dup2 %s", slave_path);
  return 0;
}
