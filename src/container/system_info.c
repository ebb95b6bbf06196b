/* skiff info's facts: uname, sysinfo, the cgroup layout (as cgroup.c detects it), and counts of
 * the store's images and containers by state. */
#include "skiff/system_info.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* uname's machine as Go names it (docker and podman print GOARCH). */
static char *
go_arch (const char *machine)
{
  static const char *const names[][2] = {
    { "x86_64", "amd64" }, { "aarch64", "arm64" },   { "i686", "386" },    { "i386", "386" },
    { "armv7l", "arm" },   { "ppc64le", "ppc64le" }, { "s390x", "s390x" }, { "riscv64", "riscv64" },
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (machine, names[i][0]) == 0)
      return xstrdup (names[i][1]);
  return xstrdup (machine);
}

/* PRETTY_NAME="Debian GNU/Linux 12 (bookworm)" of /etc/os-release, or "". */
static char *
distribution (void)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_read_file ("/etc/os-release", &text, &len, &e) < 0)
    return xstrdup ("");
  for (char *line = strtok (text, "\n"); line; line = strtok (NULL, "\n"))
    if (strncmp (line, "PRETTY_NAME=", 12) == 0)
      {
        char *v = line + 12;
        size_t n = strlen (v);
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
          return xstrndup (v + 1, n - 2);
        return xstrdup (v);
      }
  return xstrdup ("");
}

static int
gather_host (struct skiff_system_info *info, struct skiff_error **err)
{
  struct utsname u;
  struct sysinfo si;
  if (uname (&u) < 0)
    return skiff_error_make (err, errno, "uname");
  if (sysinfo (&si) < 0)
    return skiff_error_make (err, errno, "sysinfo");
  info->arch = go_arch (u.machine);
  info->kernel = xstrdup (u.release);
  info->os = xstrdup ("linux");
  info->hostname = xstrdup (u.nodename);
  info->distribution = distribution ();
  info->cpus = sysconf (_SC_NPROCESSORS_ONLN);
  info->mem_total = (uint64_t)si.totalram * si.mem_unit;
  info->mem_free = (uint64_t)si.freeram * si.mem_unit;
  info->swap_total = (uint64_t)si.totalswap * si.mem_unit;
  info->swap_free = (uint64_t)si.freeswap * si.mem_unit;
  info->uptime = si.uptime;
  enum skiff_cgroup_layout layout;
  int r = skiff_cgroup_detect (&layout, err);
  if (r < 0)
    return r;
  info->cgroup_version = skiff_cgroup_layout_name (layout);
  info->cgroup_manager = "cgroupfs";
  log_debug ("info: kernel %s, cgroup layout %s", info->kernel, info->cgroup_version);
  return 0;
}

static void
count_container (struct skiff_system_info *info, const struct skiff_container *c)
{
  info->containers++;
  if (c->state.status == SKIFF_CONTAINER_RUNNING && c->state.paused)
    info->paused++;
  else if (c->state.status == SKIFF_CONTAINER_RUNNING)
    info->running++;
  else
    info->stopped++;
}

static int
gather_store (struct skiff_store *store, struct skiff_system_info *info, struct skiff_error **err)
{
  info->graph_driver = "overlay";
  info->graph_root = xstrdup (store->root);
  info->run_root = xstrdup (store->runroot);
  info->rootless = store->rootless;
  struct skiff_image **images = NULL;
  int r = skiff_image_list (store, &images, err);
  if (r < 0)
    return r;
  for (; images[info->images]; info->images++)
    ;
  skiff_image_list_free (images);
  _cleanup_strv_ char **ids = NULL;
  if ((r = skiff_container_list_ids (store, &ids, err)) < 0)
    return r;
  for (size_t i = 0; ids && ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_container_load (store, ids[i], &c, &e) == 0)
        count_container (info, c); /* else removed meanwhile, or not complete yet */
    }
  log_debug ("info: %zu images, %zu containers in %s", info->images, info->containers,
             info->graph_root);
  return 0;
}

int
skiff_system_info_gather (struct skiff_store *store, struct skiff_system_info *info,
                          struct skiff_error **err)
{
  *info = (struct skiff_system_info){ 0 };
  int r = gather_host (info, err);
  if (r == 0)
    r = gather_store (store, info, err);
  if (r < 0)
    skiff_system_info_clear (info);
  return r;
}

void
skiff_system_info_clear (struct skiff_system_info *info)
{
  free (info->arch);
  free (info->kernel);
  free (info->os);
  free (info->hostname);
  free (info->distribution);
  free (info->graph_root);
  free (info->run_root);
  *info = (struct skiff_system_info){ 0 };
}
