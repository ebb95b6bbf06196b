#pragma once
/* Running from a sealed copy of our own binary (CVE-2019-5736).  A process that joins a
 * container's PID namespace shows the binary it runs as /proc/<pid>/exe there.  The joining
 * process is non-dumpable, so a container needs CAP_SYS_PTRACE in the host's user namespace to
 * open that link at all; with it (a privileged container, as root) it must still find a copy that
 * cannot be written, not the host's skiff. */

#include "skiff/error.h"

/* Returns 0 if this process already runs from a memfd sealed against writes, grows, shrinks
 * and further sealing.  Otherwise copies /proc/self/exe into one and re-executes it with the
 * same argv (from /proc/self/cmdline) and environment: it returns only on failure. */
int skiff_selfexe_sealed (struct skiff_error **err);
