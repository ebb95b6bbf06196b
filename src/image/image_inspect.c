/* `image inspect`: docker's image JSON (Id, RepoTags, RepoDigests, Created, Config, RootFS,
 * Size, Architecture, Os...). */
#include "image-internal.h"

#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static void
gen_config (yajl_gen g, const struct skiff_image_config *c)
{
  skiff_json_gen_key (g, "Config");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Hostname", "");
  skiff_json_gen_key_string (g, "Domainname", "");
  skiff_json_gen_key_string (g, "User", c->user ? c->user : "");
  skiff_json_gen_key_bool (g, "AttachStdin", false);
  skiff_json_gen_key_bool (g, "AttachStdout", false);
  skiff_json_gen_key_bool (g, "AttachStderr", false);
  if (c->exposed_ports)
    skiff_json_gen_key_set (g, "ExposedPorts", c->exposed_ports);
  skiff_json_gen_key_bool (g, "Tty", false);
  skiff_json_gen_key_bool (g, "OpenStdin", false);
  skiff_json_gen_key_bool (g, "StdinOnce", false);
  skiff_json_gen_key_strv (g, "Env", c->env, false);
  skiff_json_gen_key_strv (g, "Cmd", c->cmd, false);
  skiff_json_gen_key_string (g, "Image", "");
  skiff_json_gen_key_set (g, "Volumes", c->volumes);
  skiff_json_gen_key_string (g, "WorkingDir", c->working_dir ? c->working_dir : "");
  skiff_json_gen_key_strv (g, "Entrypoint", c->entrypoint, false);
  skiff_json_gen_key_strv (g, "OnBuild", NULL, false);
  skiff_json_gen_key_map (g, "Labels", c->labels);
  if (c->stop_signal)
    skiff_json_gen_key_string (g, "StopSignal", c->stop_signal);
  yajl_gen_map_close (g);
}

static void
gen_repo_tags (yajl_gen g, struct skiff_store *store, const char *id, char *const *names)
{
  skiff_json_gen_key (g, "RepoTags");
  yajl_gen_array_open (g);
  for (size_t i = 0; names && names[i]; i++)
    {
      _cleanup_free_ char *f = skiff_reference_familiar_text (names[i]);
      skiff_json_gen_string (g, f);
    }
  yajl_gen_array_close (g);
  skiff_json_gen_key (g, "RepoDigests");
  yajl_gen_array_open (g);
  _cleanup_strv_ char **digests = skiff_image_repo_digests (store, id);
  for (size_t i = 0; digests && digests[i]; i++)
    {
      _cleanup_free_ char *f = skiff_reference_familiar_text (digests[i]);
      skiff_json_gen_string (g, f);
    }
  yajl_gen_array_close (g);
}

static void
gen_graph_driver (yajl_gen g, struct skiff_store *store, const struct skiff_image *img)
{
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  _cleanup_free_ char *joined = skiff_strv_join (lower, ":");
  skiff_json_gen_key (g, "GraphDriver");
  yajl_gen_map_open (g);
  skiff_json_gen_key (g, "Data");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "LowerDir", joined);
  yajl_gen_map_close (g);
  skiff_json_gen_key_string (g, "Name", "overlay");
  yajl_gen_map_close (g);
}

static void
gen_image (yajl_gen g, struct skiff_store *store, const struct skiff_image *img,
           const struct skiff_oci_config *cfg)
{
  _cleanup_free_ char *id = xasprintf ("sha256:%s", img->id);
  const char *comment = cfg->n_history ? cfg->history[cfg->n_history - 1].comment : NULL;
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Id", id);
  gen_repo_tags (g, store, img->id, img->names);
  skiff_json_gen_key_string (g, "Parent", "");
  skiff_json_gen_key_string (g, "Comment", comment ? comment : "");
  skiff_json_gen_key_string (g, "Created", img->created ? img->created : "");
  skiff_json_gen_key_string (g, "DockerVersion", "");
  skiff_json_gen_key_string (g, "Author", cfg->author ? cfg->author : "");
  gen_config (g, &img->config);
  skiff_json_gen_key_string (g, "Architecture", img->architecture ? img->architecture : "");
  if (cfg->variant)
    skiff_json_gen_key_string (g, "Variant", cfg->variant);
  skiff_json_gen_key_string (g, "Os", img->os ? img->os : "");
  skiff_json_gen_key_int (g, "Size", img->size);
  skiff_json_gen_key_int (g, "VirtualSize", img->size);
  gen_graph_driver (g, store, img);
  skiff_json_gen_key (g, "RootFS");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Type", "layers");
  skiff_json_gen_key_strv (g, "Layers", img->diff_ids, true);
  yajl_gen_map_close (g);
  skiff_json_gen_key (g, "Metadata");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "LastTagTime", "0001-01-01T00:00:00Z");
  yajl_gen_map_close (g);
  _cleanup_free_ char *manifest_type = skiff_image_manifest_type (store, img->id);
  skiff_json_gen_key_string (g, "ManifestType", manifest_type); /* podman's */
  yajl_gen_map_close (g);
}

int
skiff_image_read_config (struct skiff_store *store, const char *id, struct skiff_oci_config *out,
                         struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("blobs/sha256/%s", id);
  _cleanup_free_ char *path = skiff_store_path (store, rel);
  _cleanup_free_ char *text = NULL;
  int r = skiff_fs_read_file (path, &text, NULL, err);
  if (r < 0)
    return r;
  return skiff_oci_config_parse (text, path, out, err);
}

/* yajl's beautifier prints empty containers as "[\n\n    ]"; Go prints "[]". */
static void
compact_empty (char *s)
{
  char *w = s;
  bool in_string = false;
  for (char *r = s; *r;)
    {
      if (in_string && *r == '\\' && r[1])
        {
          *w++ = *r++;
          *w++ = *r++;
          continue;
        }
      if (*r == '"')
        in_string = !in_string;
      if (!in_string && (*r == '[' || *r == '{'))
        {
          char *q = r + 1;
          while (*q == '\n' || *q == ' ')
            q++;
          if (*q == (*r == '[' ? ']' : '}'))
            {
              *w++ = *r;
              *w++ = *q;
              r = q + 1;
              continue;
            }
        }
      *w++ = *r++;
    }
  while (w > s && w[-1] == '\n')
    w--;
  *w = '\0';
}

int
skiff_image_inspect_json (struct skiff_store *store, struct skiff_image *const *imgs, size_t n,
                          bool array, char **out, struct skiff_error **err)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (array);
  if (array)
    yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    {
      struct skiff_oci_config cfg;
      int r = skiff_image_read_config (store, imgs[i]->id, &cfg, err);
      if (r < 0)
        return r;
      gen_image (g, store, imgs[i], &cfg);
      skiff_oci_config_clear (&cfg);
    }
  if (array)
    yajl_gen_array_close (g);
  size_t len;
  *out = skiff_json_gen_finish (g, &len);
  if (array)
    compact_empty (*out);
  return 0;
}
