/* A reference as a registry sees it: API host, repository, tag or digest. */
#include "registry-internal.h"

#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"
#include "skiff/reference.h"
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
