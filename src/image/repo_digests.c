/* images/<id>/repo-digests: the manifest digests a registry knows the image by, one
 * "name@sha256:<hex>" per line (docker's RepoDigests), rewritten whole under the store lock. */
#include "image-internal.h"

#include <string.h>

#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static char *
digests_path (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *rel = xasprintf ("images/%s/repo-digests", id);
  return skiff_store_path (store, rel);
}

char **
skiff_image_repo_digests (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *path = digests_path (store, id);
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (!skiff_fs_exists (path) || skiff_fs_read_file (path, &text, NULL, &e) < 0)
    return NULL;
  char **v = NULL;
  for (char *save = NULL, *line = strtok_r (text, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save))
    skiff_strv_push (&v, line);
  return v;
}

int
skiff_image_add_repo_digest (struct skiff_store *store, const char *id, const char *repo_digest,
                             struct skiff_error **err)
{
  size_t name_len = strcspn (repo_digest, "@");
  int r = skiff_store_lock (store, err);
  if (r < 0)
    return r;
  _cleanup_strv_ char **old = skiff_image_repo_digests (store, id);
  _cleanup_free_ char *text = xstrdup ("");
  for (size_t i = 0; old && old[i]; i++)
    if (strncmp (old[i], repo_digest, name_len + 1) != 0)
      {
        char *t = xasprintf ("%s%s\n", text, old[i]);
        free (text);
        text = t;
      }
  char *t = xasprintf ("%s%s\n", text, repo_digest);
  free (text);
  text = t;
  _cleanup_free_ char *path = digests_path (store, id);
  r = skiff_fs_write_atomic (path, text, strlen (text), 0600, SKIFF_WRITE_DURABLE, err);
  skiff_store_unlock (store);
  return r;
}
