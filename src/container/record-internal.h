#pragma once
/* Shared between record.c, state.c and lookup.c: the JSON forms of config.json/state.json. */
#include <stdbool.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "skiff/container.h"

char *skiff_container_config_to_json (const struct skiff_container_config *cfg);
int skiff_container_config_from_json (const char *path, struct skiff_container_config *cfg,
                                      struct skiff_error **err);
char *skiff_container_state_to_json (const struct skiff_container_state *st);
int skiff_container_state_from_json (const char *path, struct skiff_container_state *st,
                                     struct skiff_error **err);
void skiff_container_state_clear (struct skiff_container_state *st);
/* Writes state.json of c (atomic; durable: fsync). */
int skiff_container_state_save (struct skiff_container *c, bool durable, struct skiff_error **err);
/* "running" with a dead/recycled pid becomes "exited" (in memory only). */
void skiff_container_state_check (struct skiff_container_state *st);

/* resources_record.c: the "Resources" object of config.json. */
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>
struct skiff_resources;
void skiff_container_resources_to_json (yajl_gen g, const struct skiff_resources *r);
int skiff_container_resources_from_json (yajl_val root, const char *path, struct skiff_resources *r,
                                         struct skiff_error **err);

/* resources_sandbox.c: what the sandbox needs of the resources (owned by this holder). */
#include "skiff/sandbox.h"
struct skiff_container_limits
{
  struct skiff_sandbox_limits sandbox;
  struct skiff_sandbox_rlimit *rlimits;
};
int skiff_container_sandbox_limits (struct skiff_store *store, const struct skiff_container *c,
                                    struct skiff_container_limits *out, struct skiff_error **err);
void skiff_container_limits_clear (struct skiff_container_limits *l);
/* record_security.c: config.json's "Security" object */
void skiff_container_security_to_json (yajl_gen g, const struct skiff_container_security *s);
int skiff_container_security_from_json (yajl_val root, const char *path,
                                        struct skiff_container_security *s,
                                        struct skiff_error **err);
/* record_podman.c: config.json's "Timezone", "Timeout" and "PidFile" */
void skiff_container_podman_to_json (yajl_gen g, const struct skiff_container_podman *p);
int skiff_container_podman_from_json (yajl_val root, const char *path,
                                      struct skiff_container_podman *p, struct skiff_error **err);
void skiff_container_podman_clear (struct skiff_container_podman *p);
