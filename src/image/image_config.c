/* The OCI / docker image config document: a tolerant parser (unknown keys ignored, both
 * families' shapes), a generator, and `--change` instructions applied to the config. */
#include "image-internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_image_config_clear (struct skiff_image_config *c)
{
  free (c->user);
  skiff_strv_free (c->env);
  skiff_strv_free (c->entrypoint);
  skiff_strv_free (c->cmd);
  free (c->working_dir);
  skiff_strv_free (c->exposed_ports);
  skiff_strv_free (c->volumes);
  skiff_strv_free (c->labels);
  free (c->stop_signal);
  skiff_health_config_clear (&c->healthcheck);
  memset (c, 0, sizeof *c);
}

void
skiff_oci_config_clear (struct skiff_oci_config *cfg)
{
  free (cfg->created);
  free (cfg->author);
  free (cfg->architecture);
  free (cfg->os);
  free (cfg->variant);
  skiff_image_config_clear (&cfg->config);
  skiff_strv_free (cfg->diff_ids);
  for (size_t i = 0; i < cfg->n_history; i++)
    {
      free (cfg->history[i].created);
      free (cfg->history[i].author);
      free (cfg->history[i].created_by);
      free (cfg->history[i].comment);
    }
  free (cfg->history);
  memset (cfg, 0, sizeof *cfg);
}

static int
parse_runtime (yajl_val c, const char *what, struct skiff_image_config *out,
               struct skiff_error **err)
{
  if (c == NULL || YAJL_IS_NULL (c))
    return 0;
  if (!YAJL_IS_OBJECT (c))
    return skiff_error_make (err, 0, "%s: \"config\" must be an object", what);
  int r = 0;
  if (r == 0)
    r = skiff_json_get_string (c, "User", what, &out->user, err);
  if (r == 0)
    r = skiff_json_get_strv (c, "Env", what, &out->env, err);
  if (r == 0)
    r = skiff_json_get_strslice (c, "Entrypoint", what, &out->entrypoint, err);
  if (r == 0)
    r = skiff_json_get_strslice (c, "Cmd", what, &out->cmd, err);
  if (r == 0)
    r = skiff_json_get_string (c, "WorkingDir", what, &out->working_dir, err);
  if (r == 0)
    r = skiff_json_get_keys (c, "ExposedPorts", what, &out->exposed_ports, err);
  if (r == 0)
    r = skiff_json_get_keys (c, "Volumes", what, &out->volumes, err);
  if (r == 0)
    r = skiff_json_get_string_map (c, "Labels", what, &out->labels, err);
  if (r == 0)
    r = skiff_json_get_string (c, "StopSignal", what, &out->stop_signal, err);
  if (r == 0)
    r = skiff_health_config_read (c, "Healthcheck", NULL, what, &out->healthcheck, err);
  return r;
}

static int
parse_history (yajl_val h, const char *what, struct skiff_oci_config *out, struct skiff_error **err)
{
  if (h == NULL || YAJL_IS_NULL (h))
    return 0;
  if (!YAJL_IS_ARRAY (h))
    return skiff_error_make (err, 0, "%s: \"history\" must be an array", what);
  out->history = xzalloc ((h->u.array.len + 1) * sizeof *out->history);
  for (size_t i = 0; i < h->u.array.len; i++)
    {
      yajl_val e = h->u.array.values[i];
      struct skiff_history *o = &out->history[i];
      out->n_history = i + 1;
      if (!YAJL_IS_OBJECT (e))
        return skiff_error_make (err, 0, "%s: \"history\" entries must be objects", what);
      int r = skiff_json_get_string (e, "created", what, &o->created, err);
      if (r == 0)
        r = skiff_json_get_string (e, "author", what, &o->author, err);
      if (r == 0)
        r = skiff_json_get_string (e, "created_by", what, &o->created_by, err);
      if (r == 0)
        r = skiff_json_get_string (e, "comment", what, &o->comment, err);
      if (r == 0)
        r = skiff_json_get_bool (e, "empty_layer", what, &o->empty_layer, err);
      if (r < 0)
        return r;
    }
  return 0;
}

