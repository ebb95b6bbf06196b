#pragma once
/* Terminal helpers for attach, run -it and exec -it: raw mode, window size, PTY pairs and the
 * relay loop between the user's terminal and a container's PTY master. */

#include <signal.h>
#include <sys/ioctl.h>

struct skiff_error;
struct skiff_detach_keys;

/* Puts the terminal fd in raw mode (cfmakeraw) and remembers its previous state in a static
 * slot, for skiff_term_restore.  One terminal at a time; a second call fails with EBUSY. */
int skiff_term_make_raw (int fd, struct skiff_error **err);

/* Restores the state saved by skiff_term_make_raw.  Idempotent, and async-signal-safe (only
 * tcsetattr on static data), so it may run from atexit or a signal handler. */
void skiff_term_restore (void);

int skiff_term_get_size (int fd, struct winsize *ws, struct skiff_error **err);
int skiff_term_set_size (int fd, const struct winsize *ws, struct skiff_error **err);

/* Opens a new PTY pair: *master (O_CLOEXEC|O_NOCTTY) and the slave's path ("/dev/pts/N"),
 * granted and unlocked.  The slave becomes the container's /dev/console and fds 0-2. */
int skiff_pty_open (int *master, char **slave_path, struct skiff_error **err);

/* Opens the slave side (O_RDWR|O_NOCTTY|O_CLOEXEC); the container makes it its controlling
 * terminal with setsid + ioctl(TIOCSCTTY). */
int skiff_pty_open_slave (const char *slave_path, int *fd, struct skiff_error **err);

enum skiff_relay_end
{
  SKIFF_RELAY_EOF,      /* the master reported EOF/EIO: every slave fd closed (container exited) */
  SKIFF_RELAY_DETACHED, /* the detach keys were typed */
};

struct skiff_relay
{
  int in_fd;  /* user input copied to master_fd; -1 for none */
  int out_fd; /* master output copied here */
  int master_fd;
  int winsize_fd; /* terminal whose size is copied to master_fd at start and on SIGWINCH;
                     -1 for none */
  struct skiff_detach_keys *keys; /* NULL or empty: no detaching */
};

/* Copies in_fd -> master_fd and master_fd -> out_fd with poll until the master ends or the
 * user detaches; EOF on in_fd only stops reading it.  SIGWINCH is blocked and read through a
 * signalfd while the loop runs (the previous mask is restored).  Callers ignore SIGPIPE so that a
 * closed out_fd is an error return, not a kill.  Returns 0 with *why set, or a negative errno. */
int skiff_term_relay (const struct skiff_relay *relay, enum skiff_relay_end *why,
                      struct skiff_error **err);

/* For relay loops that follow the window size: blocks SIGWINCH and opens a non-blocking
 * signalfd for it in *sfd; skiff_term_winch_end closes it and restores the mask saved in *old.
 * skiff_term_winch_drain reads what is pending (poll said readable: the size changed). */
int skiff_term_winch_begin (sigset_t *old, int *sfd, struct skiff_error **err);
void skiff_term_winch_drain (int sfd);
void skiff_term_winch_end (const sigset_t *old, int sfd);
