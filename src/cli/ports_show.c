/* What the CLI shows of published ports: ps's PORTS column, inspect's Config.ExposedPorts,
 * HostConfig.PortBindings/PublishAllPorts and NetworkSettings.Ports (docker's shapes), and the
 * lines of `port`.  A stopped container shows no bindings, as docker's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/json.h"
#include "skiff/ports.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* The active bindings of a running container (none otherwise). */
static void
active_of (const struct skiff_container *c, struct skiff_ports_active *a)
{
  memset (a, 0, sizeof *a);
  if (c->state.status == SKIFF_CONTAINER_RUNNING
      && skiff_container_pid_alive (c->state.pid, c->state.pid_start))
    skiff_ports_active_read (c->dir, a);
}

char *
skiff_cli_ports_column (const struct skiff_container *c)
{
  struct skiff_ports_active a;
  active_of (c, &a);
  bool running = c->state.status == SKIFF_CONTAINER_RUNNING;
  char *text = running ? skiff_ports_ps_text (&a, c->config.ports.exposed) : xstrdup ("");
  skiff_ports_active_clear (&a);
  return text;
}

void
skiff_cli_gen_exposed_ports (yajl_gen g, const struct skiff_container_config *cfg)
{
  if (cfg->ports.exposed)
    skiff_json_gen_key_set (g, "ExposedPorts", cfg->ports.exposed);
}

static void
gen_binding (yajl_gen g, const char *ip, const char *port)
{
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "HostIp", ip);
  skiff_json_gen_key_string (g, "HostPort", port);
  yajl_gen_map_close (g);
}

/* One key per port with bindings; keys in the order of the bindings (Go's maps print
 * sorted, and -p values come out of create sorted enough for a reader). */
void
skiff_cli_gen_port_bindings (yajl_gen g, const struct skiff_container_config *cfg)
{
  const struct skiff_ports_config *p = &cfg->ports;
  skiff_json_gen_key (g, "PortBindings");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < p->n; i++)
    {
      _cleanup_free_ char *key = skiff_port_key (&p->bindings[i]);
      bool seen = false;
      for (size_t j = 0; j < i && !seen; j++)
        {
          _cleanup_free_ char *k = skiff_port_key (&p->bindings[j]);
          seen = strcmp (k, key) == 0;
        }
      if (seen)
        continue;
      skiff_json_gen_key (g, key);
      yajl_gen_array_open (g);
      for (size_t j = i; j < p->n; j++)
        {
          const struct skiff_port_binding *b = &p->bindings[j];
          _cleanup_free_ char *k = skiff_port_key (b);
          if (strcmp (k, key) != 0)
            continue;
          _cleanup_free_ char *port = b->host_port == 0 ? xstrdup ("")
                                      : b->host_port_last > b->host_port
                                          ? xasprintf ("%u-%u", b->host_port, b->host_port_last)
                                          : xasprintf ("%u", b->host_port);
          gen_binding (g, b->host_ip, port);
        }
      yajl_gen_array_close (g);
    }
  yajl_gen_map_close (g);
  skiff_json_gen_key_bool (g, "PublishAllPorts", p->publish_all);
}

void
skiff_cli_gen_ports (yajl_gen g, const struct skiff_container *c)
{
  struct skiff_ports_active a;
  active_of (c, &a);
  bool running = c->state.status == SKIFF_CONTAINER_RUNNING;
  skiff_json_gen_key (g, "Ports");
  yajl_gen_map_open (g);
  for (size_t i = 0; running && c->config.ports.exposed && c->config.ports.exposed[i]; i++)
    {
      const char *key = c->config.ports.exposed[i];
      skiff_json_gen_key (g, key);
      bool any = false;
      for (size_t j = 0; j < a.n; j++)
        {
          _cleanup_free_ char *k = skiff_port_key (&a.v[j]);
          if (strcmp (k, key) != 0)
            continue;
          if (!any)
            yajl_gen_array_open (g);
          any = true;
          char port[8];
          snprintf (port, sizeof port, "%u", a.v[j].host_port);
          gen_binding (g, a.v[j].host_ip[0] ? a.v[j].host_ip : "0.0.0.0", port);
        }
      if (any)
        yajl_gen_array_close (g);
      else
        yajl_gen_null (g);
    }
  yajl_gen_map_close (g);
  skiff_ports_active_clear (&a);
}

static int
cmp_line (const void *x, const void *y)
{
  const char *a = *(char *const *)x, *b = *(char *const *)y;
  long pa = strtol (a, NULL, 10), pb = strtol (b, NULL, 10);
  return pa != pb ? (pa < pb ? -1 : 1) : strcmp (a, b);
}

char **
skiff_cli_port_lines (const struct skiff_container *c, const char *key)
{
  struct skiff_ports_active a;
  active_of (c, &a);
  char **lines = NULL;
  for (size_t i = 0; i < a.n; i++)
    {
      _cleanup_free_ char *k = skiff_port_key (&a.v[i]);
      _cleanup_free_ char *host = skiff_port_host_text (&a.v[i]);
      if (key == NULL)
        skiff_strv_push_owned (&lines, xasprintf ("%s -> %s", k, host));
      else if (strcmp (k, key) == 0)
        skiff_strv_push (&lines, host);
    }
  if (lines)
    qsort (lines, skiff_strv_len (lines), sizeof (char *), cmp_line);
  skiff_ports_active_clear (&a);
  return lines;
}
