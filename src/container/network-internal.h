#pragma once
/* A container's network at start (netstart.c), between start.c and src/network/. */
#include <stdbool.h>
#include <sys/types.h>

#include "skiff/container.h"

struct skiff_sandbox_config;

struct skiff_container_net
{
  struct skiff_store *store;
  const struct skiff_container *c;
  bool bridge;       /* attach to the default bridge in the start hook */
  bool pasta;        /* --network pasta: pasta started in the start hook */
  int netns_fd;      /* container:<id>: the target's namespace, held open (-1: none) */
  char *netns_path;  /* /proc/self/fd/<netns_fd> */
  char *files[3];    /* container:<id>: the target's hostname, hosts, resolv.conf */
  char *hostname;    /* container:<id>: the target's hostname */
  char **link_lines; /* /etc/hosts lines of the links */
  char **env;        /* config env plus the links' variables (NULL: the config's) */
};

/* Before the spawn: resolves the mode (a container: target must be running, links' targets
 * too: docker's texts, exit 125) and fills the sandbox config's network fields. */
int skiff_container_net_prepare (struct skiff_store *store, const struct skiff_container *c,
                                 struct skiff_container_net *net, struct skiff_sandbox_config *sc,
                                 struct skiff_error **err);
/* In the start hook, pid's namespaces made: the bridge endpoint and the hosts file. */
int skiff_container_net_attach (struct skiff_container_net *net, pid_t pid,
                                struct skiff_error **err);
/* After the spawn (failed: release the address too). */
void skiff_container_net_done (struct skiff_container_net *net, bool failed);
/* links.c: the hosts lines and the env (own env plus the links' variables; NULL when there
 * are no links) of c's links, whose targets must run on the default bridge. */
int skiff_container_links_prepare (struct skiff_store *store, const struct skiff_container *c,
                                   char ***lines, char ***env, struct skiff_error **err);
/* netjoin.c: every bridge network of c (its memberships): endpoints, hosts file, names on
 * the others' files; released again on failure.  leave: the addresses go back, the names go
 * from the others' files (best effort). */
int skiff_container_networks_join (struct skiff_store *store, const struct skiff_container *c,
                                   pid_t pid, char *const *link_lines, uint32_t *first_ip,
                                   struct skiff_error **err);
void skiff_container_networks_leave (struct skiff_store *store, const struct skiff_container *c);
/* finish and remove: the address goes back to the network. */
void skiff_container_net_release (struct skiff_store *store, const struct skiff_container *c);
