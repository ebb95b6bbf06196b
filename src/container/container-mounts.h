#pragma once
/* start.c's view of start_mounts.c: a container's mounts as sandbox mounts. */
#include <stddef.h>

#include "skiff/container.h"
#include "skiff/sandbox.h"

struct skiff_store;

struct skiff_container_mounts
{
  struct skiff_sandbox_mount *v;
  size_t n;
  enum skiff_sandbox_userns userns;
  char **owned; /* strings v points into */
};

int skiff_container_mounts_build (struct skiff_store *store, const struct skiff_container *c,
                                  struct skiff_container_mounts *cm, struct skiff_error **err);
void skiff_container_mounts_clear (struct skiff_container_mounts *cm);
/* timezone.c: --tz's /etc/localtime (a copy of the host's zone file) appended to cm. */
int skiff_container_timezone_mount (const struct skiff_container *c,
                                    struct skiff_container_mounts *cm, struct skiff_error **err);
