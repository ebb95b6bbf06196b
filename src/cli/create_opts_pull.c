/* run/create --pull always|missing|never|newer, -q, --tls-verify, --authfile: an image that is
 * not in the store is pulled before the container is made (podman's default, "missing"). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/error.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/registry.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static int
parse_pull (const char *value, void *field, struct skiff_error **err)
{
  static const char *const policies[] = { "missing", "always", "never", "newer" };
  for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
    if (strcasecmp (value, policies[i]) == 0)
      {
        *(enum skiff_cli_pull_policy *)field = (enum skiff_cli_pull_policy)i;
        return 0;
      }
  /* podman's alias: --pull=true means always, false never */
  if (strcmp (value, "true") == 0 || strcmp (value, "false") == 0)
    {
      *(enum skiff_cli_pull_policy *)field
          = *value == 't' ? SKIFF_CLI_PULL_ALWAYS : SKIFF_CLI_PULL_NEVER;
      return 0;
    }
  return skiff_error_make_status (
      err, 125, 0, "unsupported pull policy \"%s\": always, missing, never or newer", value);
}

static int
parse_tls (const char *value, void *field, struct skiff_error **err)
{
  bool on = true;
  if (value != NULL && !skiff_opts_parse_bool (value, &on))
    return skiff_error_make_status (err, 125, 0,
                                    "invalid argument \"%s\" for \"--tls-verify\" flag: "
                                    "strconv.ParseBool: parsing \"%s\": invalid syntax",
                                    value, value);
  *(int *)field = on;
  return 0;
}

#define C struct skiff_cli_create_opts
const struct skiff_opt skiff_cli_pull_options[] = {
  SKIFF_OPT_S ("authfile", 0, C, pull.reg.authfile,
               "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to "
               "override"),
  { .name = "pull",
    .type = SKIFF_OPT_FUNC,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (C, pull.policy, enum skiff_cli_pull_policy),
    .parse = parse_pull,
    .help = "Pull image policy",
    .default_text = "\"missing\"",
    .complete = "always|missing|never|newer" },
  SKIFF_OPT_B ("quiet", 'q', C, pull.quiet, "Suppress output information when pulling images"),
  { .name = "tls-verify",
    .type = SKIFF_OPT_FUNC,
    .flags = SKIFF_OPT_NO_VALUE,
    .offset = SKIFF_OPT_FIELD (C, pull.reg.tls_verify, int),
    .parse = parse_tls,
    .help = "Require HTTPS and verify certificates when contacting registries for pulling images" },
  SKIFF_OPT_END,
};
#undef C

/* A name a registry could serve (not localhost/..., not an ID). */
static bool
pullable (const char *image)
{
  if (skiff_reference_is_id (image))
    return false;
  struct skiff_reference ref;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_reference_parse (image, &ref, &e) < 0)
    return false;
  bool local = strcmp (ref.domain, "localhost") == 0;
  skiff_reference_clear (&ref);
  return !local;
}

/* A short name stored under one of its candidates ("x" pulled as "127.0.0.1:5000/x"): that
 * name from now on. */
static bool
lookup_candidates (struct skiff_store *store, struct skiff_cli_create_opts *o,
                   char *const *candidates)
{
  for (size_t i = 0; candidates && candidates[i]; i++)
    {
      _cleanup_image_ struct skiff_image *img = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_image_lookup (store, candidates[i], &img, &e) == 0)
        {
          free (o->pull.resolved);
          o->spec.image = o->pull.resolved = xstrdup (candidates[i]);
          return true;
        }
    }
  return false;
}

static int
lookup_error (struct skiff_error **lookup_err, struct skiff_error **err)
{
  *err = steal_ptr (lookup_err);
  return skiff_error_ret (*err);
}

int
skiff_cli_pull_for_create (struct skiff_store *store, struct skiff_cli_create_opts *o,
                           struct skiff_error **err)
{
  const char *image = o->spec.image;
  struct skiff_registry_opts ro;
  int r = skiff_cli_registry_opts (&o->pull.reg, false, &ro, err);
  if (r < 0)
    return r;
  _cleanup_strv_ char **candidates = skiff_registry_short_name_candidates (image, &ro);
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_error_ struct skiff_error *lookup_err = NULL;
  bool present = skiff_image_lookup (store, image, &img, &lookup_err) == 0
                 || lookup_candidates (store, o, candidates);
  enum skiff_cli_pull_policy policy = o->pull.policy;
  if (policy == SKIFF_CLI_PULL_NEVER || (present && policy == SKIFF_CLI_PULL_MISSING)
      || !pullable (image))
    {
      skiff_cli_registry_opts_clear (&ro);
      return present ? 0 : lookup_error (&lookup_err, err);
    }
  _cleanup_free_ char *id = NULL;
  _cleanup_error_ struct skiff_error *pull_err = NULL;
  r = skiff_cli_pull_image (store, image, &ro, o->pull.quiet, &id, &pull_err);
  skiff_cli_registry_opts_clear (&ro);
  if (r < 0 && present && policy == SKIFF_CLI_PULL_NEWER)
    {
      /* newer: the local image does when the registry cannot be asked */
      skiff_error_log_dropf (&pull_err, SKIFF_LOG_WARN, "%s: keeping the local image", image);
      return 0;
    }
  if (r < 0)
    {
      *err = steal_ptr (&pull_err);
      return r;
    }
  if (candidates)
    lookup_candidates (store, o, candidates);
  return 0;
}
