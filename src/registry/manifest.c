/* Manifests and indexes: docker v2 schema 2 and OCI (schema 1 refused), and the platform
 * choice in an index as containers/image makes it (platform_matcher.go). */
#include "registry-internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/xalloc.h"

bool
skiff_digest_valid (const char *digest)
{
  if (digest == NULL || strncmp (digest, "sha256:", 7) != 0 || strlen (digest) != 71)
    return false;
  for (const char *p = digest + 7; *p; p++)
    if (!isdigit ((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
      return false;
  return true;
}

static void
descriptor_clear (struct skiff_descriptor *d)
{
  free (d->media_type);
  free (d->digest);
  free (d->os);
  free (d->architecture);
  free (d->variant);
  memset (d, 0, sizeof *d);
}

void
skiff_manifest_clear (struct skiff_manifest *m)
{
  free (m->media_type);
  descriptor_clear (&m->config);
  for (size_t i = 0; i < m->n_entries; i++)
    descriptor_clear (&m->entries[i]);
  free (m->entries);
  memset (m, 0, sizeof *m);
}

static int
parse_descriptor (yajl_val v, const char *what, struct skiff_descriptor *d,
                  struct skiff_error **err)
{
  if (!YAJL_IS_OBJECT (v))
    return skiff_error_make (err, 0, "%s: not an object", what);
  int r = skiff_json_get_string (v, "mediaType", what, &d->media_type, err);
  if (r == 0)
    r = skiff_json_get_string (v, "digest", what, &d->digest, err);
  if (r == 0)
    r = skiff_json_get_int (v, "size", what, &d->size, err);
  if (r < 0)
    return r;
  if (!skiff_digest_valid (d->digest))
    return skiff_error_make (err, 0, "%s: unsupported or invalid digest %s", what,
                             d->digest ? d->digest : "(none)");
  if (d->size < 0)
    return skiff_error_make (err, 0, "%s: invalid size %lld", what, (long long)d->size);
  yajl_val platform = skiff_json_get_field (v, "platform");
  if (platform && YAJL_IS_OBJECT (platform))
    {
      r = skiff_json_get_string (platform, "os", what, &d->os, err);
      if (r == 0)
        r = skiff_json_get_string (platform, "architecture", what, &d->architecture, err);
      if (r == 0)
        r = skiff_json_get_string (platform, "variant", what, &d->variant, err);
    }
  return r;
}

static int
parse_list (yajl_val doc, const char *key, struct skiff_manifest *m, struct skiff_error **err)
{
  yajl_val arr = skiff_json_get_field (doc, key);
  if (arr == NULL || !YAJL_IS_ARRAY (arr))
    return skiff_error_make (err, 0, "manifest: \"%s\" is missing or not an array", key);
  m->entries = xzalloc ((arr->u.array.len + 1) * sizeof *m->entries);
  for (size_t i = 0; i < arr->u.array.len; i++)
    {
      char what[64];
      snprintf (what, sizeof what, "manifest: %s[%zu]", key, i);
      m->n_entries = i + 1;
      int r = parse_descriptor (arr->u.array.values[i], what, &m->entries[i], err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* The type without parameters ("application/json; charset=utf-8" -> "application/json"). */
static char *
bare_type (const char *content_type)
{
  if (content_type == NULL)
    return NULL;
  size_t n = strcspn (content_type, ";");
  while (n > 0 && content_type[n - 1] == ' ')
    n--;
  return xstrndup (content_type, n);
}

static int
parse_doc (yajl_val doc, const char *type, struct skiff_manifest *m, struct skiff_error **err)
{
  m->media_type = xstrdup (type);
  if (strcmp (type, SKIFF_MT_DOCKER_LIST) == 0 || strcmp (type, SKIFF_MT_OCI_INDEX) == 0)
    {
      m->kind = SKIFF_MANIFEST_INDEX;
      return parse_list (doc, "manifests", m, err);
    }
  m->kind = SKIFF_MANIFEST_IMAGE;
  int r = parse_descriptor (skiff_json_get_field (doc, "config"), "manifest: config", &m->config,
                            err);
  if (r == 0)
    r = parse_list (doc, "layers", m, err);
  return r;
}

int
skiff_manifest_parse (const char *content_type, const char *body, size_t len,
                      struct skiff_manifest *out, struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  if (strlen (body) != len)
    return skiff_error_make (err, 0, "manifest: NUL byte in the document");
  _cleanup_yajl_val_ yajl_val doc = NULL;
  int r = skiff_json_parse (body, "manifest", &doc, err);
  if (r < 0)
    return r;
  if (!YAJL_IS_OBJECT (doc))
    return skiff_error_make (err, 0, "manifest: not a JSON object");
  _cleanup_free_ char *declared = NULL;
  int64_t schema = 0;
  if ((r = skiff_json_get_string (doc, "mediaType", "manifest", &declared, err)) < 0
      || (r = skiff_json_get_int (doc, "schemaVersion", "manifest", &schema, err)) < 0)
    return r;
  _cleanup_free_ char *type = bare_type (content_type);
  bool generic = type == NULL || strcmp (type, "application/json") == 0
                 || strcmp (type, "text/plain") == 0 || *type == '\0';
  if (generic)
    {
      free (type);
      /* an OCI document may leave mediaType out: its members say what it is */
      type = declared                                  ? xstrdup (declared)
             : skiff_json_get_field (doc, "manifests") ? xstrdup (SKIFF_MT_OCI_INDEX)
                                                       : xstrdup (SKIFF_MT_OCI_MANIFEST);
    }
  if (schema == 1 || strcmp (type, SKIFF_MT_DOCKER_V1) == 0
      || strcmp (type, SKIFF_MT_DOCKER_V1_SIGNED) == 0)
    return skiff_error_make (err, 0,
                             "unsupported manifest schema 1 (%s): the image must be pushed "
                             "again in schema 2 or OCI format",
                             type);
  if (strcmp (type, SKIFF_MT_DOCKER_V2) != 0 && strcmp (type, SKIFF_MT_OCI_MANIFEST) != 0
      && strcmp (type, SKIFF_MT_DOCKER_LIST) != 0 && strcmp (type, SKIFF_MT_OCI_INDEX) != 0)
    return skiff_error_make (err, 0, "unsupported manifest type %s", type);
  if (declared && strcmp (declared, type) != 0)
    return skiff_error_make (err, 0, "manifest: mediaType %s does not match its type %s", declared,
                             type);
  if (schema != 2)
    return skiff_error_make (err, 0, "manifest: unsupported schemaVersion %lld", (long long)schema);
  r = parse_doc (doc, type, out, err);
  if (r < 0)
    skiff_manifest_clear (out);
  return r;
}

const char *
skiff_host_arch (void)
{
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  return "unknown";
#endif
}

/* containers/image's variant preference when none is asked for. */
static const char *const *
variant_order (const char *arch)
{
  static const char *const arm64[] = { "", "v8", NULL };
  static const char *const arm[] = { "", "v8", "v7", "v6", "v5", NULL };
  static const char *const any[] = { "", NULL };
  if (strcmp (arch, "arm64") == 0)
    return arm64;
  if (strcmp (arch, "arm") == 0)
    return arm;
  return any;
}

static bool
entry_matches (const struct skiff_descriptor *d, const char *os, const char *arch,
               const char *variant)
{
  if (d->os == NULL || d->architecture == NULL)
    return false;
  if (strcmp (d->os, os) != 0 || strcmp (d->architecture, arch) != 0)
    return false;
  const char *v = d->variant ? d->variant : "";
  return variant == NULL || strcmp (v, variant) == 0;
}

int
skiff_manifest_select (const struct skiff_manifest *index, const char *os, const char *arch,
                       const char *variant, size_t *out, struct skiff_error **err)
{
  os = os ? os : "linux";
  arch = arch ? arch : skiff_host_arch ();
  if (variant)
    {
      for (size_t i = 0; i < index->n_entries; i++)
        if (entry_matches (&index->entries[i], os, arch, variant))
          return (int)(*out = i, 0);
    }
  else
    for (const char *const *v = variant_order (arch); *v; v++)
      for (size_t i = 0; i < index->n_entries; i++)
        if (entry_matches (&index->entries[i], os, arch, *v))
          return (int)(*out = i, 0);
  /* no variant asked for: any variant of the architecture rather than none */
  for (size_t i = 0; variant == NULL && i < index->n_entries; i++)
    if (entry_matches (&index->entries[i], os, arch, NULL))
      return (int)(*out = i, 0);
  return skiff_error_make (err, 0,
                           "no image found in manifest list for architecture \"%s\", variant "
                           "\"%s\", OS \"%s\"",
                           arch, variant ? variant : "", os);
}
