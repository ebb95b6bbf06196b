/* `save`: images out as a docker-archive (the legacy layout every loader reads: manifest.json,
 * <config-hex>.json, <diffid-hex>.tar, repositories) or an OCI archive (oci-layout, index.json,
 * blobs/sha256), layers as uncompressed tars in both.  A layer's original tar stream is
 * reproduced from its tar-split record (layer_reproduce.c), so the DiffIDs, the config and the
 * image ID stay what they were.  A layer without a record (stored by an older skiff, or one
 * whose stream cannot be rebuilt from its files) is re-packed from its files with a warning,
 * and the config is rewritten with the new DiffIDs: that image's saved ID differs. */
#include "image-internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct save_layer
{
  char *chain_id;
  char *diff_id; /* of the packed tar */
  char *file;    /* packed tar in the temp dir */
  int64_t size;  /* bytes of the tar */
};

struct save_image
{
  struct skiff_image *img;
  char **names; /* normalised names to record */
  char *config; /* possibly rewritten */
  size_t config_len;
  char *config_digest;
  size_t *layers; /* indexes into save.layers, base first */
  size_t n_layers;
};

struct save
{
  struct skiff_store *store;
  char *tmp;
  struct save_layer *layers;
  size_t n_layers;
  struct save_image *images;
  size_t n_images;
  struct archive *out;
};

static void
save_clear (struct save *s)
{
  for (size_t i = 0; i < s->n_layers; i++)
    {
      free (s->layers[i].chain_id);
      free (s->layers[i].diff_id);
      free (s->layers[i].file);
    }
  free (s->layers);
  for (size_t i = 0; i < s->n_images; i++)
    {
      skiff_image_free (s->images[i].img);
      skiff_strv_free (s->images[i].names);
      free (s->images[i].config);
      free (s->images[i].config_digest);
      free (s->images[i].layers);
    }
  free (s->images);
  free (s->tmp);
}

/* Packs chain (once per save); returns its index. */
/* The layer's tar into fd: its original stream, or (no tar-split record) a re-pack. */
static int
write_layer (struct save *s, const char *chain, const char *diff_id, int fd, char **out_diff_id,
             struct skiff_error **err)
{
  _cleanup_free_ char *why = NULL;
  int r = skiff_layer_tar_split_available (s->store, chain, &why, err);
  if (r < 0)
    return r;
  if (why == NULL)
    {
      r = skiff_layer_reproduce (s->store, chain, diff_id, fd, NULL, err);
      if (r == 0)
        *out_diff_id = xstrdup (diff_id);
      return r;
    }
  log_warn ("layer %s: its original tar stream cannot be reproduced (%s); re-packed from its "
            "files, so the saved image gets a new ID",
            diff_id, why);
  _cleanup_free_ char *rel = xasprintf ("layers/%s/diff", skiff_digest_hex (chain));
  _cleanup_free_ char *dir = skiff_store_path (s->store, rel);
  int64_t content;
  return skiff_layer_pack (dir, fd, out_diff_id, &content, err);
}

