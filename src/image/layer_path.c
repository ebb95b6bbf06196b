/* Pure helpers for layer tar entries: lexical path cleaning and whiteout names. */
#include "image-internal.h"

#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

int
skiff_layer_clean_path (const char *path, char **out, struct skiff_error **err)
{
  size_t len = strlen (path);
  _cleanup_free_ char *res = xmalloc (len + 1);
  size_t n = 0;
  const char *p = path;
  while (*p)
    {
      while (*p == '/')
        p++;
      const char *end = strchrnul (p, '/');
      size_t cl = (size_t)(end - p);
      if (cl == 0 || (cl == 1 && p[0] == '.'))
        ; /* empty or "." */
      else if (cl == 2 && p[0] == '.' && p[1] == '.')
        {
          if (n == 0)
            return skiff_error_make (err, 0, "entry \"%s\": path escapes the layer", path);
          while (n > 0 && res[n - 1] != '/')
            n--;
          if (n > 0)
            n--; /* the separator */
        }
      else
        {
          if (n > 0)
            res[n++] = '/';
          memcpy (res + n, p, cl);
          n += cl;
        }
      p = end;
    }
  res[n] = '\0';
  *out = steal_ptr (&res);
  return 0;
}

int
skiff_layer_whiteout (const char *clean_path, char **target, struct skiff_error **err)
{
  const char *slash = strrchr (clean_path, '/');
  const char *base = slash ? slash + 1 : clean_path;
  size_t dirlen = slash ? (size_t)(slash - clean_path) : 0;
  *target = NULL;
  if (strncmp (base, WH_PREFIX, strlen (WH_PREFIX)) != 0)
    return SKIFF_WHITEOUT_NONE;
  if (strcmp (base, WH_OPAQUE) == 0)
    {
      *target = xstrndup (clean_path, dirlen);
      return SKIFF_WHITEOUT_OPAQUE;
    }
  const char *name = base + strlen (WH_PREFIX);
  if (*name == '\0' || strncmp (name, WH_PREFIX, strlen (WH_PREFIX)) == 0 || strcmp (name, ".") == 0
      || strcmp (name, "..") == 0)
    return skiff_error_make (err, 0, "entry \"%s\": invalid whiteout name", clean_path);
  *target = slash ? xasprintf ("%.*s/%s", (int)dirlen, clean_path, name) : xstrdup (name);
  return SKIFF_WHITEOUT_FILE;
}

const char *
skiff_layer_opaque_xattr (bool rootless)
{
  return rootless ? "user.overlay.opaque" : "trusted.overlay.opaque";
}
