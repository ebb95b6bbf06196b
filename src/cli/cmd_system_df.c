/* skiff system df [-v] [--format]: docker's disk usage table.  Images: how many, how many a
 * container uses, the bytes of all layers (a layer several images share counted once) and
 * what removing the unused ones would free (docker's figure: all layers less the unique bytes
 * of the used images).  Containers: their writable layers, reclaimable when not running.
 * Local Volumes: their data, reclaimable when no container uses them.  No build cache. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/reference.h"
#include "skiff/strv.h"
#include "skiff/volume.h"
#include "skiff/xalloc.h"

struct df_opts
{
  const char *format;
  bool verbose;
};

static const struct skiff_opt df_options[] = {
  SKIFF_OPT_S ("format", 0, struct df_opts, format, "Pretty-print images using a Go template"),
  SKIFF_OPT_B ("verbose", 'v', struct df_opts, verbose, "Show detailed information on space usage"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_system_df_groups[] = { df_options, NULL };

struct df_container
{
  struct skiff_container *c;
  int64_t size;
  bool active;
};

struct df_data
{
  struct skiff_image_usage *images;
  size_t n_images;
  size_t *image_users; /* containers per image */
  int64_t layers_size;
  struct df_container *ctrs;
  size_t n_ctrs;
  struct skiff_engine_volume *vols;
  int64_t *vol_sizes;
  size_t n_vols;
};

static void
df_clear (struct df_data *d)
{
  skiff_image_usage_free (d->images, d->n_images);
  free (d->image_users);
  for (size_t i = 0; i < d->n_ctrs; i++)
    skiff_container_free (d->ctrs[i].c);
  free (d->ctrs);
  skiff_engine_volumes_free (d->vols);
  free (d->vol_sizes);
}

static int
gather (struct skiff_store *store, struct df_data *d, struct skiff_error **err)
{
  _cleanup_strv_ char **ids = NULL;
  int r = skiff_image_usage_list (store, &d->images, &d->n_images, &d->layers_size, err);
  if (r < 0 || (r = skiff_container_list_ids (store, &ids, err)) < 0
      || (r = skiff_engine_volume_select (store, NULL, &d->vols, err)) < 0)
    return r;
  d->image_users = xzalloc ((d->n_images + 1) * sizeof *d->image_users);
  d->ctrs = xzalloc ((skiff_strv_len (ids) + 1) * sizeof *d->ctrs);
  for (size_t i = 0; ids && ids[i]; i++)
    {
      struct df_container *dc = &d->ctrs[d->n_ctrs];
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_container_load (store, ids[i], &dc->c, &e) < 0)
        continue; /* removed meanwhile */
      enum skiff_container_status s = dc->c->state.status;
      dc->active = s == SKIFF_CONTAINER_RUNNING || s == SKIFF_CONTAINER_RESTARTING;
      dc->size = skiff_cli_container_rw_size (dc->c);
      for (size_t k = 0; k < d->n_images; k++)
        if (strcmp (d->images[k].img->id, dc->c->config.image_id) == 0)
          d->image_users[k]++;
      d->n_ctrs++;
    }
  while (d->vols[d->n_vols].volume)
    d->n_vols++;
  d->vol_sizes = xzalloc ((d->n_vols + 1) * sizeof *d->vol_sizes);
  for (size_t i = 0; i < d->n_vols; i++)
    d->vol_sizes[i] = skiff_cli_tree_size (d->vols[i].volume->data);
  return 0;
}

/* "<size> (<percent>%)" as docker prints RECLAIMABLE; the bare size when total is 0. */
static char *
reclaimable_text (int64_t reclaimable, int64_t total)
{
  _cleanup_free_ char *h = skiff_human_size (reclaimable);
  if (total <= 0)
    return steal_ptr (&h);
  return xasprintf ("%s (%lld%%)", h, (long long)(reclaimable * 100 / total));
}

static yajl_val
summary_row (const char *type, size_t total, size_t active, int64_t size, int64_t reclaimable,
             bool percent)
{
  _cleanup_free_ char *h = skiff_human_size (size);
  _cleanup_free_ char *rec = reclaimable_text (reclaimable, percent ? size : 0);
  char tc[32], ac[32];
  snprintf (tc, sizeof tc, "%zu", total);
  snprintf (ac, sizeof ac, "%zu", active);
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Active", ac);
  skiff_json_gen_key_string (g, "Reclaimable", rec);
  skiff_json_gen_key_string (g, "Size", h);
  skiff_json_gen_key_string (g, "TotalCount", tc);
  skiff_json_gen_key_string (g, "Type", type);
  yajl_gen_map_close (g);
  return skiff_cli_gen_tree (g);
}

