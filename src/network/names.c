/* The text of a container's /etc/hosts and /etc/resolv.conf (pure): docker's
 * libnetwork/etchosts layout and its resolv.conf filtering and overrides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/network.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* docker's libnetwork/etchosts defaults */
static const char hosts_header[] = "127.0.0.1\tlocalhost\n"
                                   "::1\tlocalhost ip6-localhost ip6-loopback\n"
                                   "fe00::\tip6-localnet\n"
                                   "ff00::\tip6-mcastprefix\n"
                                   "ff02::1\tip6-allnodes\n"
                                   "ff02::2\tip6-allrouters\n";

/* The text is built in a memory stream (open_memstream aborts only on OOM, as xalloc). */
static FILE *
text_open (char **buf, size_t *len)
{
  FILE *f = open_memstream (buf, len);
  if (f == NULL)
    abort ();
  return f;
}

static char *
text_close (FILE *f, char **buf)
{
  if (fclose (f) != 0)
    abort ();
  return *buf;
}

char *
skiff_network_hosts_text (const struct skiff_hosts_input *in)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *t = text_open (&buf, &len);
  if (in->host_hosts != NULL)
    {
      size_t n = strlen (in->host_hosts);
      fputs (in->host_hosts, t);
      if (n > 0 && in->host_hosts[n - 1] != '\n')
        fputc ('\n', t);
    }
  else
    fputs (hosts_header, t);
  /* --add-host host:ip -> "ip\thost"; the ip may hold ':' (IPv6), the host cannot */
  for (size_t i = 0; in->extra_hosts && in->extra_hosts[i]; i++)
    {
      const char *colon = strchr (in->extra_hosts[i], ':');
      if (colon == NULL)
        continue; /* refused by skiff_network_spec_check */
      fprintf (t, "%s\t%.*s\n", colon + 1, (int)(colon - in->extra_hosts[i]), in->extra_hosts[i]);
    }
  for (size_t i = 0; in->link_lines && in->link_lines[i]; i++)
    fprintf (t, "%s\n", in->link_lines[i]);
  if (in->own_ip != NULL && in->hostname != NULL)
    {
      bool same = in->name == NULL || strcmp (in->name, in->hostname) == 0;
      fprintf (t, "%s\t%s%s%s\n", in->own_ip, in->hostname, same ? "" : " ", same ? "" : in->name);
    }
  return text_close (t, &buf);
}

/* The first word of a line and where the rest starts. */
static bool
line_keyword (const char *line, size_t len, const char *word)
{
  while (len > 0 && (*line == ' ' || *line == '\t'))
    line++, len--;
  size_t w = strlen (word);
  return len > w && strncmp (line, word, w) == 0 && (line[w] == ' ' || line[w] == '\t');
}

static bool
is_loopback_nameserver (const char *line, size_t len)
{
  _cleanup_free_ char *copy = xstrndup (line, len);
  char word[16], addr[64];
  if (sscanf (copy, " %15s %63s", word, addr) != 2 || strcmp (word, "nameserver") != 0)
    return false;
  return strncmp (addr, "127.", 4) == 0 || strcmp (addr, "::1") == 0;
}

static void
add_joined (FILE *t, const char *keyword, char *const *words)
{
  _cleanup_free_ char *joined = skiff_strv_join (words, " ");
  fprintf (t, "%s %s\n", keyword, joined);
}

char *
skiff_network_resolv_text (const char *host_text, bool keep_loopback, char *const *dns,
                           char *const *search, char *const *options)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *t = text_open (&buf, &size);
  bool have_ns = false;
  for (const char *p = host_text ? host_text : ""; *p;)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen (p);
      bool ns = line_keyword (p, len, "nameserver");
      bool drop = (ns && (dns != NULL || (!keep_loopback && is_loopback_nameserver (p, len))))
                  || (search != NULL
                      && (line_keyword (p, len, "search") || line_keyword (p, len, "domain")))
                  || (options != NULL && line_keyword (p, len, "options"));
      if (!drop)
        {
          have_ns = have_ns || ns;
          fprintf (t, "%.*s\n", (int)len, p);
        }
      p += len + (nl ? 1 : 0);
    }
  for (size_t i = 0; dns && dns[i]; i++, have_ns = true)
    fprintf (t, "nameserver %s\n", dns[i]);
  /* docker: --dns-search . means no search domains at all */
  if (search != NULL && !(search[0] && !search[1] && strcmp (search[0], ".") == 0))
    add_joined (t, "search", search);
  if (options != NULL)
    add_joined (t, "options", options);
  if (!have_ns) /* docker's fallback when only local resolvers were configured */
    fputs ("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", t);
  return text_close (t, &buf);
}
