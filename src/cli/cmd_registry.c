/* pull, push, login, logout and their shared registry flags.  The output is podman's: pull's
 * progress lines on stderr ("Trying to pull ...", "Copying blob ..."), the image ID on stdout;
 * -q prints only the ID. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/config.h"
#include "skiff/events.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/reference.h"
#include "skiff/log.h"
#include "skiff/registry.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static int
parse_tls_verify (const char *value, void *field, struct skiff_error **err)
{
  int *v = field;
  if (value == NULL || strcmp (value, "true") == 0 || strcmp (value, "1") == 0)
    *v = 1;
  else if (strcmp (value, "false") == 0 || strcmp (value, "0") == 0)
    *v = 0;
  else
    return skiff_error_make (err, 0, "strconv.ParseBool: parsing \"%s\": invalid syntax", value);
  return 0;
}

#define R struct skiff_cli_registry_flags
const struct skiff_opt skiff_cli_registry_options[] = {
  SKIFF_OPT_S ("authfile", 0, R, authfile,
               "path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to "
               "override"),
  SKIFF_OPT_S ("cert-dir", 0, R, cert_dir,
               "use certificates at the specified path to access the registry"),
  SKIFF_OPT_S ("creds", 0, R, creds,
               "`Credentials` (USERNAME:PASSWORD) to use for authenticating to a registry"),
  { .name = "tls-verify",
    .type = SKIFF_OPT_FUNC,
    .flags = SKIFF_OPT_NO_VALUE,
    .offset = SKIFF_OPT_FIELD (R, tls_verify, int),
    .parse = parse_tls_verify,
    .help = "require HTTPS and verify certificates when contacting registries" },
  SKIFF_OPT_END,
};
#undef R

void
skiff_cli_registry_flags_init (struct skiff_cli_registry_flags *f)
{
  memset (f, 0, sizeof *f);
  f->tls_verify = -1;
}

int
skiff_cli_registry_parse (struct skiff_cli *cli, int argc, char **argv, void *target, size_t size,
                          size_t min, size_t max, struct skiff_opts_result *res,
                          struct skiff_error **err)
{
  memset (target, 0, size);
  skiff_cli_registry_flags_init (target);
  int r = skiff_cli_parse (cli, argc, argv, target, res, err);
  if (r == 1)
    {
      skiff_cli_help (cli);
      return 1;
    }
  if (r < 0)
    return r;
  if (res->nargs >= min && res->nargs <= max)
    return 0;
  if (min == max)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires exactly %zu argument%s",
                                  cli->command->name, min, min == 1 ? "" : "s");
  return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires %zu or %zu arguments",
                                cli->command->name, min, max);
}

/* The flags and skiff.conf's [registries] into opts (which owns the split --creds). */
int
skiff_cli_registry_opts (const struct skiff_cli_registry_flags *f, bool authfile_may_be_new,
                         struct skiff_registry_opts *opts, struct skiff_error **err)
{
  memset (opts, 0, sizeof *opts);
  opts->tls_verify = f->tls_verify;
  opts->cert_dir = f->cert_dir;
  opts->authfile = f->authfile;
  if (f->authfile && !skiff_fs_exists (f->authfile) && !authfile_may_be_new)
    return skiff_error_make (err, ENOENT, "credential file is not accessible: %s", f->authfile);
  if (f->creds)
    {
      const char *colon = strchr (f->creds, ':');
      if (colon == NULL || colon == f->creds)
        return skiff_error_make (err, 0, "--creds: expected USERNAME:PASSWORD");
      opts->username = xstrndup (f->creds, (size_t)(colon - f->creds));
      opts->password = xstrdup (colon + 1);
    }
  int r = skiff_cli_registry_config (opts, err);
  if (r < 0)
    skiff_cli_registry_opts_clear (opts); /* nothing for the caller to clear on failure */
  return r;
}

void
skiff_cli_registry_opts_clear (struct skiff_registry_opts *opts)
{
  free ((char *)opts->username);
  free ((char *)opts->password);
  skiff_strv_free (opts->insecure);
  skiff_strv_free (opts->search);
  skiff_strv_free (opts->aliases);
  skiff_strv_free (opts->mirrors);
  memset (opts, 0, sizeof *opts);
}

