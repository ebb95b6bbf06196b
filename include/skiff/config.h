#pragma once
/* skiff.conf(5): defaults for commands, read from /etc/skiff/skiff.conf and then the user's
 * $XDG_CONFIG_HOME/skiff/skiff.conf (~/.config/skiff/skiff.conf), the later file's keys
 * winning; $SKIFF_CONFIG names the one file to read instead.  A subset of TOML, laid out as
 * containers.conf: `[section]` lines, `key = value` with "basic" or 'literal' strings,
 * integers, true/false and arrays; `#` comments.  Unknown sections and keys are warnings; a
 * value of the wrong type or out of range is an error naming file, line and key. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct skiff_error;

#define SKIFF_CONFIG_UNSET INT64_MIN /* an integer key the files do not set */

struct skiff_config
{
  int init;         /* [containers] init: -1 unset, 0, 1 */
  char *init_path;  /* [containers] init_path (accepted, unused: the init is skiff) */
  char *log_driver; /* [containers] log_driver: k8s-file, json-file, journald, none, passthrough */
  int64_t log_size_max;       /* [containers] log_size_max: bytes, -1 unlimited (>= 8192 else) */
  int64_t pids_limit;         /* [containers] pids_limit: 0 or -1 unlimited */
  char *netns;                /* [containers] netns: the default --network mode */
  char *default_network;      /* [network] default_network */
  int64_t stop_timeout;       /* [engine] stop_timeout: seconds, -1 waits forever */
  char **insecure_registries; /* [registries] insecure: hosts reached without TLS checks */
  int64_t max_parallel_downloads; /* [registries] max_parallel_downloads: 1..64 */
  char **unqualified_search;      /* [registries] unqualified_search: registries for short names */
  char **short_name_aliases;      /* [registries] short_name_aliases: "name=host/repo" */
  char **registry_mirrors;        /* [registries] mirrors: "host=mirror", tried first, in order */
  int no_new_privileges;          /* [containers] no_new_privileges: -1 unset, 0, 1 */
};

/* Every field unset. */
void skiff_config_init (struct skiff_config *cfg);
void skiff_config_clear (struct skiff_config *cfg);

/* Pure: parses text (len bytes) of the file named file into cfg, over what cfg already holds.
 * Warnings ("FILE:LINE: unknown key \"containers.x\"") are appended to *warnings (a strv; may
 * stay NULL).  A syntax error or a bad value fails (exit code 125) with "FILE:LINE: KEY: ..."
 * and leaves cfg partly updated. */
int skiff_config_parse (const char *text, size_t len, const char *file, struct skiff_config *cfg,
                        char ***warnings, struct skiff_error **err);

/* Reads the files named at the top (missing ones are skipped) into cfg (initialised here). */
int skiff_config_load (struct skiff_config *cfg, char ***warnings, struct skiff_error **err);
