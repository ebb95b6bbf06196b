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

struct text
{
  char *s;
  size_t n, cap;
};

static void
text_add (struct text *t, const char *s, size_t len)
{
  if (t->n + len + 1 > t->cap)
    {
      t->cap = (t->n + len + 1) * 2;
      t->s = xrealloc (t->s, t->cap);
    }
  memcpy (t->s + t->n, s, len);
  t->n += len;
  t->s[t->n] = '\0';
}

static void
text_puts (struct text *t, const char *s)
{
  text_add (t, s, strlen (s));
}

char *
skiff_network_hosts_text (const struct skiff_hosts_input *in)
{
  struct text t = { 0 };
  text_puts (&t, "");
  if (in->host_hosts != NULL)
    {
      text_puts (&t, in->host_hosts);
      if (t.n > 0 && t.s[t.n - 1] != '\n')
        text_puts (&t, "\n");
    }
  else
    text_puts (&t, hosts_header);
  /* --add-host host:ip -> "ip\thost"; the ip may hold ':' (IPv6), the host cannot */
  for (size_t i = 0; in->extra_hosts && in->extra_hosts[i]; i++)
    {
      const char *colon = strchr (in->extra_hosts[i], ':');
      if (colon == NULL)
        continue; /* refused by skiff_network_spec_check */
      _cleanup_free_ char *line = xasprintf ("%s\t%.*s\n", colon + 1,
                                             (int)(colon - in->extra_hosts[i]), in->extra_hosts[i]);
      text_puts (&t, line);
    }
  for (size_t i = 0; in->link_lines && in->link_lines[i]; i++)
    {
      text_puts (&t, in->link_lines[i]);
      text_puts (&t, "\n");
    }
  if (in->own_ip != NULL && in->hostname != NULL)
    {
      bool same = in->name == NULL || strcmp (in->name, in->hostname) == 0;
      _cleanup_free_ char *line = xasprintf ("%s\t%s%s%s\n", in->own_ip, in->hostname,
                                             same ? "" : " ", same ? "" : in->name);
      text_puts (&t, line);
    }
  return t.s;
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
add_joined (struct text *t, const char *keyword, char *const *words)
{
  _cleanup_free_ char *joined = skiff_strv_join (words, " ");
  _cleanup_free_ char *line = xasprintf ("%s %s\n", keyword, joined);
  text_puts (t, line);
}

char *
skiff_network_resolv_text (const char *host_text, bool keep_loopback, char *const *dns,
                           char *const *search, char *const *options)
{
  struct text t = { 0 };
  text_puts (&t, "");
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
          text_add (&t, p, len);
          text_puts (&t, "\n");
        }
      p += len + (nl ? 1 : 0);
    }
  for (size_t i = 0; dns && dns[i]; i++, have_ns = true)
    {
      _cleanup_free_ char *line = xasprintf ("nameserver %s\n", dns[i]);
      text_puts (&t, line);
    }
  /* docker: --dns-search . means no search domains at all */
  if (search != NULL && !(search[0] && !search[1] && strcmp (search[0], ".") == 0))
    add_joined (&t, "search", search);
  if (options != NULL)
    add_joined (&t, "options", options);
  if (!have_ns) /* docker's fallback when only local resolvers were configured */
    text_puts (&t, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  return t.s;
}