/* ---- pull ---- */

struct pull_opts
{
  struct skiff_cli_registry_flags reg; /* first: the shared table's offsets */
  const char *platform, *arch, *os, *variant;
  bool quiet, all_tags;
};

#define T struct pull_opts
static const struct skiff_opt pull_options[] = {
  SKIFF_OPT_B ("all-tags", 'a', T, all_tags, "Download all tagged images in the repository"),
  SKIFF_OPT_S ("arch", 0, T, arch,
               "Use `ARCH` instead of the architecture of the machine for "
               "choosing images"),
  SKIFF_OPT_S ("os", 0, T, os, "Use `OS` instead of the running OS for choosing images"),
  SKIFF_OPT_S ("platform", 0, T, platform,
               "Specify the platform for selecting the image.  (Conflicts with arch and os)"),
  SKIFF_OPT_B ("quiet", 'q', T, quiet, "Suppress output information when pulling images"),
  SKIFF_OPT_S ("variant", 0, T, variant,
               "Use VARIANT instead of the running architecture "
               "variant for choosing images"),
  SKIFF_OPT_END,
};
#undef T
const struct skiff_opt *const skiff_cli_pull_groups[]
    = { skiff_cli_registry_options, pull_options, NULL };

static void
print_progress (enum skiff_pull_event ev, const char *text, void *data)
{
  const struct skiff_cli_pull_progress *pp = data;
  switch (ev)
    {
    case SKIFF_PULL_TRYING:
      fprintf (stderr, "Trying to pull %s...\n", text);
      break;
    case SKIFF_PULL_SIGNATURES:
      fprintf (stderr, "Getting image source signatures\n");
      break;
    case SKIFF_PULL_BLOB:
      if (!pp->tty) /* at a terminal the layer's line is drawn with its bytes */
        fprintf (stderr, "Copying blob %s\n", text);
      break;
    case SKIFF_PULL_BLOB_SKIP:
      if (pp->tty)
        fprintf (stderr, "Copying blob %.12s skipped: already exists\n",
                 skiff_cli_digest_hex (text));
      else
        fprintf (stderr, "Copying blob %s skipped: already exists\n", text);
      break;
    case SKIFF_PULL_CONFIG:
      if (pp->tty)
        fprintf (stderr, "Copying config %.12s done\n", skiff_cli_digest_hex (text));
      else
        fprintf (stderr, "Copying config %s\n", text);
      break;
    case SKIFF_PULL_MANIFEST:
      fprintf (stderr, "Writing manifest to image destination\nStoring signatures\n");
      break;
    }
  fflush (stderr);
}

/* --platform os/arch[/variant] over --os/--arch/--variant. */
static int
platform_opts (const struct pull_opts *o, struct skiff_registry_opts *ro, char **buf,
               struct skiff_error **err)
{
  ro->platform_os = o->os;
  ro->platform_arch = o->arch;
  ro->platform_variant = o->variant;
  if (o->platform == NULL)
    return 0;
  if (o->arch || o->os)
    return skiff_error_make (err, 0, "--platform option can not be specified with --arch or --os");
  *buf = xstrdup (o->platform);
  char *arch = strchr (*buf, '/');
  if (arch == NULL || arch == *buf || arch[1] == '\0')
    return skiff_error_make (
        err, 0, "invalid platform syntax for --platform=%s: expected OS/ARCH[/VARIANT]",
        o->platform);
  *arch++ = '\0';
  char *variant = strchr (arch, '/');
  if (variant)
    *variant++ = '\0';
  ro->platform_os = *buf;
  ro->platform_arch = arch;
  ro->platform_variant = variant && *variant ? variant : NULL;
  return 0;
}

