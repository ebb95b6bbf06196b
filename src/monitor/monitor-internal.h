#pragma once
/* Shared inside src/monitor/: the status report, the attach server. */

#include <stddef.h>
#include <sys/types.h>

struct skiff_error;
struct skiff_store;

/* One status message on the launch pipe: NULL = started, else the error. */
void skiff_monitor_report (int fd, const struct skiff_error *e);

#define SKIFF_ATTACH_MAX_CLIENTS 128

/* The listening attach socket and its clients. */
struct skiff_attach_server
{
  int listen_fd;
  char *path;
  int clients[SKIFF_ATTACH_MAX_CLIENTS];
  size_t nclients;
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
