#pragma once
/* What `skiff info` reports: the host, the cgroup layout, the store and what it holds.  The
 * engine gathers, the CLI prints (cmd_info.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct skiff_error;
struct skiff_store;

struct skiff_system_info
{
  /* host */
  char *arch;                                          /* Go's GOARCH name: amd64, arm64... */
  char *kernel;                                        /* uname -r */
  char *os;                                            /* "linux" */
  char *hostname;                                      /* uname -n */
  char *distribution;                                  /* /etc/os-release PRETTY_NAME, or "" */
  long cpus;                                           /* online */
  uint64_t mem_total, mem_free, swap_total, swap_free; /* bytes */
  int64_t uptime;                                      /* seconds */
  const char *cgroup_version; /* "v1", "hybrid" or "v2" (skiff_cgroup_layout_name) */
  const char *cgroup_manager; /* "cgroupfs": skiff writes the cgroup files itself */
  bool rootless;
  /* store */
  const char *graph_driver; /* "overlay" */
  char *graph_root, *run_root;
  size_t images;
  size_t containers, running, paused, stopped; /* stopped: created, exited or restarting */
};

/* Fills info; strings are malloc'ed (skiff_system_info_clear). */
int skiff_system_info_gather (struct skiff_store *store, struct skiff_system_info *info,
                              struct skiff_error **err);
void skiff_system_info_clear (struct skiff_system_info *info);