static int
print_summary (const struct df_data *d, const char *format, struct skiff_error **err)
{
  size_t img_active = 0, ctr_active = 0, vol_active = 0;
  int64_t img_used = 0, ctr_size = 0, ctr_rec = 0, vol_size = 0, vol_rec = 0;
  for (size_t i = 0; i < d->n_images; i++)
    if (d->image_users[i] > 0)
      {
        img_active++;
        img_used += d->images[i].img->size - d->images[i].shared;
      }
  for (size_t i = 0; i < d->n_ctrs; i++)
    {
      ctr_active += d->ctrs[i].active;
      ctr_size += d->ctrs[i].size;
      ctr_rec += d->ctrs[i].active ? 0 : d->ctrs[i].size;
    }
  for (size_t i = 0; i < d->n_vols; i++)
    {
      vol_active += d->vols[i].in_use;
      vol_size += d->vol_sizes[i];
      vol_rec += d->vols[i].in_use ? 0 : d->vol_sizes[i];
    }
  int64_t img_rec = d->layers_size - img_used;
  yajl_val *rows = xzalloc (5 * sizeof *rows);
  rows[0] = summary_row ("Images", d->n_images, img_active, d->layers_size,
                         img_rec < 0 ? 0 : img_rec, true);
  rows[1] = summary_row ("Containers", d->n_ctrs, ctr_active, ctr_size, ctr_rec, true);
  rows[2] = summary_row ("Local Volumes", d->n_vols, vol_active, vol_size, vol_rec, true);
  rows[3] = summary_row ("Build Cache", 0, 0, 0, 0, false);
  return skiff_cli_format_rows (
      format, "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
      "{\"Type\":\"TYPE\",\"TotalCount\":\"TOTAL\",\"Active\":\"ACTIVE\",\"Size\":\"SIZE\","
      "\"Reclaimable\":\"RECLAIMABLE\"}",
      rows, 4, err);
}

static char *
ago (const char *rfc3339, time_t now)
{
  struct timespec ts;
  if (rfc3339 == NULL || skiff_time_parse (rfc3339, &ts) < 0)
    return xstrdup ("");
  _cleanup_free_ char *d = skiff_human_duration ((int64_t)(now - ts.tv_sec));
  return xasprintf ("%s ago", d);
}

static void
image_rows (const struct df_data *d, time_t now, yajl_val **rows, size_t *n)
{
  for (size_t i = 0; i < d->n_images; i++)
    {
      const struct skiff_image *img = d->images[i].img;
      size_t names = skiff_strv_len (img->names);
      for (size_t k = 0; k < (names ? names : 1); k++)
        {
          _cleanup_free_ char *repo
              = names ? skiff_reference_familiar_text (img->names[k]) : xstrdup ("<none>");
          char *colon = strrchr (repo, ':');
          const char *tag = "<none>";
          if (names && colon && !strchr (colon, '/'))
            {
              *colon = '\0';
              tag = colon + 1;
            }
          _cleanup_free_ char *created = ago (img->created, now);
          _cleanup_free_ char *size = skiff_human_size (img->size);
          _cleanup_free_ char *shared = skiff_human_size (d->images[i].shared);
          _cleanup_free_ char *unique = skiff_human_size (img->size - d->images[i].shared);
          _cleanup_free_ char *users = xasprintf ("%zu", d->image_users[i]);
          _cleanup_free_ char *id = xstrndup (img->id, 12);
          _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
          yajl_gen_map_open (g);
          skiff_json_gen_key_string (g, "Containers", users);
          skiff_json_gen_key_string (g, "CreatedSince", created);
          skiff_json_gen_key_string (g, "ID", id);
          skiff_json_gen_key_string (g, "Repository", repo);
          skiff_json_gen_key_string (g, "SharedSize", shared);
          skiff_json_gen_key_string (g, "Size", size);
          skiff_json_gen_key_string (g, "Tag", tag);
          skiff_json_gen_key_string (g, "UniqueSize", unique);
          yajl_gen_map_close (g);
          *rows = xrealloc (*rows, (*n + 2) * sizeof **rows);
          (*rows)[(*n)++] = skiff_cli_gen_tree (g);
        }
    }
}

