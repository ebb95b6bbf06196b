#pragma once
/* Shared inside src/monitor/: the status report, the attach server. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "skiff/engine.h"

struct skiff_error;
struct skiff_store;

/* One status message on the launch pipe: NULL = started, else the error. */
void skiff_monitor_report (int fd, const struct skiff_error *e, pid_t pid);

#define SKIFF_ATTACH_MAX_CLIENTS 128

/* The listening attach socket and its clients. */
struct skiff_attach_server
{
  int listen_fd;
  char *path;
  int clients[SKIFF_ATTACH_MAX_CLIENTS];
  size_t nclients;
  int quiet_fd;   /* the client that started the container, or -1 */
  unsigned quiet; /* bit 0 stdout, bit 1 stderr: not sent to quiet_fd */
};

/* Binds <runroot>/containers/<id>/attach.sock (mode 0600), listening, non-blocking. */
int skiff_attach_server_open (struct skiff_attach_server *s, struct skiff_store *store,
                              const char *id, struct skiff_error **err);
/* Adds a connected client (fd taken over; closed when the table is full). */
void skiff_attach_server_add (struct skiff_attach_server *s, int fd);
/* Accepts every pending client. */
void skiff_attach_server_accept (struct skiff_attach_server *s);
/* Sends one message to every client; clients that cannot take it are dropped. */
void skiff_attach_server_broadcast (struct skiff_attach_server *s, int type, const void *buf,
                                    size_t len);
/* Drops client i (closes it; the array is compacted). */
void skiff_attach_server_drop (struct skiff_attach_server *s, size_t i);
/* Closes every client and the socket, and unlinks it. */
void skiff_attach_server_close (struct skiff_attach_server *s);

/* Drops the pages of libraries the monitor never calls (trim.c). */
void skiff_monitor_trim_memory (void);

/* Closes every fd from `from` up but those in keep[] (-1 entries are ignored). */
void skiff_monitor_close_fds_except (unsigned from, const int *keep, size_t n);

/* direct_sink.c: a foreground client's stdout/stderr written by the monitor. */
struct skiff_direct_sink
{
  int fd;    /* -1: none (or the reader went away) */
  bool sock; /* send with MSG_DONTWAIT (a socket's flags are shared: never set O_NONBLOCK) */
  char *buf; /* what it has not taken yet; the stream is not read while this is pending */
  size_t len;
};
/* Takes fd over (a pipe is reopened non-blocking and fd closed). */
void skiff_direct_sink_open (struct skiff_direct_sink *d, int fd);
void skiff_direct_sink_close (struct skiff_direct_sink *d);
/* Queues and writes what it takes; false when the reader is gone (the sink is closed then). */
bool skiff_direct_sink_write (struct skiff_direct_sink *d, const char *buf, size_t len);
/* On POLLOUT: writes what is pending; false as above. */
bool skiff_direct_sink_flush (struct skiff_direct_sink *d);

/* health.c: the container's health checks, run by the monitor in its own loop: one probe at
 * a time, the first an interval after the start, the next an interval after the last ended
 * (docker's schedule); podman's --health-on-failure action once it turns unhealthy. */
struct skiff_container;
struct pollfd;
struct skiff_monitor_health
{
  bool enabled;
  struct skiff_health_probe probe;
  struct timespec next;    /* CLOCK_MONOTONIC: the next probe starts */
  struct timespec kill_at; /* stop/restart action: SIGKILL then (tv_sec 0: not pending) */
  pid_t kill_pid;
  enum skiff_health_status status; /* after the last probe */
};
#define SKIFF_MONITOR_HEALTH_POLLS 2
/* After a spawn of PID 1: a fresh "starting" state, the first probe scheduled. */
void skiff_monitor_health_begin (struct skiff_monitor_health *h, struct skiff_container *c);
/* The probe's output pipe and pidfd (-1 when none runs), for the loop's poll. */
void skiff_monitor_health_polls (const struct skiff_monitor_health *h, struct pollfd *p);
/* Milliseconds until something is due (-1: nothing scheduled). */
int skiff_monitor_health_timeout (const struct skiff_monitor_health *h);
/* After every wake-up: reads output, reaps and records a finished probe, starts a due one,
 * enforces timeouts; takes the on-failure action against pid (PID 1) when the status turned
 * unhealthy.  Returns true when that action is a restart (the caller respawns). */
bool skiff_monitor_health_step (struct skiff_monitor_health *h, struct skiff_store *store,
                                struct skiff_container *c, pid_t pid);
/* PID 1 ended: a running probe is killed and reaped; nothing more is scheduled. */
void skiff_monitor_health_end (struct skiff_monitor_health *h);
