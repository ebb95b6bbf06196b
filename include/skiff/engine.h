#pragma once
/* The engine: what a container command does, between the CLI (src/cli/: flags in, text out)
 * and the modules (image, container records, sandbox, cgroups, monitor).  A cmd_*.c parses its
 * flags into a struct skiff_container_spec (or skiff_exec_spec), makes one engine call and
 * prints the result; resolving layers, building sandbox configs and reading cgroups happen
 * here.  Also the lifecycle calls that need no monitor (kill, stop, wait; control.c) and
 * docker's signal names (signals.c), still declared in skiff/monitor.h as skiff_monitor_*. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct skiff_error;
struct skiff_store;
struct skiff_container;

/* Everything `create` decides about a container.  Strings and vectors are borrowed (from argv
 * in the CLI); vectors are NULL-terminated, NULL when empty. */
struct skiff_container_spec
{
  /* image and process */
  const char *image;      /* reference as given */
  char **args;            /* CMD override (may be empty) */
  const char *entrypoint; /* NULL: the image's; "": none */
  char **env;             /* -e values in order (NAME alone: from our environment) */
  char **env_files;       /* --env-file paths in order, read before -e */
  const char *workdir, *user;
  bool tty, interactive;
  /* identity */
  const char *name, *hostname, *cidfile;
  char **labels; /* k=v or k */
  /* lifecycle */
  bool rm;
  const char *restart, *stop_signal;
  int stop_timeout; /* -1: not given */
  bool replace;     /* a container of the same name is removed first (podman --replace) */
  /* room for mounts, network, security, resources */
  struct skiff_log_spec
  {
    const char *driver; /* --log-driver (NULL: k8s-file) */
    char **opts;        /* --log-opt k=v in order (freed with free(), strings borrowed) */
  } log;
};

/* The checks that need no store: name, restart policy (and --rm with it), stop signal. */
int skiff_engine_spec_check (const struct skiff_container_spec *spec, struct skiff_error **err);

/* Resolves the image and creates the container record (+ the cidfile, refused if it exists). */
int skiff_engine_create (struct skiff_store *store, const struct skiff_container_spec *spec,
                         struct skiff_container **out, struct skiff_error **err);

/* How a container is started. */
enum skiff_engine_start_mode
{
  SKIFF_ENGINE_DETACHED, /* under a new monitor; returns once PID 1 runs */
  SKIFF_ENGINE_ATTACHED, /* the same with attach_fd an attach client from the start (every
                          * foreground run: the monitor is PID 1's parent in every mode) */
};
struct skiff_engine_start_opts
{
  enum skiff_engine_start_mode mode;
  int attach_fd;             /* ATTACHED: one end of a SOCK_SEQPACKET socketpair */
  unsigned short rows, cols; /* ATTACHED with -t: the terminal's initial size (0: none) */
  /* ATTACHED: our files and pipes (never terminals) the monitor hands on or writes to, -1:
   * none (skiff_monitor_attach in skiff/monitor.h) */
  int stdin_fd, stdout_fd, stderr_fd;
  unsigned quiet;        /* ATTACHED: bit 0 stdout, 1 stderr: not sent to attach_fd */
  unsigned preserve_fds; /* ATTACHED: our fds 3 .. 3+N-1 passed on */
  const char *pidfile;   /* PID 1's host pid is written there (podman --pidfile) */
};

/* Starts a created or exited container.  DETACHED (`start`): a running or restarting one is
 * left alone, a paused one refused.  *pid (may be NULL): PID 1's host pid. */
int skiff_engine_start (struct skiff_store *store, struct skiff_container *c,
                        const struct skiff_engine_start_opts *so, pid_t *pid,
                        struct skiff_error **err);

/* create + start in one (the image is resolved once).  *out is set whenever the record was
 * made: on a later failure the caller discards it (skiff_engine_discard). */
int skiff_engine_run (struct skiff_store *store, const struct skiff_container_spec *spec,
                      const struct skiff_engine_start_opts *so, struct skiff_container **out,
                      pid_t *pid, struct skiff_error **err);

/* rm: a container that is not running (force: it is killed first, as `rm -f`). */
int skiff_engine_remove (struct skiff_store *store, struct skiff_container *c, bool force,
                         struct skiff_error **err);

/* The most recently created container's ID (podman --latest); caller frees. */
int skiff_engine_latest (struct skiff_store *store, char **id, struct skiff_error **err);

/* Removes an --rm container whose run failed half-way (errors ignored; others are kept). */
void skiff_engine_discard (struct skiff_store *store, struct skiff_container *c);

/* A process to run in a running container (`exec`). */
struct skiff_exec_spec
{
  char **args;
  char **env, **env_files;    /* as in skiff_container_spec; after the container's env */
  const char *workdir, *user; /* NULL: the container's */
  bool privileged, tty, interactive, detach;
  int *terminal_master;      /* tty && !detach: receives the pty master */
  unsigned short rows, cols; /* its initial size */
  int stdin_fd, stdout_fd, stderr_fd;
};
/* Starts the process (its namespaces, root, cgroups, user, capabilities).  *pid: our child
 * (CLONE_PARENT) unless detach. */
int skiff_engine_exec (const struct skiff_container *c, const struct skiff_exec_spec *spec,
                       pid_t *pid, struct skiff_error **err);

/* Reaps pid, returns its shell-style exit code (128+N for signal N). */
int skiff_engine_wait_process (pid_t pid, struct skiff_error **err);

/* `stats`: a container's usage, from its cgroup or (rootless without one) /proc. */
struct skiff_engine_usage
{
  uint64_t cpu_ns;    /* CPU time used so far */
  uint64_t mem_used;  /* without inactive page cache, as docker */
  uint64_t mem_limit; /* the cgroup's, else (or when larger) the host's memory */
  uint64_t pids;
};
struct skiff_engine_stats;
/* For a running container (NULL for one that is not: no usage). */
struct skiff_engine_stats *skiff_engine_stats_open (const struct skiff_container *c);
int skiff_engine_stats_read (struct skiff_engine_stats *s, struct skiff_engine_usage *out,
                             struct skiff_error **err);
void skiff_engine_stats_free (struct skiff_engine_stats *s);