static int
pack_layer (struct save *s, const char *chain, const char *orig_diff_id, size_t *idx,
            struct skiff_error **err)
{
  for (size_t i = 0; i < s->n_layers; i++)
    if (strcmp (s->layers[i].chain_id, chain) == 0)
      {
        *idx = i;
        return 0;
      }
  char *file = xasprintf ("%s/%zu.tar", s->tmp, s->n_layers);
  _cleanup_close_ int fd = open (file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  char *diff_id = NULL;
  int r = fd < 0 ? skiff_error_make (err, errno, "create %s", file)
                 : write_layer (s, chain, orig_diff_id, fd, &diff_id, err);
  struct stat st;
  if (r == 0 && fstat (fd, &st) < 0)
    r = skiff_error_make (err, errno, "stat %s", file);
  if (r < 0)
    {
      free (file);
      free (diff_id);
      return r;
    }
  s->layers = xrealloc (s->layers, (s->n_layers + 1) * sizeof *s->layers);
  s->layers[s->n_layers] = (struct save_layer){
    .chain_id = xstrdup (chain), .diff_id = diff_id, .file = file, .size = st.st_size
  };
  *idx = s->n_layers++;
  return 0;
}

/* Reads the config blob, rewriting diff_ids when the packed layers differ. */
static int
prepare_config (struct save *s, struct save_image *si, struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("blobs/sha256/%s", si->img->id);
  _cleanup_free_ char *path = skiff_store_path (s->store, rel);
  int r = skiff_fs_read_file (path, &si->config, &si->config_len, err);
  if (r < 0)
    return r;
  bool same = true;
  for (size_t j = 0; j < si->n_layers; j++)
    same &= strcmp (s->layers[si->layers[j]].diff_id, si->img->diff_ids[j]) == 0;
  if (!same)
    {
      struct skiff_oci_config cfg;
      r = skiff_oci_config_parse (si->config, path, &cfg, err);
      if (r < 0)
        return r;
      for (size_t j = 0; j < si->n_layers; j++)
        {
          free (cfg.diff_ids[j]);
          cfg.diff_ids[j] = xstrdup (s->layers[si->layers[j]].diff_id);
        }
      free (si->config);
      si->config = skiff_oci_config_generate (&cfg, &si->config_len);
      skiff_oci_config_clear (&cfg);
    }
  si->config_digest = skiff_sha256_digest (si->config, si->config_len);
  return 0;
}

/* Names to record: the one the user typed, or every name when given an ID. */
static char **
names_for (const struct skiff_image *img, const char *text)
{
  struct skiff_reference ref;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (!skiff_reference_is_id (text) && skiff_reference_parse (text, &ref, &e) == 0)
    {
      _cleanup_free_ char *n = skiff_reference_string (&ref);
      skiff_reference_clear (&ref);
      if (skiff_strv_contains (img->names, n))
        {
          char **v = NULL;
          skiff_strv_push (&v, n);
          return v;
        }
    }
  return skiff_strv_dup (img->names);
}

static int
add_image (struct save *s, const char *text, struct skiff_error **err)
{
  struct skiff_image *img = NULL;
  int r = skiff_image_lookup (s->store, text, &img, err);
  if (r < 0)
    return r;
  s->images = xrealloc (s->images, (s->n_images + 1) * sizeof *s->images);
  struct save_image *si = &s->images[s->n_images++];
  memset (si, 0, sizeof *si);
  si->img = img;
  si->names = names_for (img, text);
  si->n_layers = skiff_strv_len (img->chain_ids);
  si->layers = xzalloc ((si->n_layers + 1) * sizeof *si->layers);
  for (size_t j = 0; j < si->n_layers; j++)
    {
      r = pack_layer (s, img->chain_ids[j], img->diff_ids[j], &si->layers[j], err);
      if (r < 0)
        return r;
    }
  return prepare_config (s, si, err);
}

/* ---- archive writing ---- */

static struct archive_entry *
file_entry (const char *name, int64_t size)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0644);
  archive_entry_set_size (e, size);
  archive_entry_set_mtime (e, 0, 0);
  return e;
}

/* libarchive's "Write error" leaves the reason in archive_errno (ENOSPC, EPIPE...). */
static int
write_error (struct save *s, const char *name, struct skiff_error **err)
{
  return skiff_error_make (err, archive_errno (s->out), "write %s: %s", name,
                           archive_error_string (s->out));
}

static int
add_bytes (struct save *s, const char *name, const char *data, size_t len, struct skiff_error **err)
{
  struct archive_entry *e = file_entry (name, (int64_t)len);
  int r = archive_write_header (s->out, e);
  archive_entry_free (e);
  if (r < ARCHIVE_WARN || (len > 0 && archive_write_data (s->out, data, len) < 0))
    return write_error (s, name, err);
  return 0;
}

static int
add_file (struct save *s, const char *name, const struct save_layer *l, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (l->file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", l->file);
  struct archive_entry *e = file_entry (name, l->size);
  int r = archive_write_header (s->out, e);
  archive_entry_free (e);
  if (r < ARCHIVE_WARN)
    return write_error (s, name, err);
  _cleanup_free_ char *buf = xmalloc (1 << 20);
  for (;;)
    {
      ssize_t n = read (fd, buf, 1 << 20);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "read %s", l->file);
      if (n == 0)
        return 0;
      if (archive_write_data (s->out, buf, (size_t)n) < 0)
        return write_error (s, name, err);
    }
}

