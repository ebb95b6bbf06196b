#pragma once
/* Shared between the engine's files. */
#include "skiff/engine.h"

struct skiff_image;
struct skiff_strv_builder;
struct skiff_container_config;
struct skiff_container_podman;

/* skiff_engine_create, also handing back the resolved image (run starts from it). */
int skiff_engine_create_from (struct skiff_store *store, const struct skiff_container_spec *spec,
                              struct skiff_image **img, struct skiff_container **out,
                              struct skiff_error **err);
/* Appends the --env-file lines, then the -e values (docker's order) to *env. */
int skiff_engine_user_env (char *const *env_files, char *const *env_opts,
                           struct skiff_strv_builder *env, struct skiff_error **err);
/* Removes a record, errors ignored (a failed create or run). */
void skiff_engine_discard_record (struct skiff_store *store, struct skiff_container *c);

/* export.c: a child that mounts c's read-only overlay view (in a mount namespace of its own)
 * and writes a tar of path (NULL: the whole tree) to out_fd; _finish waits for it and returns
 * its error (exit 1 for a missing path, as docker's cp). */
int skiff_engine_view_job_start (struct skiff_store *store, const struct skiff_container *c,
                                 const char *path, bool follow, int out_fd, pid_t *pid,
                                 int *report_fd, struct skiff_error **err);
int skiff_engine_view_job_finish (pid_t pid, int report_fd, struct skiff_error **err);

struct skiff_health_spec;
struct skiff_health_config;
/* health_config.c: the health flags' checks (docker's texts), and the record's Healthcheck
 * from the flags and the image's. */
int skiff_engine_health_check (const struct skiff_health_spec *h, struct skiff_error **err);
int skiff_engine_health_config (const struct skiff_health_spec *h, const struct skiff_image *img,
                                struct skiff_health_config *out, struct skiff_error **err);

struct skiff_resources;
/* The record's resources from the spec's, with docker's and podman's defaults filled in
 * (swap as much as memory, podman's pids limit) (resources.c); the
 * default cgroupns mode as docker: private on cgroup v2, host otherwise. */
void skiff_engine_resources_config (const struct skiff_resources *spec,
                                    struct skiff_resources *cfg);
/* Rootless with cgroup limits asked for but no cgroup to put them in: one warning line. */
struct skiff_store;
void skiff_engine_resources_warn (const struct skiff_store *store, const struct skiff_container *c);
/* --hostname, the host's name with --uts=host (docker), else the short ID.  Caller frees. */
char *skiff_engine_hostname (const struct skiff_container_spec *spec, const char *id);
struct skiff_network_config;
/* The network part of a new container's record (network.c): mode, --add-host, --dns*, the
 * link targets (looked up: a missing one fails). */
/* network_user.c: a bridge network's endpoint flags into cfg (network: a user-defined one's
 * name or ID, NULL: the default): it must exist, --ip must be in its subnet, aliases and --ip
 * need a user-defined one (docker's texts, exit 125).  _none: the same flags refused with
 * modes that have no endpoint of their own. */
int skiff_engine_network_endpoint (struct skiff_store *store,
                                   const struct skiff_container_spec *spec, const char *network,
                                   struct skiff_network_config *cfg, struct skiff_error **err);
int skiff_engine_network_endpoint_none (const struct skiff_container_spec *spec,
                                        const struct skiff_network_config *cfg,
                                        struct skiff_error **err);
int skiff_engine_network_config (struct skiff_store *store, const struct skiff_container_spec *spec,
                                 struct skiff_network_config *cfg, struct skiff_error **err);
/* -p, -P, --expose and the image's EXPOSE into cfg->ports (ports.c), after the network. */
struct skiff_container_config;
struct skiff_image;
int skiff_engine_ports_config (struct skiff_store *store, const struct skiff_container_spec *spec,
                               const struct skiff_image *img, struct skiff_container_config *cfg,
                               struct skiff_error **err);
/* --network host without -h: the host's name (caller frees); otherwise NULL. */
char *skiff_engine_network_hostname (const struct skiff_network_config *cfg);
/* security.c: the spec's security flags -> the record's (--security-opt resolved, a seccomp
 * profile read and checked); on failure *out is left empty. */
struct skiff_container_security;
int skiff_engine_security_config (const struct skiff_security_spec *spec,
                                  struct skiff_container_security *out, struct skiff_error **err);
/* mounts.c: create's mounts and --userns into cfg (volumes created on the way); _abort
 * removes the anonymous volumes a failed create made. */
struct skiff_container_config;
struct skiff_container_podman;
int skiff_engine_mounts (struct skiff_store *store, const struct skiff_container_spec *spec,
                         const struct skiff_image *img, struct skiff_container_config *cfg,
                         struct skiff_error **err);
void skiff_engine_mounts_abort (struct skiff_store *store,
                                const struct skiff_container_config *cfg);

/* -l k=v (or k) words -> alternating key, value (labels, volume options). */
char **skiff_engine_kv_pairs (char *const *words);
/* create_log.c: --log-driver and --log-opt checked (spec_check) and copied into the config. */
int skiff_engine_log_check (const struct skiff_container_spec *spec, struct skiff_error **err);
void skiff_engine_log_config (const struct skiff_container_spec *spec,
                              struct skiff_container_config *cfg);

/* copy_out.c: extracts the cp archive on fd into dest with docker's rules (see copy_out.c),
 * relative to our root and cwd (copy_in.c calls it chrooted into the container); what a
 * failed copy had made new is removed again. */
struct skiff_copy_extract
{
  bool stream;     /* the user's own tar ("-"): dest must be an existing directory */
  bool keep_owner; /* -a: the archive's uid/gid; else root's */
};
int skiff_engine_copy_extract (int fd, const char *dest, const struct skiff_copy_extract *opts,
                               struct skiff_error **err);
/* podman.c: --tz, --timeout, --pidfile into the record (the pidfile made absolute: a later
 * `start` runs elsewhere). */
void skiff_engine_podman_config (const struct skiff_podman_spec *spec,
                                 struct skiff_container_podman *cfg);
