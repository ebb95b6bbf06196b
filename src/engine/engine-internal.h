#pragma once
/* Shared between the engine's files. */
#include "skiff/engine.h"

struct skiff_image;
struct skiff_strv_builder;
struct skiff_container_config;

/* skiff_engine_create, also handing back the resolved image (run starts from it). */
int skiff_engine_create_from (struct skiff_store *store, const struct skiff_container_spec *spec,
                              struct skiff_image **img, struct skiff_container **out,
                              struct skiff_error **err);
/* Appends the --env-file lines, then the -e values (docker's order) to *env. */
int skiff_engine_user_env (char *const *env_files, char *const *env_opts,
                           struct skiff_strv_builder *env, struct skiff_error **err);
/* Removes a record, errors ignored (a failed create or run). */
void skiff_engine_discard_record (struct skiff_store *store, struct skiff_container *c);
/* create_log.c: --log-driver and --log-opt checked (spec_check) and copied into the config. */
int skiff_engine_log_check (const struct skiff_container_spec *spec, struct skiff_error **err);
void skiff_engine_log_config (const struct skiff_container_spec *spec,
                              struct skiff_container_config *cfg);