static int
write_docker (struct save *s, struct skiff_error **err)
{
  int r = 0;
  for (size_t i = 0; r == 0 && i < s->n_layers; i++)
    {
      _cleanup_free_ char *name = xasprintf ("%s.tar", skiff_digest_hex (s->layers[i].diff_id));
      r = add_file (s, name, &s->layers[i], err);
    }
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_array_open (g);
  for (size_t i = 0; r == 0 && i < s->n_images; i++)
    {
      struct save_image *si = &s->images[i];
      _cleanup_free_ char *cfg_name = xasprintf ("%s.json", skiff_digest_hex (si->config_digest));
      r = add_bytes (s, cfg_name, si->config, si->config_len, err);
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "Config", cfg_name);
      skiff_json_gen_key (g, "RepoTags");
      yajl_gen_array_open (g);
      for (size_t t = 0; si->names && si->names[t]; t++)
        {
          _cleanup_free_ char *f = skiff_reference_familiar_text (si->names[t]);
          skiff_json_gen_string (g, f);
        }
      yajl_gen_array_close (g);
      skiff_json_gen_key (g, "Layers");
      yajl_gen_array_open (g);
      for (size_t j = 0; j < si->n_layers; j++)
        {
          _cleanup_free_ char *ln
              = xasprintf ("%s.tar", skiff_digest_hex (s->layers[si->layers[j]].diff_id));
          skiff_json_gen_string (g, ln);
        }
      yajl_gen_array_close (g);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  size_t len;
  _cleanup_free_ char *manifest = skiff_json_gen_finish (g, &len);
  if (r == 0)
    r = add_bytes (s, "manifest.json", manifest, len, err);
  return r;
}

static void
gen_descriptor (yajl_gen g, const char *media, const char *digest, int64_t size)
{
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "mediaType", media);
  skiff_json_gen_key_string (g, "digest", digest);
  skiff_json_gen_key_int (g, "size", size);
  yajl_gen_map_close (g);
}

/* Writes the OCI manifest blob of si; *digest and *size describe it. */
static int
write_oci_manifest (struct save *s, struct save_image *si, char **digest, size_t *size,
                    struct skiff_error **err)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_int (g, "schemaVersion", 2);
  skiff_json_gen_key_string (g, "mediaType", "application/vnd.oci.image.manifest.v1+json");
  skiff_json_gen_key (g, "config");
  gen_descriptor (g, "application/vnd.oci.image.config.v1+json", si->config_digest,
                  (int64_t)si->config_len);
  skiff_json_gen_key (g, "layers");
  yajl_gen_array_open (g);
  for (size_t j = 0; j < si->n_layers; j++)
    {
      const struct save_layer *l = &s->layers[si->layers[j]];
      gen_descriptor (g, "application/vnd.oci.image.layer.v1.tar", l->diff_id, l->size);
    }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
  _cleanup_free_ char *text = skiff_json_gen_finish (g, size);
  *digest = skiff_sha256_digest (text, *size);
  _cleanup_free_ char *cfg_name = xasprintf ("blobs/sha256/%s", si->config_digest + 7);
  _cleanup_free_ char *name = xasprintf ("blobs/sha256/%s", *digest + 7);
  int r = add_bytes (s, cfg_name, si->config, si->config_len, err);
  if (r == 0)
    r = add_bytes (s, name, text, *size, err);
  return r;
}

static void
gen_index_entry (yajl_gen g, const char *digest, size_t size, const char *name)
{
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "mediaType", "application/vnd.oci.image.manifest.v1+json");
  skiff_json_gen_key_string (g, "digest", digest);
  skiff_json_gen_key_int (g, "size", (int64_t)size);
  if (name)
    {
      skiff_json_gen_key (g, "annotations");
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "io.containerd.image.name", name);
      skiff_json_gen_key_string (g, "org.opencontainers.image.ref.name", name);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

static int
write_oci (struct save *s, struct skiff_error **err)
{
  static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
  int r = add_bytes (s, "oci-layout", layout, sizeof layout - 1, err);
  for (size_t i = 0; r == 0 && i < s->n_layers; i++)
    {
      _cleanup_free_ char *name = xasprintf ("blobs/sha256/%s", s->layers[i].diff_id + 7);
      r = add_file (s, name, &s->layers[i], err);
    }
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_int (g, "schemaVersion", 2);
  skiff_json_gen_key (g, "manifests");
  yajl_gen_array_open (g);
  for (size_t i = 0; r == 0 && i < s->n_images; i++)
    {
      _cleanup_free_ char *digest = NULL;
      size_t size;
      struct save_image *si = &s->images[i];
      r = write_oci_manifest (s, si, &digest, &size, err);
      for (size_t t = 0; r == 0 && si->names && si->names[t]; t++)
        gen_index_entry (g, digest, size, si->names[t]);
      if (r == 0 && si->names == NULL)
        gen_index_entry (g, digest, size, NULL);
    }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
  size_t len;
  _cleanup_free_ char *index = skiff_json_gen_finish (g, &len);
  if (r == 0)
    r = add_bytes (s, "index.json", index, len, err);
  return r;
}

