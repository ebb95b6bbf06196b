/* Legacy links' environment variables (docker's daemon/links/links.go; pure). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "skiff/cleanup.h"
#include "skiff/network.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct port
{
  unsigned num;
  char proto[8]; /* tcp, udp, sctp */
};

/* "80/tcp", "53/udp", "80" (tcp): false for anything else */
static bool
parse_port (const char *s, struct port *p)
{
  char *end;
  unsigned long n = strtoul (s, &end, 10);
  if (end == s || n == 0 || n > 65535 || !isdigit ((unsigned char)*s))
    return false;
  const char *proto = *end == '/' ? end + 1 : *end == '\0' ? "tcp" : NULL;
  if (proto == NULL
      || (strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0 && strcmp (proto, "sctp") != 0))
    return false;
  p->num = (unsigned)n;
  snprintf (p->proto, sizeof p->proto, "%s", proto);
  return true;
}

/* docker's withTCPPriority: tcp first by number, then other protocols by name, then number */
static int
port_cmp (const void *a, const void *b)
{
  const struct port *x = a, *y = b;
  bool xt = strcmp (x->proto, "tcp") == 0, yt = strcmp (y->proto, "tcp") == 0;
  if (xt != yt)
    return xt ? -1 : 1;
  int c = strcmp (x->proto, y->proto);
  if (c != 0)
    return c;
  return x->num < y->num ? -1 : x->num > y->num;
}

static void
upper (char *dst, size_t cap, const char *src)
{
  size_t i = 0;
  for (; src[i] && i + 1 < cap; i++)
    dst[i] = src[i] == '-' ? '_' : (char)toupper ((unsigned char)src[i]);
  dst[i] = '\0';
}

static void
push_range (struct skiff_strv_builder *env, const char *A, const char *ip, const struct port *s,
            const struct port *e)
{
  char P[8];
  upper (P, sizeof P, s->proto);
  skiff_strv_builder_push_owned (
      env, xasprintf ("%s_PORT_%u_%s_START=%s://%s:%u", A, s->num, P, s->proto, ip, s->num));
  skiff_strv_builder_push_owned (env,
                                 xasprintf ("%s_PORT_%u_%s_PORT_START=%u", A, s->num, P, s->num));
  skiff_strv_builder_push_owned (
      env, xasprintf ("%s_PORT_%u_%s_END=%s://%s:%u", A, s->num, P, e->proto, ip, e->num));
  skiff_strv_builder_push_owned (env,
                                 xasprintf ("%s_PORT_%u_%s_PORT_END=%u", A, s->num, P, e->num));
}

static void
push_ports (struct skiff_strv_builder *env, const char *A, const char *ip, const struct port *p,
            size_t n)
{
  if (n > 0)
    skiff_strv_builder_push_owned (env,
                                   xasprintf ("%s_PORT=%s://%s:%u", A, p[0].proto, ip, p[0].num));
  for (size_t i = 0, start = 0; i < n; i++)
    {
      bool ends
          = i + 1 == n || strcmp (p[i + 1].proto, p[i].proto) != 0 || p[i + 1].num != p[i].num + 1;
      if (!ends)
        continue;
      if (i > start)
        push_range (env, A, ip, &p[start], &p[i]);
      start = i + 1;
    }
  for (size_t i = 0; i < n; i++)
    {
      char P[8];
      upper (P, sizeof P, p[i].proto);
      const char *pr = p[i].proto;
      unsigned num = p[i].num;
      skiff_strv_builder_push_owned (
          env, xasprintf ("%s_PORT_%u_%s=%s://%s:%u", A, num, P, pr, ip, num));
      skiff_strv_builder_push_owned (env, xasprintf ("%s_PORT_%u_%s_ADDR=%s", A, num, P, ip));
      skiff_strv_builder_push_owned (env, xasprintf ("%s_PORT_%u_%s_PORT=%u", A, num, P, num));
      skiff_strv_builder_push_owned (env, xasprintf ("%s_PORT_%u_%s_PROTO=%s", A, num, P, pr));
    }
}

char **
skiff_network_link_env (const char *link_name, const char *ip, char *const *ports,
                        char *const *target_env)
{
  const char *slash = strrchr (link_name, '/');
  char A[256];
  upper (A, sizeof A, slash ? slash + 1 : link_name);
  size_t n = 0, cap = skiff_strv_len (ports);
  _cleanup_free_ struct port *p = xzalloc ((cap + 1) * sizeof *p);
  for (size_t i = 0; i < cap; i++)
    if (parse_port (ports[i], &p[n]))
      n++;
  qsort (p, n, sizeof *p, port_cmp);
  struct skiff_strv_builder env = { 0 };
  push_ports (&env, A, ip, p, n);
  skiff_strv_builder_push_owned (&env, xasprintf ("%s_NAME=%s", A, link_name));
  for (size_t i = 0; target_env && target_env[i]; i++)
    {
      const char *eq = strchr (target_env[i], '=');
      size_t klen = eq ? (size_t)(eq - target_env[i]) : 0;
      /* HOSTNAME is ours, not the target's Config.Env (docker adds it at start) */
      if (eq == NULL || (klen == 4 && strncmp (target_env[i], "HOME", 4) == 0)
          || (klen == 4 && strncmp (target_env[i], "PATH", 4) == 0)
          || (klen == 8 && strncmp (target_env[i], "HOSTNAME", 8) == 0))
        continue;
      skiff_strv_builder_push_owned (&env, xasprintf ("%s_ENV_%s", A, target_env[i]));
    }
  return skiff_strv_builder_steal (&env);
}

char *
skiff_network_link_hosts_line (const char *ip, const char *alias, const char *hostname,
                               const char *name)
{
  bool same = strcmp (alias, name) == 0;
  return xasprintf ("%s\t%s %s%s%s", ip, alias, hostname, same ? "" : " ", same ? "" : name);
}
