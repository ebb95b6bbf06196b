/* skiff.conf's files: the system's, then the user's (or $SKIFF_CONFIG alone). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/config.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

#define SYSTEM_CONFIG "/etc/skiff/skiff.conf"

static int
load_file (const char *path, struct skiff_config *cfg, char ***warnings, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  struct skiff_error *e = NULL;
  if (skiff_fs_read_file (path, &text, &len, &e) < 0)
    {
      if (e->errnum == ENOENT || e->errnum == ENOTDIR)
        {
          skiff_error_free (e);
          return 0;
        }
      *err = e;
      return skiff_error_prefix (err, "skiff.conf");
    }
  if (memchr (text, '\0', len) != NULL)
    return skiff_error_make_status (err, 125, 0, "%s: not a text file", path);
  return skiff_config_parse (text, len, path, cfg, warnings, err);
}

/* $XDG_CONFIG_HOME/skiff/skiff.conf, else ~/.config/skiff/skiff.conf; NULL without a home. */
static char *
user_config_path (void)
{
  const char *xdg = getenv ("XDG_CONFIG_HOME");
  if (xdg != NULL && *xdg == '/')
    return xasprintf ("%s/skiff/skiff.conf", xdg);
  const char *home = getenv ("HOME");
  if (home != NULL && *home == '/')
    return xasprintf ("%s/.config/skiff/skiff.conf", home);
  return NULL;
}

int
skiff_config_load (struct skiff_config *cfg, char ***warnings, struct skiff_error **err)
{
  skiff_config_init (cfg);
  const char *only = getenv ("SKIFF_CONFIG");
  if (only != NULL && *only != '\0')
    return load_file (only, cfg, warnings, err);
  int r = load_file (SYSTEM_CONFIG, cfg, warnings, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *user = user_config_path ();
  return user ? load_file (user, cfg, warnings, err) : 0;
}
