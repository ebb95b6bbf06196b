#pragma once
/* Rootless mode: an unprivileged CLI moves itself into a user namespace where it is root,
 * mapped with newuidmap/newgidmap from /etc/subuid and /etc/subgid (a single-ID mapping, with a
 * warning, when the user has no range).  Every later step (store, overlay, sandbox) then runs
 * as "root" in that namespace, so layer files keep their real container UIDs on disk. */

#include <stdbool.h>
#include <sys/types.h>

struct skiff_error;

/* Records the host identity, and when not root enters a fresh user namespace (and a mount
 * namespace owned by it).  Idempotent.  Root: does nothing. */
int skiff_userns_enter (struct skiff_error **err);

/* True once this process entered or joined a user namespace (rootless). */
bool skiff_userns_entered (void);
/* True when the CLI was started by an unprivileged user (whether or not entered yet). */
bool skiff_userns_is_rootless (void);
/* The uid/gid the CLI was started with on the host. */
uid_t skiff_userns_host_uid (void);
gid_t skiff_userns_host_gid (void);
/* Number of uids mapped (65537 with a typical range + self, 1 with a single mapping; all
 * 4294967295 for root). */
unsigned long skiff_userns_mapped_ids (void);
/* Likewise for gids. */
unsigned long skiff_userns_mapped_gids (void);

/* Instead of skiff_userns_enter: joins the user namespace of a running process (e.g. a rootless
 * container's PID 1, for exec) and becomes root in it.  Must be called before
 * skiff_userns_enter and while single-threaded; joins no other namespace.  Root: no-op.
 * Each CLI invocation enters a namespace of its own (same mappings, so files agree), and a
 * sibling namespace has no privilege over another: to signal a container process that runs as
 * a non-root container user (stop, kill), either join the container's namespace with this or
 * send the signal before entering any (the host user owns every skiff namespace). */
int skiff_userns_join (pid_t pid, struct skiff_error **err);

/* After skiff_userns_join and the setns of a container's other namespaces: a container with
 * --userns=keep-id|nomap runs in a user namespace nested in the one that owns them, which
 * skiff_userns_join left for now; this enters it (and becomes root there).  0 otherwise. */
int skiff_userns_join_nested (struct skiff_error **err);
