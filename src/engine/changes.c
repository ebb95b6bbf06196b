/* skiff_engine_changes: `diff` of a container against its image (the layers it runs on). */
#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/image.h"
#include "skiff/strv.h"

int
skiff_engine_changes (struct skiff_store *store, const struct skiff_container *c,
                      struct skiff_container_change **out, size_t *n, struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_image_load (store, c->config.image_id, &img, err);
  if (r < 0)
    return r;
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  return skiff_container_changes (c, lower, out, n, err);
}
