/* A reference as a registry sees it: API host, repository, tag or digest. */
#include "registry-internal.h"

#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"
#include "skiff/reference.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

int
skiff_registry_ref_parse (const char *text, struct skiff_registry_ref *out,
                          struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  struct skiff_reference ref;
  int r = skiff_reference_parse (text, &ref, err);
  if (r < 0)
    return r;
  if (strcmp (ref.domain, "localhost") == 0)
    {
      skiff_reference_clear (&ref);
      return skiff_error_make (err, 0, "%s: not a registry reference (a local name)", text);
    }
  out->host = xstrdup (strcmp (ref.domain, "docker.io") == 0 ? "registry-1.docker.io" : ref.domain);
  out->name = skiff_reference_name (&ref);
  out->repo = xstrdup (ref.path);
  out->tag = ref.tag ? xstrdup (ref.tag) : NULL;
  out->digest = ref.digest ? xstrdup (ref.digest) : NULL;
  if (out->tag == NULL && out->digest == NULL)
    out->tag = xstrdup ("latest");
  skiff_reference_clear (&ref);
  return 0;
}

void
skiff_registry_ref_clear (struct skiff_registry_ref *r)
{
  free (r->host);
  free (r->name);
  free (r->repo);
  free (r->tag);
  free (r->digest);
  memset (r, 0, sizeof *r);
}

/* No registry part: the first component has no '.' or ':' and is not "localhost"
 * (distribution/reference's rule), and it is no ID. */
bool
skiff_registry_is_short_name (const char *text)
{
  if (skiff_reference_is_id (text) || strchr (text, '@'))
    return false;
  size_t n = strcspn (text, "/");
  if (text[n] == '\0')
    return true;
  return memchr (text, '.', n) == NULL && memchr (text, ':', n) == NULL
         && !(n == 9 && strncmp (text, "localhost", 9) == 0);
}

bool
skiff_registry_names_tag (const char *text)
{
  const char *last = strrchr (text, '/');
  return strchr (last ? last : text, ':') != NULL || strchr (text, '@') != NULL;
}

char **
skiff_registry_short_name_candidates (const char *text, const struct skiff_registry_opts *opts)
{
  if (!skiff_registry_is_short_name (text))
    return NULL;
  /* "x:1" -> repository "x", tag ":1" */
  const char *slash = strrchr (text, '/');
  const char *colon = strchr (slash ? slash : text, ':');
  size_t repo_len = colon ? (size_t)(colon - text) : strlen (text);
  const char *tag = colon ? colon : "";
  char **out = NULL;
  for (size_t i = 0; opts->aliases && opts->aliases[i]; i++)
    {
      const char *eq = strchr (opts->aliases[i], '=');
      if (eq && (size_t)(eq - opts->aliases[i]) == repo_len
          && strncmp (opts->aliases[i], text, repo_len) == 0)
        {
          skiff_strv_push_owned (&out, xasprintf ("%s%s", eq + 1, tag));
          return out;
        }
    }
  for (size_t i = 0; opts->search && opts->search[i]; i++)
    skiff_strv_push_owned (&out, xasprintf ("%s/%s", opts->search[i], text));
  return out;
}