static int
write_archive (struct save *s, int fd, bool oci, struct skiff_error **err)
{
  s->out = archive_write_new ();
  archive_write_set_format_pax_restricted (s->out);
  archive_write_set_bytes_in_last_block (s->out, 1);
  int r = 0;
  if (archive_write_open_fd (s->out, fd) != ARCHIVE_OK)
    r = write_error (s, "archive", err);
  if (r == 0)
    r = oci ? write_oci (s, err) : write_docker (s, err);
  if (r == 0 && archive_write_close (s->out) != ARCHIVE_OK)
    r = write_error (s, "archive", err);
  archive_write_free (s->out);
  s->out = NULL;
  return r;
}

/* A new name or a regular file: written to a temp file beside it, then renamed over it. */
static int
replace_file (struct save *s, const char *path, bool oci, struct skiff_error **err)
{
  _cleanup_free_ char *tmp = xasprintf ("%s.tmp.%d", path, (int)getpid ());
  _cleanup_close_ int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return skiff_error_make (err, errno, "create %s", tmp);
  int r = write_archive (s, fd, oci, err);
  if (r == 0 && fsync (fd) < 0)
    r = skiff_error_make (err, errno, "fsync %s", tmp);
  if (r == 0 && rename (tmp, path) < 0)
    r = skiff_error_make (err, errno, "rename %s to %s", tmp, path);
  if (r < 0)
    unlink (tmp);
  return r;
}

/* An existing device or FIFO: opened and written as it is, never replaced (flags: O_CREAT for
 * the target of a dangling symlink). */
static int
write_through (struct save *s, const char *path, int flags, bool oci, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_NOCTTY | O_CLOEXEC | flags, 0644);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  int r = write_archive (s, fd, oci, err);
  return r < 0 ? skiff_error_prefix (err, "%s", path) : 0;
}

/* -o: a new name or a regular file is replaced atomically; a symlink is followed (the link
 * stays, what it points to is written); an existing non-regular file (/dev/null, a FIFO) is
 * written through, as podman does -- docker refuses devices, and its temp + rename would
 * replace a FIFO or a symlink by a regular file. */
static int
write_output (struct save *s, const char *output, int output_fd, bool oci, struct skiff_error **err)
{
  if (output == NULL || strcmp (output, "-") == 0)
    return write_archive (s, output_fd, oci, err);
  _cleanup_free_ char *resolved = NULL;
  struct stat st;
  if (lstat (output, &st) == 0 && S_ISLNK (st.st_mode))
    {
      resolved = realpath (output, NULL);
      if (resolved == NULL && errno != ENOENT)
        return skiff_error_make (err, errno, "resolve %s", output);
      if (resolved == NULL) /* dangling: create what it names */
        return write_through (s, output, O_CREAT, oci, err);
    }
  const char *path = resolved ? resolved : output;
  if (stat (path, &st) < 0)
    return errno == ENOENT ? replace_file (s, path, oci, err)
                           : skiff_error_make (err, errno, "stat %s", path);
  if (S_ISDIR (st.st_mode))
    return skiff_error_make (err, EISDIR, "%s", output);
  if (!S_ISREG (st.st_mode))
    return write_through (s, path, 0, oci, err);
  return replace_file (s, path, oci, err);
}

int
skiff_image_save (struct skiff_store *store, char *const *images, const char *format,
                  const char *output, int output_fd, struct skiff_error **err)
{
  bool oci;
  if (format == NULL || strcmp (format, "docker-archive") == 0)
    oci = false;
  else if (strcmp (format, "oci-archive") == 0)
    oci = true;
  else
    return skiff_error_make (err, 0, "unsupported format \"%s\" (docker-archive or oci-archive)",
                             format);
  struct save s = { .store = store };
  int r = skiff_store_mktemp (store, "save", &s.tmp, err);
  for (size_t i = 0; r == 0 && images[i]; i++)
    r = add_image (&s, images[i], err);
  if (r == 0)
    r = write_output (&s, output, output_fd, oci, err);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (s.tmp && skiff_fs_rm_rf (s.tmp, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  save_clear (&s);
  return r;
}