static yajl_val
container_row (const struct df_container *dc, time_t now)
{
  const struct skiff_container_config *cfg = &dc->c->config;
  _cleanup_free_ char *id = xstrndup (cfg->id, 12);
  _cleanup_free_ char *cmd = skiff_strv_join (cfg->argv, " ");
  _cleanup_free_ char *cut = skiff_cli_ellipsis (cmd, 20);
  _cleanup_free_ char *quoted = skiff_cli_quote (cut);
  _cleanup_free_ char *size = skiff_human_size (dc->size);
  _cleanup_free_ char *created = ago (cfg->created, now);
  _cleanup_free_ char *status = skiff_cli_status_text (dc->c, now);
  _cleanup_free_ char *vols = xasprintf ("%zu", cfg->mounts.n);
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Command", quoted);
  skiff_json_gen_key_string (g, "CreatedSince", created);
  skiff_json_gen_key_string (g, "ID", id);
  skiff_json_gen_key_string (g, "Image", cfg->image_name);
  skiff_json_gen_key_string (g, "LocalVolumes", vols);
  skiff_json_gen_key_string (g, "Names", cfg->name);
  skiff_json_gen_key_string (g, "Size", size);
  skiff_json_gen_key_string (g, "Status", status);
  yajl_gen_map_close (g);
  return skiff_cli_gen_tree (g);
}

static int
print_verbose (const struct df_data *d, struct skiff_error **err)
{
  time_t now = time (NULL);
  yajl_val *rows = xzalloc (sizeof *rows);
  size_t n = 0;
  image_rows (d, now, &rows, &n);
  printf ("Images space usage:\n\n");
  int r = skiff_cli_format_rows (
      NULL,
      "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}"
      "\t{{.UniqueSize}}\t{{.Containers}}",
      "{\"Repository\":\"REPOSITORY\",\"Tag\":\"TAG\",\"ID\":\"IMAGE ID\",\"CreatedSince\":"
      "\"CREATED\",\"Size\":\"SIZE\",\"SharedSize\":\"SHARED SIZE\",\"UniqueSize\":\"UNIQUE "
      "SIZE\",\"Containers\":\"CONTAINERS\"}",
      rows, n, err);
  rows = xzalloc ((d->n_ctrs + 1) * sizeof *rows);
  for (size_t i = 0; i < d->n_ctrs; i++)
    rows[i] = container_row (&d->ctrs[i], now);
  printf ("\nContainers space usage:\n\n");
  if (r == 0)
    r = skiff_cli_format_rows (
        NULL,
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.CreatedSince}}"
        "\t{{.Status}}\t{{.Names}}",
        "{\"ID\":\"CONTAINER ID\",\"Image\":\"IMAGE\",\"Command\":\"COMMAND\",\"LocalVolumes\":"
        "\"LOCAL VOLUMES\",\"Size\":\"SIZE\",\"CreatedSince\":\"CREATED\",\"Status\":\"STATUS\","
        "\"Names\":\"NAMES\"}",
        rows, d->n_ctrs, err);
  rows = xzalloc ((d->n_vols + 1) * sizeof *rows);
  for (size_t i = 0; i < d->n_vols; i++)
    {
      _cleanup_free_ char *size = skiff_human_size (d->vol_sizes[i]);
      _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "Links", d->vols[i].in_use ? "1" : "0");
      skiff_json_gen_key_string (g, "Name", d->vols[i].volume->name);
      skiff_json_gen_key_string (g, "Size", size);
      yajl_gen_map_close (g);
      rows[i] = skiff_cli_gen_tree (g);
    }
  printf ("\nLocal Volumes space usage:\n\n");
  if (r == 0)
    r = skiff_cli_format_rows (NULL, "table {{.Name}}\t{{.Links}}\t{{.Size}}",
                               "{\"Name\":\"VOLUME NAME\",\"Links\":\"LINKS\",\"Size\":\"SIZE\"}",
                               rows, d->n_vols, err);
  if (r == 0)
    printf ("\nBuild cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   "
            "USAGE     SHARED\n");
  return r;
}

int
cmd_system_df (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct df_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse_no_args (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  if (o.verbose && o.format)
    return skiff_error_make_status (err, 125, 0, "--format and --verbose cannot be combined");
  struct skiff_store *store;
  struct df_data d = { 0 };
  if ((r = skiff_cli_store (cli, &store, err)) == 0 && (r = gather (store, &d, err)) == 0)
    r = o.verbose ? print_verbose (&d, err) : print_summary (&d, o.format, err);
  df_clear (&d);
  return r;
}
