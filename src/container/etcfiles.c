/* The container's /etc/hostname, /etc/hosts and /etc/resolv.conf, kept in its directory and
 * bind-mounted by the sandbox.  Their text comes from src/network/names.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/network.h"
#include "skiff/xalloc.h"

char *
skiff_container_resolv_conf (const char *host_text)
{
  return skiff_network_resolv_text (host_text, false, NULL, NULL, NULL);
}

static int
write_in (const char *dir, const char *name, const char *text, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, name);
  return skiff_fs_write_exclusive (path, text, strlen (text), 0644, err);
}

/* A host file's text, or NULL when it cannot be read (the defaults are used then). */
static char *
read_host_file (const char *path)
{
  char *text = NULL;
  struct skiff_error *ignored = NULL;
  if (skiff_fs_read_file (path, &text, NULL, &ignored) < 0)
    skiff_error_free (ignored);
  return text;
}

static bool
is_host_network (const struct skiff_container_config *cfg)
{
  return cfg->network.mode != NULL && strcmp (cfg->network.mode, "host") == 0;
}

static char *
hosts_text (const struct skiff_container_config *cfg, const char *own_ip, char *const *link_lines)
{
  bool host = is_host_network (cfg);
  _cleanup_free_ char *host_hosts = host ? read_host_file ("/etc/hosts") : NULL;
  struct skiff_hosts_input in = {
    .host_hosts = host ? (host_hosts ? host_hosts : "") : NULL,
    .extra_hosts = cfg->network.extra_hosts,
    .link_lines = link_lines,
    /* without an address of its own (none, or not started yet) the name is local */
    .own_ip = host     ? NULL
              : own_ip ? own_ip
                       : "127.0.0.1",
    .hostname = cfg->hostname,
    .name = cfg->name,
  };
  return skiff_network_hosts_text (&in);
}

int
skiff_container_write_etc_files (const struct skiff_container *c, const char *host_resolv,
                                 struct skiff_error **err)
{
  const struct skiff_container_config *cfg = &c->config;
  _cleanup_free_ char *hn = xasprintf ("%s\n", cfg->hostname);
  int r = write_in (c->dir, "hostname", hn, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *hosts = hosts_text (cfg, NULL, NULL);
  /* --no-hosts: none, so that nothing links or binds it over the image's */
  if (!cfg->network.no_hosts && (r = write_in (c->dir, "hosts", hosts, err)) < 0)
    return r;
  _cleanup_free_ char *host_text = read_host_file (host_resolv);
  _cleanup_free_ char *resolv
      = skiff_network_resolv_text (host_text, is_host_network (cfg), cfg->network.dns,
                                   cfg->network.dns_search, cfg->network.dns_option);
  return write_in (c->dir, "resolv.conf", resolv, err);
}

int
skiff_container_write_hosts (const struct skiff_container *c, const char *own_ip,
                             char *const *link_lines, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (c->dir, "hosts");
  _cleanup_free_ char *text = hosts_text (&c->config, own_ip, link_lines);
  /* in place: the sandbox may already have bind-mounted this inode */
  _cleanup_close_ int fd = open (path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  return skiff_fs_write_all (fd, text, strlen (text), path, err);
}
