/* `system df`: every image with the bytes it shares with other images (layers on more than one
 * chain), and the bytes of all layers counted once (docker's LayersSize). */
#include "image-internal.h"

#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/keyindex.h"
#include "skiff/xalloc.h"

int
skiff_image_usage_list (struct skiff_store *store, struct skiff_image_usage **out, size_t *n,
                        int64_t *layers_size, struct skiff_error **err)
{
  struct skiff_image **list = NULL;
  int r = skiff_image_list (store, &list, err);
  if (r < 0)
    return r;
  size_t count = 0;
  while (list[count])
    count++;
  /* how many images use each layer: one index over all chains, linear in their total length */
  _cleanup_key_index_ struct skiff_key_index users = { 0 };
  size_t *uses = NULL, n_layers = 0;
  int64_t *sizes = NULL;
  *layers_size = 0;
  for (size_t i = 0; i < count; i++)
    for (char **c = list[i]->chain_ids; c && *c; c++)
      {
        size_t k = skiff_key_index_find (&users, *c, strlen (*c));
        if (k != SKIFF_KEY_INDEX_NONE)
          {
            uses[k]++;
            continue;
          }
        uses = xrealloc (uses, (n_layers + 1) * sizeof *uses);
        sizes = xrealloc (sizes, (n_layers + 1) * sizeof *sizes);
        uses[n_layers] = 1;
        sizes[n_layers] = skiff_layer_size (store, *c);
        *layers_size += sizes[n_layers];
        skiff_key_index_set (&users, *c, strlen (*c), n_layers++);
      }
  struct skiff_image_usage *u = xzalloc ((count + 1) * sizeof *u);
  /* the index borrows the chain IDs: the images stay until it is cleared (u owns them) */
  for (size_t i = 0; i < count; i++)
    {
      u[i].img = list[i];
      for (char **c = list[i]->chain_ids; c && *c; c++)
        {
          size_t k = skiff_key_index_find (&users, *c, strlen (*c));
          if (k != SKIFF_KEY_INDEX_NONE && uses[k] > 1)
            u[i].shared += sizes[k];
        }
    }
  free (uses);
  free (sizes);
  free (list); /* the images now belong to u */
  *out = u;
  *n = count;
  return 0;
}

void
skiff_image_usage_free (struct skiff_image_usage *u, size_t n)
{
  for (size_t i = 0; u && i < n; i++)
    skiff_image_free (u[i].img);
  free (u);
}