static int
parse_rootfs (yajl_val rootfs, const char *what, struct skiff_oci_config *out,
              struct skiff_error **err)
{
  _cleanup_free_ char *type = NULL;
  if (rootfs == NULL || !YAJL_IS_OBJECT (rootfs))
    return skiff_error_make (err, 0, "%s: \"rootfs\" is missing", what);
  int r = skiff_json_get_string (rootfs, "type", what, &type, err);
  if (r < 0)
    return r;
  if (type == NULL || strcmp (type, "layers") != 0)
    return skiff_error_make (err, 0, "%s: unsupported rootfs type \"%s\"", what, type ? type : "");
  r = skiff_json_get_strv (rootfs, "diff_ids", what, &out->diff_ids, err);
  if (r < 0)
    return r;
  for (size_t i = 0; out->diff_ids && out->diff_ids[i]; i++)
    if (strncmp (out->diff_ids[i], "sha256:", 7) != 0 || strlen (out->diff_ids[i]) != 71)
      return skiff_error_make (err, 0, "%s: invalid diff_id \"%s\"", what, out->diff_ids[i]);
  return 0;
}

int
skiff_oci_config_parse (const char *text, const char *what, struct skiff_oci_config *out,
                        struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val root = NULL;
  memset (out, 0, sizeof *out);
  int r = skiff_json_parse (text, what, &root, err);
  if (r < 0)
    return r;
  if (!YAJL_IS_OBJECT (root))
    return skiff_error_make (err, 0, "%s: image config must be a JSON object", what);
  if (r == 0)
    r = skiff_json_get_string (root, "created", what, &out->created, err);
  if (r == 0)
    r = skiff_json_get_string (root, "author", what, &out->author, err);
  if (r == 0)
    r = skiff_json_get_string (root, "architecture", what, &out->architecture, err);
  if (r == 0)
    r = skiff_json_get_string (root, "os", what, &out->os, err);
  if (r == 0)
    r = skiff_json_get_string (root, "variant", what, &out->variant, err);
  if (r == 0)
    r = parse_runtime (skiff_json_get_field (root, "config"), what, &out->config, err);
  if (r == 0)
    r = parse_rootfs (skiff_json_get_field (root, "rootfs"), what, out, err);
  if (r == 0)
    r = parse_history (skiff_json_get_field (root, "history"), what, out, err);
  if (r < 0)
    skiff_oci_config_clear (out);
  return r;
}

static void
gen_opt_string (yajl_gen g, const char *key, const char *v)
{
  if (v)
    skiff_json_gen_key_string (g, key, v);
}

static void
gen_runtime (yajl_gen g, const struct skiff_image_config *c)
{
  skiff_json_gen_key (g, "config");
  yajl_gen_map_open (g);
  gen_opt_string (g, "User", c->user);
  if (c->exposed_ports)
    skiff_json_gen_key_set (g, "ExposedPorts", c->exposed_ports);
  if (c->env)
    skiff_json_gen_key_strv (g, "Env", c->env, true);
  if (c->entrypoint)
    skiff_json_gen_key_strv (g, "Entrypoint", c->entrypoint, true);
  if (c->cmd)
    skiff_json_gen_key_strv (g, "Cmd", c->cmd, true);
  if (c->volumes)
    skiff_json_gen_key_set (g, "Volumes", c->volumes);
  gen_opt_string (g, "WorkingDir", c->working_dir);
  if (c->labels)
    skiff_json_gen_key_map (g, "Labels", c->labels);
  gen_opt_string (g, "StopSignal", c->stop_signal);
  skiff_health_config_gen (g, &c->healthcheck);
  yajl_gen_map_close (g);
}

char *
skiff_oci_config_generate (const struct skiff_oci_config *cfg, size_t *len)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  gen_opt_string (g, "created", cfg->created);
  gen_opt_string (g, "author", cfg->author);
  gen_opt_string (g, "architecture", cfg->architecture);
  gen_opt_string (g, "os", cfg->os);
  gen_opt_string (g, "variant", cfg->variant);
  gen_runtime (g, &cfg->config);
  skiff_json_gen_key (g, "rootfs");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "type", "layers");
  skiff_json_gen_key_strv (g, "diff_ids", cfg->diff_ids, true);
  yajl_gen_map_close (g);
  if (cfg->n_history > 0)
    {
      skiff_json_gen_key (g, "history");
      yajl_gen_array_open (g);
      for (size_t i = 0; i < cfg->n_history; i++)
        {
          const struct skiff_history *h = &cfg->history[i];
          yajl_gen_map_open (g);
          gen_opt_string (g, "created", h->created);
          gen_opt_string (g, "author", h->author);
          gen_opt_string (g, "created_by", h->created_by);
          gen_opt_string (g, "comment", h->comment);
          if (h->empty_layer)
            skiff_json_gen_key_bool (g, "empty_layer", true);
          yajl_gen_map_close (g);
        }
      yajl_gen_array_close (g);
    }
  yajl_gen_map_close (g);
  return skiff_json_gen_finish (g, len);
}
