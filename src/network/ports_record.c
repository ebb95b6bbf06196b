/* The records of port publishing: config.json "Ports" (what create decided) and
 * containers/<id>/ports (what start made: one line "helper PID STARTTIME", then one line
 * "PROTO PORT HOSTIP HOSTPORT" per binding, HOSTIP "-" for every address). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/ports.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_ports_config_gen (yajl_gen g, const struct skiff_ports_config *cfg)
{
  skiff_json_gen_key (g, "Ports");
  yajl_gen_map_open (g);
  skiff_json_gen_key (g, "Bindings");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < cfg->n; i++)
    {
      const struct skiff_port_binding *b = &cfg->bindings[i];
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "Proto", b->proto);
      skiff_json_gen_key_int (g, "Port", b->port);
      skiff_json_gen_key_string (g, "HostIp", b->host_ip);
      skiff_json_gen_key_int (g, "HostPort", b->host_port);
      skiff_json_gen_key_int (g, "HostPortLast", b->host_port_last);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  skiff_json_gen_key_strv (g, "Exposed", cfg->exposed, true);
  skiff_json_gen_key_bool (g, "PublishAll", cfg->publish_all);
  yajl_gen_map_close (g);
}

static bool
port_ok (int64_t v)
{
  return v >= 0 && v <= 65535;
}

/* One "Bindings" entry; anything out of range is refused (the record is not trusted). */
static int
read_binding (yajl_val e, const char *what, struct skiff_port_binding *b, struct skiff_error **err)
{
  _cleanup_free_ char *proto = NULL, *ip = NULL;
  int64_t port = -1, hp = 0, hl = 0;
  int r;
  if (!YAJL_IS_OBJECT (e))
    return skiff_error_make (err, 0, "%s: a \"Ports\" binding is not an object", what);
  if ((r = skiff_json_get_string (e, "Proto", what, &proto, err)) < 0
      || (r = skiff_json_get_string (e, "HostIp", what, &ip, err)) < 0
      || (r = skiff_json_get_int (e, "Port", what, &port, err)) < 0
      || (r = skiff_json_get_int (e, "HostPort", what, &hp, err)) < 0
      || (r = skiff_json_get_int (e, "HostPortLast", what, &hl, err)) < 0)
    return r;
  if (proto == NULL || strlen (proto) >= sizeof b->proto || (ip && strlen (ip) >= 46)
      || !port_ok (port) || !port_ok (hp) || !port_ok (hl))
    return skiff_error_make (err, 0, "%s: a bad \"Ports\" binding", what);
  memset (b, 0, sizeof *b);
  strcpy (b->proto, proto);
  strcpy (b->host_ip, ip ? ip : "");
  b->port = (uint16_t)port;
  b->host_port = (uint16_t)hp;
  b->host_port_last = (uint16_t)hl;
  return 0;
}

int
skiff_ports_config_read (yajl_val root, const char *what, struct skiff_ports_config *cfg,
                         struct skiff_error **err)
{
  yajl_val ports = skiff_json_get_field (root, "Ports");
  memset (cfg, 0, sizeof *cfg);
  if (ports == NULL)
    return 0; /* a record from before port publishing */
  if (!YAJL_IS_OBJECT (ports))
    return skiff_error_make (err, 0, "%s: \"Ports\" is not an object", what);
  int r;
  if ((r = skiff_json_get_strv (ports, "Exposed", what, &cfg->exposed, err)) < 0
      || (r = skiff_json_get_bool (ports, "PublishAll", what, &cfg->publish_all, err)) < 0)
    return r;
  yajl_val list = skiff_json_get_field (ports, "Bindings");
  if (list != NULL && !YAJL_IS_ARRAY (list))
    return skiff_error_make (err, 0, "%s: \"Ports.Bindings\" is not an array", what);
  size_t n = list ? list->u.array.len : 0;
  cfg->bindings = n ? xzalloc ((n) * sizeof *cfg->bindings) : NULL;
  for (size_t i = 0; i < n; i++, cfg->n++)
    if ((r = read_binding (list->u.array.values[i], what, &cfg->bindings[i], err)) < 0)
      return r;
  return 0;
}

void
skiff_ports_active_clear (struct skiff_ports_active *a)
{
  free (a->v);
  memset (a, 0, sizeof *a);
}

static char *
active_path (const char *dir)
{
  return skiff_path_join (dir, "ports");
}

int
skiff_ports_active_read (const char *dir, struct skiff_ports_active *out)
{
  memset (out, 0, sizeof *out);
  _cleanup_free_ char *path = active_path (dir);
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  if (f == NULL)
    return -errno;
  char line[160];
  int pid;
  if (fgets (line, sizeof line, f) == NULL
      || sscanf (line, "helper %d %llu", &pid, &out->helper_start) != 2 || pid < 0)
    return -EINVAL;
  out->helper = pid;
  while (fgets (line, sizeof line, f) != NULL)
    {
      struct skiff_port_binding b;
      unsigned port, hport;
      memset (&b, 0, sizeof b);
      if (sscanf (line, "%4s %u %45s %u", b.proto, &port, b.host_ip, &hport) != 4 || port > 65535
          || hport > 65535)
        continue; /* a torn line holds nothing */
      if (strcmp (b.host_ip, "-") == 0)
        b.host_ip[0] = '\0';
      b.port = (uint16_t)port;
      b.host_port = b.host_port_last = (uint16_t)hport;
      out->v = xrealloc (out->v, (out->n + 1) * sizeof *out->v);
      out->v[out->n++] = b;
    }
  return 0;
}

int
skiff_ports_active_write (const char *dir, const struct skiff_ports_active *a,
                          struct skiff_error **err)
{
  _cleanup_free_ char *path = active_path (dir);
  _cleanup_free_ char *text = xasprintf ("helper %d %llu\n", (int)a->helper, a->helper_start);
  for (size_t i = 0; i < a->n; i++)
    {
      const struct skiff_port_binding *b = &a->v[i];
      char *more = xasprintf ("%s%s %u %s %u\n", text, b->proto, (unsigned)b->port,
                              b->host_ip[0] ? b->host_ip : "-", (unsigned)b->host_port);
      free (text);
      text = more;
    }
  return skiff_fs_write_atomic (path, text, strlen (text), 0644, 0, err);
}
