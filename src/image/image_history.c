/* `history`: the config's history walked against the layers (each entry without empty_layer
 * consumes the next layer), newest first. */
#include "image-internal.h"

#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_image_history_free (struct skiff_image_history *h, size_t n)
{
  for (size_t i = 0; h && i < n; i++)
    {
      free (h[i].id);
      free (h[i].created);
      free (h[i].created_by);
      free (h[i].comment);
    }
  free (h);
}

int
skiff_image_history (struct skiff_store *store, const struct skiff_image *img,
                     struct skiff_image_history **out, size_t *n, struct skiff_error **err)
{
  struct skiff_oci_config cfg;
  int r = skiff_image_read_config (store, img->id, &cfg, err);
  if (r < 0)
    return r;
  size_t n_layers = skiff_strv_len (img->chain_ids);
  /* configs without history (some imports) still have layers: one row each */
  size_t rows = cfg.n_history ? cfg.n_history : n_layers;
  struct skiff_image_history *h = xzalloc ((rows + 1) * sizeof *h);
  size_t layer = 0;
  for (size_t i = 0; i < rows; i++)
    {
      struct skiff_image_history *row = &h[rows - 1 - i];
      const struct skiff_history *src = cfg.n_history ? &cfg.history[i] : NULL;
      bool empty = src && src->empty_layer;
      row->created = xstrdup (src && src->created ? src->created : cfg.created ? cfg.created : "");
      row->created_by = xstrdup (src && src->created_by ? src->created_by : "");
      row->comment = xstrdup (src && src->comment ? src->comment : "");
      if (!empty && layer < n_layers)
        row->size = skiff_layer_size (store, img->chain_ids[layer++]);
    }
  if (rows > 0)
    h[0].id = xstrdup (img->id);
  skiff_oci_config_clear (&cfg);
  *out = h;
  *n = rows;
  return 0;
}
