/* `images --filter`: docker's keys (before, dangling, label, reference, since) and podman's
 * (after, containers, id, intermediate, label!=, manifest, readonly, until).  Keys are ANDed;
 * several reference or id values are ORed, several labels ANDed, as both engines do. */
#include "image_filters.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/humanize.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

enum tristate
{
  ANY = 0,
  YES,
  NO,
};

struct skiff_image_filters
{
  char **references, **ids, **labels, **not_labels; /* borrowed values */
  enum tristate dangling, containers, intermediate, readonly, manifest;
  bool have_before, have_since, have_until;
  int64_t before_ns, since_ns, until_ns; /* created strictly before / after / not after */
  char **used_ids;                       /* image IDs some container uses (containers=) */
};

static int
bad_value (struct skiff_error **err, const char *key, const char *value)
{
  return skiff_error_make_status (err, 125, 0, "invalid filter '%s=[%s]'", key, value);
}

static int64_t
created_ns (const struct skiff_image *img)
{
  struct timespec ts = { 0 };
  skiff_time_parse (img->created ? img->created : "", &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
parse_bool (const char *key, const char *value, enum tristate *out, struct skiff_error **err)
{
  if (strcmp (value, "true") == 0 || strcmp (value, "1") == 0)
    *out = YES;
  else if (strcmp (value, "false") == 0 || strcmp (value, "0") == 0)
    *out = NO;
  else
    return bad_value (err, key, value);
  return 0;
}

/* until: a Go duration before now ("24h", "90m", "10s") or a timestamp (RFC 3339, Unix). */
static int
parse_until (const char *value, int64_t *out, struct skiff_error **err)
{
  char *end;
  double n = strtod (value, &end);
  struct timespec ts;
  if (end != value && *end && strchr ("hms", *end) && end[1] == '\0')
    {
      double secs = n * (*end == 'h' ? 3600 : *end == 'm' ? 60 : 1);
      /* to the nanosecond, as docker's time.Now().Add(-d): whole seconds of now made an image
       * created earlier in the same second look newer than until=0s */
      clock_gettime (CLOCK_REALTIME, &ts);
      *out = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - (int64_t)(secs * 1e9);
      return 0;
    }
  if (end != value && *end == '\0' && n >= 0)
    {
      *out = (int64_t)(n * 1e9);
      return 0;
    }
  if (skiff_time_parse (value, &ts) == 0)
    {
      *out = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
      return 0;
    }
  return bad_value (err, "until", value);
}

static int
resolve_image (struct skiff_store *store, const char *value, int64_t *out, struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_image_lookup (store, value, &img, err);
  if (r < 0)
    return r;
  *out = created_ns (img);
  log_debug ("filter: image %s is sha256:%s", value, img->id);
  return 0;
}

static int
used_image_ids (struct skiff_store *store, char ***out, struct skiff_error **err)
{
  _cleanup_strv_ char **ids = NULL;
  int r = skiff_container_list_ids (store, &ids, err);
  if (r < 0)
    return r;
  for (size_t i = 0; ids && ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_container_load (store, ids[i], &c, &e) < 0)
        continue; /* removed meanwhile, or incomplete: it uses nothing */
      if (!skiff_strv_contains (*out, c->config.image_id))
        skiff_strv_push (out, c->config.image_id);
    }
  return 0;
}

static int
add_filter (struct skiff_store *store, struct skiff_image_filters *f, char *kv,
            struct skiff_error **err)
{
  char *eq = strchr (kv, '=');
  if (eq == NULL)
    return skiff_error_make_status (err, 125, 0, "bad format of filter (expected name=value)");
  bool negated = eq > kv && eq[-1] == '!';
  _cleanup_free_ char *key = xstrndup (kv, (size_t)(eq - kv - negated));
  char *value = eq + 1;
  if (negated && strcmp (key, "label") != 0)
    return skiff_error_make_status (err, 125, 0, "invalid filter '%s!'", key);
  if (strcmp (key, "reference") == 0)
    skiff_cli_push_borrowed (&f->references, value);
  else if (strcmp (key, "id") == 0)
    skiff_cli_push_borrowed (&f->ids, value);
  else if (strcmp (key, "label") == 0)
    skiff_cli_push_borrowed (negated ? &f->not_labels : &f->labels, value);
  else if (strcmp (key, "dangling") == 0)
    return parse_bool (key, value, &f->dangling, err);
  else if (strcmp (key, "intermediate") == 0)
    return parse_bool (key, value, &f->intermediate, err);
  else if (strcmp (key, "readonly") == 0)
    return parse_bool (key, value, &f->readonly, err);
  else if (strcmp (key, "manifest") == 0)
    return parse_bool (key, value, &f->manifest, err);
  else if (strcmp (key, "containers") == 0)
    {
      int r = parse_bool (key, value, &f->containers, err);
      if (r == 0 && f->used_ids == NULL)
        r = used_image_ids (store, &f->used_ids, err);
      return r;
    }
  else if (strcmp (key, "before") == 0)
    {
      f->have_before = true;
      return resolve_image (store, value, &f->before_ns, err);
    }
  else if (strcmp (key, "since") == 0 || strcmp (key, "after") == 0)
    {
      f->have_since = true;
      return resolve_image (store, value, &f->since_ns, err);
    }
  else if (strcmp (key, "until") == 0)
    {
      f->have_until = true;
      return parse_until (value, &f->until_ns, err);
    }
  else
    return skiff_error_make_status (err, 125, 0, "invalid filter '%s'", key);
  return 0;
}

int
skiff_image_filters_new (struct skiff_store *store, char *const *filters,
                         struct skiff_image_filters **out, struct skiff_error **err)
{
  struct skiff_image_filters *f = xzalloc (sizeof *f);
  for (size_t i = 0; filters && filters[i]; i++)
    {
      int r = add_filter (store, f, filters[i], err);
      if (r < 0)
        {
          skiff_image_filters_free (f);
          return r;
        }
    }
  *out = f;
  return 0;
}

int
skiff_image_prune_filters_new (char *const *filters, bool *all, struct skiff_image_filters **out,
                               struct skiff_error **err)
{
  _cleanup_free_ char **rest = NULL;
  for (size_t i = 0; filters && filters[i]; i++)
    {
      const char *kv = filters[i];
      size_t klen = strcspn (kv, "!=");
      if (kv[klen] == '\0')
        return skiff_error_make_status (err, 125, 0, "bad format of filter (expected name=value)");
      _cleanup_free_ char *key = xstrndup (kv, klen);
      enum tristate dangling = ANY;
      if (strcmp (key, "dangling") == 0 && kv[klen] == '=')
        {
          int r = parse_bool (key, kv + klen + 1, &dangling, err);
          if (r < 0)
            return r;
          *all = dangling == NO; /* the last one given decides, over -a */
        }
      else if (strcmp (key, "until") == 0 || strcmp (key, "label") == 0)
        skiff_cli_push_borrowed (&rest, filters[i]);
      else
        return skiff_error_make_status (err, 125, 0, "invalid filter '%s'", key);
    }
  return skiff_image_filters_new (NULL, rest, out, err);
}

void
skiff_image_filters_free (struct skiff_image_filters *f)
{
  if (f == NULL)
    return;
  free (f->references);
  free (f->ids);
  free (f->labels);
  free (f->not_labels);
  skiff_strv_free (f->used_ids);
  free (f);
}

/* "key" or "key=value" against the image's labels (alternating key, value). */
static bool
has_label (const struct skiff_image *img, const char *want)
{
  const char *eq = strchr (want, '=');
  size_t klen = eq ? (size_t)(eq - want) : strlen (want);
  char *const *l = img->config.labels;
  for (size_t i = 0; l && l[i] && l[i + 1]; i += 2)
    if (strlen (l[i]) == klen && strncmp (l[i], want, klen) == 0
        && (eq == NULL || strcmp (l[i + 1], eq + 1) == 0))
      return true;
  return false;
}

static bool
tristate_ok (enum tristate want, bool is)
{
  return want == ANY || (want == YES) == is;
}

static bool
id_matches (const struct skiff_image_filters *f, const struct skiff_image *img)
{
  if (f->ids == NULL)
    return true;
  for (size_t i = 0; f->ids[i]; i++)
    {
      const char *want = strncmp (f->ids[i], "sha256:", 7) == 0 ? f->ids[i] + 7 : f->ids[i];
      if (strncmp (img->id, want, strlen (want)) == 0)
        return true;
    }
  return false;
}

bool
skiff_image_filters_match_image (const struct skiff_image_filters *f, const struct skiff_image *img)
{
  int64_t ns = created_ns (img);
  bool dangling = img->names == NULL || img->names[0] == NULL;
  for (size_t i = 0; f->labels && f->labels[i]; i++)
    if (!has_label (img, f->labels[i]))
      return false;
  for (size_t i = 0; f->not_labels && f->not_labels[i]; i++)
    if (has_label (img, f->not_labels[i]))
      return false;
  /* skiff keeps no intermediate images, manifest lists nor read-only stores */
  return id_matches (f, img) && tristate_ok (f->dangling, dangling)
         && tristate_ok (f->intermediate, false) && tristate_ok (f->readonly, false)
         && tristate_ok (f->manifest, false)
         && tristate_ok (f->containers, skiff_strv_contains (f->used_ids, img->id))
         && (!f->have_before || ns < f->before_ns) && (!f->have_since || ns > f->since_ns)
         && (!f->have_until || ns <= f->until_ns);
}

bool
skiff_image_filters_have_reference (const struct skiff_image_filters *f)
{
  return f->references != NULL;
}

/* docker's reference filter: path.Match of the pattern against "repo" and "repo:tag". */
bool
skiff_image_filters_match_name (const struct skiff_image_filters *f, const char *repo,
                                const char *tag)
{
  if (f->references == NULL)
    return true;
  _cleanup_free_ char *full = xasprintf ("%s:%s", repo, tag);
  for (size_t i = 0; f->references[i]; i++)
    if (fnmatch (f->references[i], repo, FNM_PATHNAME) == 0
        || fnmatch (f->references[i], full, FNM_PATHNAME) == 0)
      return true;
  return false;
}
