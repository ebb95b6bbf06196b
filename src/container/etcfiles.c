/* The container's /etc/hostname, /etc/hosts and /etc/resolv.conf, kept in its directory and
 * bind-mounted by the sandbox. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

/* docker's libnetwork/etchosts defaults (there is no container address line yet). */
static const char hosts_text[] = "127.0.0.1\tlocalhost\n"
                                 "::1\tlocalhost ip6-localhost ip6-loopback\n"
                                 "fe00::\tip6-localnet\n"
                                 "ff00::\tip6-mcastprefix\n"
                                 "ff02::1\tip6-allnodes\n"
                                 "ff02::2\tip6-allrouters\n";

static bool
is_loopback_nameserver (const char *line, size_t len)
{
  _cleanup_free_ char *copy = xstrndup (line, len);
  char word[16], addr[64];
  if (sscanf (copy, " %15s %63s", word, addr) != 2 || strcmp (word, "nameserver") != 0)
    return false;
  return strncmp (addr, "127.", 4) == 0 || strcmp (addr, "::1") == 0;
}

static bool
is_nameserver (const char *line, size_t len)
{
  while (len > 0 && (*line == ' ' || *line == '\t'))
    line++, len--;
  return len > 10 && strncmp (line, "nameserver", 10) == 0 && (line[10] == ' ' || line[10] == '\t');
}

char *
skiff_container_resolv_conf (const char *host_text)
{
  size_t cap = strlen (host_text) + 64;
  char *out = xmalloc (cap);
  size_t n = 0;
  bool have_ns = false;
  const char *p = host_text;
  while (*p)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen (p);
      if (!is_loopback_nameserver (p, len))
        {
          have_ns = have_ns || is_nameserver (p, len);
          memcpy (out + n, p, len);
          n += len;
          out[n++] = '\n';
        }
      p += len + (nl ? 1 : 0);
    }
  out[n] = '\0';
  if (!have_ns) /* docker's fallback when only local resolvers were configured */
    {
      char *full = xasprintf ("%snameserver 8.8.8.8\nnameserver 8.8.4.4\n", out);
      free (out);
      return full;
    }
  return out;
}

static int
write_in (const char *dir, const char *name, const char *text, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, name);
  return skiff_fs_write_exclusive (path, text, strlen (text), 0644, err);
}

int
skiff_container_write_etc_files (const char *dir, const char *hostname, const char *host_resolv,
                                 struct skiff_error **err)
{
  _cleanup_free_ char *host_text = NULL;
  _cleanup_free_ char *hn = xasprintf ("%s\n", hostname);
  int r = write_in (dir, "hostname", hn, err);
  if (r < 0)
    return r;
  if ((r = write_in (dir, "hosts", hosts_text, err)) < 0)
    return r;
  struct skiff_error *ignored = NULL;
  if (skiff_fs_read_file (host_resolv, &host_text, NULL, &ignored) < 0)
    skiff_error_free (ignored); /* no host resolv.conf: the fallback servers only */
  _cleanup_free_ char *resolv = skiff_container_resolv_conf (host_text ? host_text : "");
  return write_in (dir, "resolv.conf", resolv, err);
}
