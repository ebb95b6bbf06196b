/* skiff_engine_commit: what the container changed, as a layer, on a new image.  The upper dir
 * is packed as it is on disk (layer_pack.c: whiteouts and opaque dirs in their tar form);
 * --squash packs the merged tree through export's read-only view instead.  --pause freezes a
 * running container for the pack, so the layer is one moment's state. */
#include <string.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/strv.h"

struct commit_source
{
  struct skiff_store *store;
  const struct skiff_container *c;
  bool squash;
};

static int
write_layer (void *data, int fd, struct skiff_error **err)
{
  const struct commit_source *s = data;
  if (s->squash)
    return skiff_engine_export (s->store, s->c, fd, err);
  _cleanup_free_ char *upper = skiff_path_join (s->c->dir, "upper");
  return skiff_image_pack_dir (upper, fd, err);
}

int
skiff_engine_commit (struct skiff_store *store, struct skiff_container *c, const char *ref,
                     const struct skiff_engine_commit_options *opts, char **id_out,
                     struct skiff_error **err)
{
  bool paused = false;
  if (opts->pause && c->state.status == SKIFF_CONTAINER_RUNNING && !c->state.paused)
    {
      int r = skiff_container_set_paused (c, true, err);
      if (r < 0)
        return r;
      paused = true;
    }
  struct commit_source src = { .store = store, .c = c, .squash = opts->squash };
  const struct skiff_image_config ran = { .cmd = c->config.cmd,
                                          .entrypoint = c->config.entrypoint,
                                          .env = c->config.env,
                                          .working_dir = c->config.workdir,
                                          .user = c->config.user };
  _cleanup_free_ char *created_by = skiff_strv_join (c->config.argv, " ");
  const struct skiff_image_commit_options io = { .base_id = c->config.image_id,
                                                 .squash = opts->squash,
                                                 .write_layer = write_layer,
                                                 .data = &src,
                                                 .container = &ran,
                                                 .created_by = created_by,
                                                 .changes = opts->changes,
                                                 .message = opts->message,
                                                 .author = opts->author,
                                                 .manifest_type = opts->manifest_type };
  int r = skiff_image_commit_container (store, &io, ref, id_out, err);
  if (paused)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_container_set_paused (c, false, &e) < 0)
        skiff_error_log_drop (&e, SKIFF_LOG_WARN);
    }
  return r;
}