int
skiff_cli_pull_image (struct skiff_store *store, const char *ref,
                      const struct skiff_registry_opts *ro, bool quiet, char **id,
                      struct skiff_error **err)
{
  /* a short name: its alias, or each unqualified-search registry in turn (the last
   * failure is the error) */
  _cleanup_strv_ char **candidates = skiff_registry_short_name_candidates (ref, ro);
  struct skiff_cli_pull_progress pp;
  skiff_cli_pull_progress_init (&pp, quiet);
  struct skiff_registry_opts opts = *ro;
  if (pp.tty)
    {
      opts.bytes = skiff_cli_pull_progress_draw;
      opts.bytes_data = &pp;
    }
  skiff_pull_progress_fn lines = quiet ? NULL : print_progress;
  int r = 0;
  for (size_t i = 0; candidates && candidates[i]; i++)
    {
      if (*err)
        skiff_error_free (steal_ptr (err));
      r = skiff_registry_pull (store, candidates[i], &opts, lines, &pp, id, err);
      skiff_cli_pull_progress_clear (&pp);
      if (r == 0)
        {
          skiff_events_image (store, *id, candidates[i], "pull");
          return 0;
        }
    }
  if (candidates)
    return r;
  r = skiff_registry_pull (store, ref, &opts, lines, &pp, id, err);
  skiff_cli_pull_progress_clear (&pp);
  if (r == 0)
    skiff_events_image (store, *id, ref, "pull");
  return r;
}

/* --all-tags: every tag of the repository (podman: a name with a tag or digest is refused),
 * each pulled as `pull NAME:TAG` would, its ID printed. */
static int
pull_all_tags (struct skiff_store *store, const char *ref, const struct skiff_registry_opts *ro,
               bool quiet, struct skiff_error **err)
{
  if (skiff_registry_names_tag (ref))
    return skiff_error_make (err, 0, "tag can't be used with --all-tags/-a");
  _cleanup_strv_ char **tags = NULL;
  _cleanup_free_ char *name = NULL;
  int r = skiff_registry_list_tags (ref, ro, &tags, &name, err);
  if (r == 0 && tags[0] == NULL)
    return skiff_error_make (err, 0, "%s: the registry lists no tags to pull", name);
  for (size_t i = 0; r == 0 && tags[i]; i++)
    {
      _cleanup_free_ char *one = xasprintf ("%s:%s", name, tags[i]);
      _cleanup_free_ char *id = NULL;
      if ((r = skiff_cli_pull_image (store, one, ro, quiet, &id, err)) == 0)
        printf ("%s\n", id);
    }
  return r;
}

int
cmd_pull (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct pull_opts o;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_registry_parse (cli, argc, argv, &o, sizeof o, 1, 1, &res, err);
  if (r != 0)
    return r < 0 ? r : 0;
  struct skiff_registry_opts ro;
  _cleanup_free_ char *platform = NULL;
  r = skiff_cli_registry_opts (&o.reg, false, &ro, err);
  if (r == 0)
    r = platform_opts (&o, &ro, &platform, err);
  struct skiff_store *store;
  if (r == 0)
    r = skiff_cli_store (cli, &store, err);
  _cleanup_free_ char *id = NULL;
  const char *ref = res.args[0];
  if (strncmp (ref, "docker://", 9) == 0)
    ref += 9;
  if (r == 0 && o.all_tags)
    r = pull_all_tags (store, ref, &ro, o.quiet, err);
  else if (r == 0)
    r = skiff_cli_pull_image (store, ref, &ro, o.quiet, &id, err);
  skiff_cli_registry_opts_clear (&ro);
  if (r < 0)
    return r;
  if (id != NULL)
    printf ("%s\n", id);
  return 0;
}

/* ---- push ---- */

struct push_opts
{
  struct skiff_cli_registry_flags reg;
  const char *format, *digestfile;
  bool quiet, all_tags;
};

#define T struct push_opts
static const struct skiff_opt push_options[] = {
  SKIFF_OPT_B ("all-tags", 'a', T, all_tags, "Push all tags of an image to the repository"),
  SKIFF_OPT_S ("digestfile", 0, T, digestfile,
               "Write the digest of the pushed image to the specified file"),
  { .name = "format",
    .shorthand = 'f',
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (T, format, const char *),
    .help = "Manifest type (oci, v2s2) to use in the destination (default is manifest type of "
            "source, with fallbacks)",
    .complete = "oci|v2s2" },
  SKIFF_OPT_B ("quiet", 'q', T, quiet, "Suppress output information when pushing images"),
  SKIFF_OPT_END,
};
#undef T
const struct skiff_opt *const skiff_cli_push_groups[]
    = { skiff_cli_registry_options, push_options, NULL };

