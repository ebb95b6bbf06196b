#pragma once
/* The per-container monitor of a detached container (run -d, start): a double-forked, setsid'd
 * copy of the CLI that outlives it, is the parent of the container's PID 1, relays its output
 * to <ctr>/ctr.log and to attached clients (<runroot>/containers/<id>/attach.sock, protocol in
 * ATTACH.md), records the exit, runs --rm cleanup and exits.  For its whole life it holds an
 * exclusive flock on <ctr>/monitor.lock: `wait` blocks on a shared lock of it, and a lock that
 * is free while the state says running means the monitor died.
 *
 * Also the CLI side of the lifecycle that needs no monitor: signalling, waiting, stopping. */

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct skiff_error;
struct skiff_store;
struct skiff_container;

/* Attach protocol (ATTACH.md): one type byte + payload of at most 32 KiB per message. */
enum skiff_attach_msg
{
  SKIFF_ATTACH_STDIN = 0x00,
  SKIFF_ATTACH_STDOUT = 0x01,
  SKIFF_ATTACH_STDERR = 0x02,
  SKIFF_ATTACH_RESIZE = 0x03,
  SKIFF_ATTACH_STDIN_EOF = 0x04,
  SKIFF_ATTACH_EXIT = 0x05,
};
#define SKIFF_ATTACH_MAX_PAYLOAD (32 * 1024)

/* <runroot>/containers/<id>/attach.sock (caller frees).  The path may exceed sun_path: connect
 * through skiff_monitor_attach_connect. */
char *skiff_monitor_attach_path (struct skiff_store *store, const char *id);
/* Connects a SOCK_SEQPACKET client to a container's attach socket (any path length).  Returns
 * the fd (close-on-exec) or a negative errno with *err set. */
int skiff_monitor_attach_connect (struct skiff_store *store, const char *id,
                                  struct skiff_error **err);

/* Starts a created (or exited) container under a new monitor and returns once PID 1 runs: the
 * monitor reports "started" or the spawn error (exit codes 125/126/127 as a foreground run).
 * lowerdirs: the image's layer dirs, top first.  Must be called with the store open (rootless:
 * inside the user namespace, where the monitor then lives). */
int skiff_monitor_launch (struct skiff_store *store, struct skiff_container *c,
                          char *const *lowerdirs, struct skiff_error **err);

/* How a client that starts the container is attached from the first instruction (run in the
 * foreground, run -it, start -a): */
struct skiff_monitor_attach
{
  int attach_fd;             /* one end of a SOCK_SEQPACKET socketpair, made an attach client
                              * before PID 1 starts (the caller closes its copy afterwards) */
  unsigned short rows, cols; /* -t: the terminal's initial size (0: none; docker's ConsoleSize) */
  int stdin_fd;              /* not -t: PID 1's stdin as it is (the caller's file or pipe,
                              * never a terminal), -1: a pipe fed by STDIN messages */
  int out_fd[2];             /* the caller's stdout/stderr (not terminals): what PID 1 writes is
                              * logged and written there by the monitor (with the passthrough
                              * log driver PID 1 gets them as they are); -1: none */
  unsigned quiet;            /* bit 0 stdout, bit 1 stderr: not sent to attach_fd as messages */
  unsigned preserve_fds;     /* the caller's fds 3 .. 3+N-1 passed on to PID 1 */
};
#define SKIFF_MONITOR_ATTACH_INIT                                                                  \
  {                                                                                                \
    .attach_fd = -1, .stdin_fd = -1, .out_fd = { -1, -1 }                                          \
  }

/* Like skiff_monitor_launch, with a client attached as *a says.  The monitor is then our child
 * (one fork, no wait): the foreground client needs no double fork, and outlives nothing. */
int skiff_monitor_launch_attached (struct skiff_store *store, struct skiff_container *c,
                                   char *const *lowerdirs, const struct skiff_monitor_attach *a,
                                   struct skiff_error **err);

/* The monitor-mode entry used by skiff_monitor_launch's child (internal, exported for tests). */
struct skiff_monitor_params
{
  struct skiff_store *store;
  struct skiff_container *c;
  char *const *lowerdirs;
  int status_fd;                 /* written once: started or the error, then closed */
  struct skiff_monitor_attach a; /* attach_fd -1: none */
};
/* Never returns: the monitor's exit status is 0 (or 125 when it could not start). */
void skiff_monitor_main (struct skiff_monitor_params *p) __attribute__ ((noreturn));
