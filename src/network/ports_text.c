/* ps's PORTS column as docker/cli's DisplayablePorts makes it: ports sorted (private port,
 * IP, public port, type), consecutive ones of one IP and type grouped into ranges
 * ("0.0.0.0:8080-8081->80-81/tcp"), a binding whose public port differs from the private one
 * on its own at the end ("0.0.0.0:18080->80/tcp"), exposed ports without a binding as
 * "80/tcp".  Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/ports.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct ps_port
{
  const char *ip; /* "" for an exposed port without a binding */
  unsigned priv, pub;
  char type[8];
};

static int
cmp_port (const void *a, const void *b)
{
  const struct ps_port *x = a, *y = b;
  if (x->priv != y->priv)
    return x->priv < y->priv ? -1 : 1;
  int c = strcmp (x->ip, y->ip);
  if (c != 0)
    return c;
  if (x->pub != y->pub)
    return x->pub < y->pub ? -1 : 1;
  return strcmp (x->type, y->type);
}

/* The list docker's API gives: a binding per active entry, the exposed ports with none. */
static struct ps_port *
collect (const struct skiff_ports_active *a, char *const *exposed, size_t *n)
{
  size_t max = (a ? a->n : 0) + skiff_strv_len (exposed);
  struct ps_port *v = xzalloc ((max ? max : 1) * sizeof *v);
  *n = 0;
  for (size_t i = 0; a && i < a->n; i++)
    {
      struct ps_port *p = &v[(*n)++];
      p->ip = a->v[i].host_ip[0] ? a->v[i].host_ip : "0.0.0.0";
      p->priv = a->v[i].port;
      p->pub = a->v[i].host_port;
      snprintf (p->type, sizeof p->type, "%s", a->v[i].proto);
    }
  for (size_t i = 0; exposed && exposed[i]; i++)
    {
      struct ps_port p = { .ip = "" };
      bool bound = false;
      if (sscanf (exposed[i], "%u/%7s", &p.priv, p.type) != 2)
        continue;
      for (size_t j = 0; a && j < a->n; j++)
        bound |= a->v[j].port == p.priv && strcmp (a->v[j].proto, p.type) == 0;
      if (!bound)
        v[(*n)++] = p;
    }
  if (*n > 0)
    qsort (v, *n, sizeof *v, cmp_port);
  return v;
}

struct ps_group
{
  char key[64]; /* "type" or "ip/type" */
  const char *ip, *type;
  unsigned first, last;
};

static char *
form_group (const struct ps_group *g)
{
  _cleanup_free_ char *range
      = g->first == g->last ? xasprintf ("%u", g->first) : xasprintf ("%u-%u", g->first, g->last);
  if (g->ip[0])
    return xasprintf ("%s:%s->%s/%s", g->ip, range, range, g->type);
  return xasprintf ("%s/%s", range, g->type);
}

char *
skiff_ports_ps_text (const struct skiff_ports_active *a, char *const *exposed)
{
  size_t n;
  _cleanup_free_ struct ps_port *v = collect (a, exposed, &n);
  _cleanup_free_ struct ps_group *groups = xzalloc ((n ? n : 1) * sizeof *groups);
  size_t ngroups = 0;
  _cleanup_strv_ char **result = NULL, **mappings = NULL;
  for (size_t i = 0; i < n; i++)
    {
      if (v[i].ip[0] && v[i].pub != v[i].priv)
        {
          skiff_strv_push_owned (
              &mappings, xasprintf ("%s:%u->%u/%s", v[i].ip, v[i].pub, v[i].priv, v[i].type));
          continue;
        }
      char key[64];
      snprintf (key, sizeof key, "%s/%s", v[i].ip, v[i].type);
      struct ps_group *g = NULL;
      for (size_t k = 0; k < ngroups && g == NULL; k++)
        if (strcmp (groups[k].key, key) == 0)
          g = &groups[k];
      if (g == NULL)
        {
          g = &groups[ngroups++];
          *g = (struct ps_group){
            .ip = v[i].ip, .type = v[i].type, .first = v[i].priv, .last = v[i].priv
          };
          snprintf (g->key, sizeof g->key, "%s", key);
        }
      else if (v[i].priv == g->last + 1)
        g->last = v[i].priv;
      else
        {
          skiff_strv_push_owned (&result, form_group (g));
          g->first = g->last = v[i].priv;
        }
    }
  for (size_t k = 0; k < ngroups; k++)
    skiff_strv_push_owned (&result, form_group (&groups[k]));
  for (size_t i = 0; mappings && mappings[i]; i++)
    skiff_strv_push (&result, mappings[i]);
  return result ? skiff_strv_join (result, ", ") : xstrdup ("");
}