/* push --all-tags REPO (docker's): every local name of the repository, in sorted order. */
static int
repo_tags (struct skiff_store *store, const char *repo, char ***names, struct skiff_error **err)
{
  if (skiff_registry_names_tag (repo))
    return skiff_error_make (err, 0, "tag can't be used with --all-tags/-a");
  struct skiff_reference want;
  int r = skiff_reference_parse (repo, &want, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *want_name = skiff_reference_name (&want);
  skiff_reference_clear (&want);
  struct skiff_image **list = NULL;
  if ((r = skiff_image_list (store, &list, err)) < 0)
    return r;
  for (size_t i = 0; list[i]; i++)
    for (size_t j = 0; list[i]->names && list[i]->names[j]; j++)
      {
        struct skiff_reference ref;
        struct skiff_error *e = NULL;
        if (skiff_reference_parse (list[i]->names[j], &ref, &e) < 0)
          {
            skiff_error_free (e);
            continue;
          }
        _cleanup_free_ char *name = skiff_reference_name (&ref);
        if (strcmp (name, want_name) == 0 && ref.tag != NULL)
          skiff_strv_push_owned (names, xstrdup (list[i]->names[j]));
        skiff_reference_clear (&ref);
      }
  skiff_image_list_free (list);
  if (*names == NULL)
    return skiff_error_make (err, 0, "An image does not exist locally with the tag: %s", repo);
  skiff_strv_sort (*names);
  return 0;
}

int
cmd_push (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct push_opts o;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_registry_parse (cli, argc, argv, &o, sizeof o, 1, 2, &res, err);
  if (r != 0)
    return r < 0 ? r : 0;
  struct skiff_registry_opts ro;
  r = skiff_cli_registry_opts (&o.reg, false, &ro, err);
  struct skiff_store *store;
  if (r == 0)
    r = skiff_cli_store (cli, &store, err);
  _cleanup_free_ char *digest = NULL;
  if (r == 0 && o.all_tags)
    {
      _cleanup_strv_ char **names = NULL;
      if (res.nargs > 1)
        r = skiff_error_make (err, 0, "--all-tags takes the repository alone, no destination");
      else
        r = repo_tags (store, res.args[0], &names, err);
      for (size_t i = 0; r == 0 && names[i]; i++)
        {
          _cleanup_free_ char *one = NULL;
          if ((r = skiff_registry_push (store, names[i], NULL, o.format, &ro, &one, err)) == 0)
            {
              skiff_events_image (store, names[i], names[i], "push");
              printf ("%s\n", one);
            }
        }
      skiff_cli_registry_opts_clear (&ro);
      return r;
    }
  if (r == 0)
    {
      if (!o.quiet)
        fprintf (stderr, "Getting image source signatures\n");
      r = skiff_registry_push (store, res.args[0], res.nargs > 1 ? res.args[1] : NULL, o.format,
                               &ro, &digest, err);
    }
  skiff_cli_registry_opts_clear (&ro);
  if (r == 0 && o.digestfile)
    r = skiff_fs_write_atomic (o.digestfile, digest, strlen (digest), 0644, 0, err);
  if (r < 0)
    return r;
  if (!o.quiet)
    fprintf (stderr, "Writing manifest to image destination\n");
  skiff_events_image (store, res.args[0], res.args[0], "push");
  printf ("%s\n", digest);
  return 0;
}

/* skiff.conf's [registries]: insecure hosts, parallel downloads. */
int
skiff_cli_registry_config (struct skiff_registry_opts *opts, struct skiff_error **err)
{
  struct skiff_config cfg;
  int r = skiff_cli_config_load (&cfg, err);
  if (r < 0)
    return r;
  opts->insecure = steal_ptr (&cfg.insecure_registries);
  opts->search = steal_ptr (&cfg.unqualified_search);
  opts->aliases = steal_ptr (&cfg.short_name_aliases);
  opts->mirrors = steal_ptr (&cfg.registry_mirrors);
  if (cfg.max_parallel_downloads != SKIFF_CONFIG_UNSET)
    opts->max_parallel = (int)cfg.max_parallel_downloads;
  skiff_config_clear (&cfg);
  return 0;
}
