#pragma once
/* Rootless bridge networks: one network namespace per runroot, where the bridges, the
 * containers' veths and the isolation rules live, pinned by a small holder process that
 * exits once no command or monitor needs it.  A rootless command that may touch it joins the
 * holder's user namespace instead of entering one of its own (the namespace's owner must be
 * the one its containers are in), and runs the bridge work in a thread that enters the
 * holder's network namespace; the process itself stays in the host's, where published
 * ports listen.  As root every call here is a no-op or runs its function directly. */

#include <stdbool.h>

struct skiff_error;
struct skiff_store;

/* Before any user namespace is entered (rootless; 0 and nothing otherwise): holds the
 * holder's lock (shared) for the process's life, and joins the running holder's user
 * namespace; with none running, create starts one (in a fresh user namespace this process
 * enters too), and without it nothing happens (the caller enters a namespace of its own). */
int skiff_netholder_enter (struct skiff_store *store, bool create, struct skiff_error **err);

/* Whether this process is in the running holder's user namespace. */
bool skiff_netholder_joined (void);

/* The lock fd a monitor keeps while its container is on a bridge (-1: none). */
int skiff_netholder_lock_fd (void);
void skiff_netholder_set_lock_fd (int fd);

/* Runs fn in the holder's network namespace (a thread of ours that enters it), or directly
 * as root; rootless without a joined holder: a 125 error. */
int skiff_netholder_call (int (*fn) (void *arg, struct skiff_error **err), void *arg,
                          struct skiff_error **err);

/* The holder's network namespace, opened, for a child to enter for good (the port forwarder):
 * *fd -1 as root or without a joined holder; an error when the joined holder is gone. */
int skiff_netholder_open_netns (int *fd, struct skiff_error **err);
