/* skiff_image_lookup: full ID, name (docker normalisation, then podman's localhost/), or a
 * unique ID prefix. */
#include "image-internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

static bool
is_hex_prefix (const char *s)
{
  size_t n = strlen (s);
  if (n < 3 || n > 64)
    return false;
  return strspn (s, "0123456789abcdef") == n;
}

static char *
id_by_name (struct skiff_store *store, const char *text)
{
  struct skiff_reference ref;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_reference_parse (text, &ref, &e) < 0)
    return NULL;
  _cleanup_free_ char *name = skiff_reference_string (&ref);
  skiff_reference_clear (&ref);
  _cleanup_free_ char *esc = skiff_image_escape_name (name);
  _cleanup_free_ char *rel = xasprintf ("names/images/%s", esc);
  _cleanup_free_ char *link = skiff_store_path (store, rel);
  char buf[128];
  ssize_t n = readlink (link, buf, sizeof buf - 1);
  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  return xstrdup (buf);
}

/* Returns 0 with *out (maybe NULL when nothing matched), or an error when ambiguous. */
static int
id_by_prefix (struct skiff_store *store, const char *prefix, char **out, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "images");
  _cleanup_closedir_ DIR *d = opendir (dir);
  *out = NULL;
  if (d == NULL)
    return skiff_error_make (err, errno, "open %s", dir);
  size_t n = strlen (prefix);
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    if (strncmp (de->d_name, prefix, n) == 0 && skiff_reference_is_id (de->d_name)
        && !skiff_image_is_removed (store, de->d_name))
      {
        if (*out)
          {
            free (*out);
            *out = NULL;
            return skiff_error_make_status (err, 125, 0, "%s: image ID prefix is ambiguous",
                                            prefix);
          }
        *out = xstrdup (de->d_name);
      }
  return 0;
}

static int
not_found (const char *text, struct skiff_error **err)
{
  skiff_error_make_status (err, 125, 0, "%s: image not known", text);
  if (err && *err)
    (*err)->errnum = ENOENT;
  return -ENOENT;
}

int
skiff_image_lookup (struct skiff_store *store, const char *text, struct skiff_image **out,
                    struct skiff_error **err)
{
  _cleanup_free_ char *id = NULL;
  const char *hex = strncmp (text, "sha256:", 7) == 0 ? text + 7 : text;
  if (skiff_reference_is_id (text))
    id = xstrdup (hex);
  if (id == NULL)
    id = id_by_name (store, text);
  if (id == NULL && strchr (text, '/') == NULL)
    {
      _cleanup_free_ char *local = xasprintf ("localhost/%s", text);
      id = id_by_name (store, local);
    }
  if (id == NULL && is_hex_prefix (hex))
    {
      int r = id_by_prefix (store, hex, &id, err);
      if (r < 0)
        return r;
    }
  if (id == NULL)
    return not_found (text, err);
  _cleanup_free_ char *rel = xasprintf ("images/%s/image.json", id);
  _cleanup_free_ char *json = skiff_store_path (store, rel);
  if (!skiff_fs_exists (json) || skiff_image_is_removed (store, id))
    return not_found (text, err);
  return skiff_image_load (store, id, out, err);
}
