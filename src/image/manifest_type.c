/* images/<id>/manifest-type: the manifest type an image was committed (`commit -f`), pulled or
 * loaded (a docker-archive or an OCI layout) with, podman's ManifestType; push writes that
 * type unless -f says otherwise.  An image without the record (import, an older skiff) is
 * docker's schema 2. */
#include "image-internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

static char *
type_path (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *rel = xasprintf ("images/%s/manifest-type", id);
  return skiff_store_path (store, rel);
}

bool
skiff_image_manifest_type_valid (const char *type)
{
  return type
         && (strcmp (type, SKIFF_IMAGE_MANIFEST_OCI) == 0
             || strcmp (type, SKIFF_IMAGE_MANIFEST_DOCKER) == 0);
}

char *
skiff_image_manifest_type (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *path = type_path (store, id);
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_read_file (path, &text, NULL, &e) == 0)
    {
      text[strcspn (text, "\n")] = '\0';
      if (skiff_image_manifest_type_valid (text))
        return steal_ptr (&text);
    }
  return xstrdup (SKIFF_IMAGE_MANIFEST_DOCKER);
}

int
skiff_image_set_manifest_type_locked (struct skiff_store *store, const char *id, const char *type,
                                      struct skiff_error **err)
{
  if (!skiff_image_manifest_type_valid (type))
    return skiff_error_make (err, EINVAL, "manifest type %s", type ? type : "(none)");
  _cleanup_free_ char *path = type_path (store, id);
  _cleanup_free_ char *text = xasprintf ("%s\n", type);
  return skiff_fs_write_atomic (path, text, strlen (text), 0600, SKIFF_WRITE_DURABLE, err);
}
