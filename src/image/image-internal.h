#pragma once
/* Declarations shared inside src/image/ (not a public contract). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skiff/image.h"

struct skiff_error;
struct skiff_store;

/* ---- digest.c: sha256 (libcrypto) and chain IDs ---- */
struct skiff_sha256;
struct skiff_sha256 *skiff_sha256_new (void);
void skiff_sha256_update (struct skiff_sha256 *h, const void *data, size_t len);
/* Writes "sha256:<64 hex>" and frees h. */
char *skiff_sha256_finish (struct skiff_sha256 *h);
void skiff_sha256_free (struct skiff_sha256 *h);
/* "sha256:<hex>" of a buffer. */
char *skiff_sha256_digest (const void *data, size_t len);
/* ChainID(parent, diff) per image-spec: parent NULL -> diff_id itself, else
 * sha256("<parent> <diff_id>").  Both "sha256:<hex>". */
char *skiff_chain_id (const char *parent_chain, const char *diff_id);
/* ChainIDs for a whole diff_id list (base first). */
char **skiff_chain_ids (char *const *diff_ids);
/* "sha256:<hex>" -> "<hex>" (pointer into the string; unchanged when there is no prefix). */
const char *skiff_digest_hex (const char *digest);
/* Makes libcrypto pick its fastest sha256 code for this CPU; cheap after the first call. */
void skiff_crypto_cpu_setup (void);

/* ---- hash_thread.c: sha256 of a stream on a second thread ---- */
struct skiff_hash_thread;
/* Buffers are buf_size bytes. */
struct skiff_hash_thread *skiff_hash_thread_new (size_t buf_size);
/* The buffer to fill next (waits for the hasher when all are in flight); valid until the next
 * call after the next submit. */
char *skiff_hash_thread_buffer (struct skiff_hash_thread *h);
/* Hands the first len bytes of the buffer last returned to the hasher. */
void skiff_hash_thread_submit (struct skiff_hash_thread *h, size_t len);
/* Waits for the hasher; "sha256:<hex>" of everything submitted; frees h. */
char *skiff_hash_thread_finish (struct skiff_hash_thread *h);
void skiff_hash_thread_free (struct skiff_hash_thread *h);

/* ---- layer_path.c: pure helpers for layer entries ---- */
/* Normalises a tar entry path: strips leading "/" and "./", drops "." and empty components,
 * resolves ".." lexically.  "" means the layer root.  A path that climbs above the root is an
 * error naming the entry. */
int skiff_layer_clean_path (const char *path, char **out, struct skiff_error **err);

enum skiff_whiteout
{
  SKIFF_WHITEOUT_NONE,
  SKIFF_WHITEOUT_FILE,   /* ".wh.<name>": *target = "<dir>/<name>" */
  SKIFF_WHITEOUT_OPAQUE, /* "<dir>/.wh..wh..opq": *target = "<dir>" ("" = layer root) */
};
/* Classifies a cleaned path.  Returns the kind (>= 0) or a negative error for invalid names
 * (a bare ".wh.", other ".wh..wh." metadata). */
int skiff_layer_whiteout (const char *clean_path, char **target, struct skiff_error **err);
/* The xattr overlayfs reads for opaque dirs: trusted.* as root, user.* in a user namespace
 * (overlay mounted with userxattr). */
const char *skiff_layer_opaque_xattr (bool rootless);

/* ---- layer_links.c: the symlinks an unpack created (cleaned paths, relative to the layer) ---- */
struct skiff_link_set;
struct skiff_link_set *skiff_link_set_new (void);
void skiff_link_set_free (struct skiff_link_set *s);
bool skiff_link_set_has (const struct skiff_link_set *s, const char *path);
void skiff_link_set_add (struct skiff_link_set *s, const char *path);
/* Returns whether path was in the set. */
bool skiff_link_set_remove (struct skiff_link_set *s, const char *path);
/* The length of the shortest proper prefix of path ("a" of "a/b/c") in the set; 0 if none. */
size_t skiff_link_set_through (const struct skiff_link_set *s, const char *path);

/* ---- archive_sniff.c ---- */
/* How many leading bytes skiff_archive_sniff wants (a tar record and a block). */
#define SKIFF_SNIFF_LEN (10240 + 512)
/* Accepts the first len bytes of a stream when they start a tar, gzip, zstd, xz or bzip2 stream,
 * or (whole: they are the entire stream) an empty tar of zero blocks; else an error "what: not
 * a tar archive ...". */
int skiff_archive_sniff (const void *head, size_t len, bool whole, const char *what,
                         struct skiff_error **err);
/* Reads up to SKIFF_SNIFF_LEN bytes of fd into buf; *whole when the stream ended. */
int skiff_archive_read_head (int fd, const char *what, char *buf, size_t *len, bool *whole,
                             struct skiff_error **err);

/* ---- space_reserve.c: stop before the store's filesystem drops below a reserve ---- */
struct skiff_space_guard
{
  int fd; /* on the store's filesystem; -1: no guard */
  const char *what;
  uint64_t reserve;
  uint64_t budget; /* bytes that may go before the next statvfs */
};
/* Parses a reserve: "5%" (of fs_bytes), "512M", "1G", "1GiB", "4096", "0". */
int skiff_space_reserve_parse (const char *text, uint64_t fs_bytes, uint64_t *out,
                               struct skiff_error **err);
/* Reads the reserve (SKIFF_MIN_FREE, default min(5%, 1 GiB)) and checks it once. */
int skiff_space_guard_init (struct skiff_space_guard *g, int fd, const char *what,
                            struct skiff_error **err);
/* Accounts bytes about to be written: fails (naming g->what) when they would take the
 * filesystem below the reserve. */
int skiff_space_guard_charge (struct skiff_space_guard *g, uint64_t bytes,
                              struct skiff_error **err);
/* Accounts the metadata of one more entry. */
int skiff_space_guard_entry (struct skiff_space_guard *g, struct skiff_error **err);

/* ---- layer_content.c: what an unpack wrote, per regular file ---- */
struct skiff_content;
struct skiff_content *skiff_content_new (void);
void skiff_content_free (struct skiff_content *c);
/* A regular file is written at path (replacing any earlier record of it). */
void skiff_content_begin (struct skiff_content *c, const char *path);
/* Its data block at offset, as written. */
void skiff_content_data (struct skiff_content *c, const void *data, size_t len, int64_t offset);
/* Its end: size is the file's size. */
void skiff_content_end (struct skiff_content *c, int64_t size);
/* path is no longer a regular file. */
void skiff_content_forget (struct skiff_content *c, const char *path);
/* path is a hard link to target. */
void skiff_content_link (struct skiff_content *c, const char *path, const char *target);
/* The record: "<sha256 hex> <size> <escaped path>\n" per file, sorted by escaped path. */
char *skiff_content_text (struct skiff_content *c, size_t *len);
/* The same text for the regular files under dir, read from disk; NULL on error. */
char *skiff_content_scan (const char *dir, size_t *len, struct skiff_error **err);
/* "path: what differs" for the first line where two records differ; NULL if they are equal. */
char *skiff_content_first_difference (const char *recorded, size_t rlen, const char *found,
                                      size_t flen);
/* Whether the record holds path as a regular file of size bytes. */
bool skiff_content_has (struct skiff_content *c, const char *path, int64_t size);
/* Control bytes, DEL and backslash as \ooo. */
char *skiff_content_escape (const char *path);

/* ---- tar_split.c: a layer's tar stream less its file contents (pure) ---- */
#define SKIFF_TAR_SPLIT_RAW_MAX (64 * 1024)
#define SKIFF_TAR_SPLIT_PATH_MAX 4096
#define SKIFF_TAR_SPLIT_SIZE_MAX ((int64_t)1 << 62)
struct skiff_tar_split_writer;
struct skiff_tar_split_writer *skiff_tar_split_writer_new (void);
void skiff_tar_split_writer_free (struct skiff_tar_split_writer *w);
/* The next bytes of the uncompressed stream, in order. */
void skiff_tar_split_feed (struct skiff_tar_split_writer *w, const void *data, size_t len);
/* Stream bytes before pos are not file content (keeps the pending buffer small). */
void skiff_tar_split_settle (struct skiff_tar_split_writer *w, int64_t pos);
/* Stream bytes [offset, offset + size) are the content of path (cleaned, in the layer). */
void skiff_tar_split_content (struct skiff_tar_split_writer *w, int64_t offset, int64_t size,
                              const char *path);
/* An entry writes path: if it (or a directory on its way) holds referenced content, the
 * record can no longer be used. */
void skiff_tar_split_touch (struct skiff_tar_split_writer *w, const char *path);
/* The stream cannot be reproduced from the layer (the reason is kept). */
void skiff_tar_split_spoil (struct skiff_tar_split_writer *w, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* The reason, or NULL while the record is usable. */
const char *skiff_tar_split_spoiled (const struct skiff_tar_split_writer *w);
/* The compressed record, or NULL when spoiled; has_file (may be NULL) confirms that every
 * referenced file is in the layer with that size. */
char *skiff_tar_split_finish (struct skiff_tar_split_writer *w,
                              bool (*has_file) (void *data, const char *path, int64_t size),
                              void *data, size_t *len);

enum skiff_tar_split_kind
{
  SKIFF_TAR_SPLIT_END,
  SKIFF_TAR_SPLIT_RAW,  /* data, len: stream bytes */
  SKIFF_TAR_SPLIT_FILE, /* path, size: content read back from the layer */
};
struct skiff_tar_split_record
{
  enum skiff_tar_split_kind kind;
  const void *data; /* valid until the next call */
  size_t len;
  const char *path; /* checked: clean, relative, inside the layer, not a whiteout */
  int64_t size;
};
struct skiff_tar_split_reader;
/* data must outlive the reader.  Errors name what is wrong with the record. */
int skiff_tar_split_reader_new (const void *data, size_t len, struct skiff_tar_split_reader **out,
                                struct skiff_error **err);
void skiff_tar_split_reader_free (struct skiff_tar_split_reader *r);
/* The next record; SKIFF_TAR_SPLIT_END once the end record was read and checked. */
int skiff_tar_split_next (struct skiff_tar_split_reader *r, struct skiff_tar_split_record *rec,
                          struct skiff_error **err);

/* ---- layer_unpack.c ---- */
struct skiff_layer_info
{
  char *diff_id; /* "sha256:<hex>" of the uncompressed tar */
  int64_t size;  /* bytes of regular file content */
  char *content; /* the content record (layer_content.c) */
  size_t content_len;
  char *tar_split;      /* the tar-split record (tar_split.c), NULL when the stream cannot be */
  size_t tar_split_len; /* reproduced from the files: then tar_split_spoiled says why */
  char *tar_split_spoiled;
};
void skiff_layer_info_clear (struct skiff_layer_info *info);
/* Unpacks a (plain/gzip/zstd/xz) layer tar read from fd into the existing empty directory dir,
 * hashing the uncompressed stream in the same pass.  expected_diff_id (may be NULL) is checked
 * after the whole stream was read. */
int skiff_layer_unpack_fd (int fd, const char *what, const char *dir, bool rootless,
                           const char *expected_diff_id, struct skiff_layer_info *info,
                           struct skiff_error **err);
struct archive;
struct skiff_layer_unpack
{
  const char *what;
  bool rootless;
  const char *expected_diff_id;     /* may be NULL */
  const char *expected_blob_digest; /* sha256 of the stored bytes; may be NULL */
};
/* The general form: reads from fd, or (container non-NULL) from the current entry of an
 * enclosing archive. */
int skiff_layer_unpack (int fd, struct archive *container, const struct skiff_layer_unpack *opts,
                        const char *dir, struct skiff_layer_info *info, struct skiff_error **err);

/* ---- layer_pack.c ---- */
/* Writes dir as an uncompressed layer tar to out_fd; *diff_id: sha256 of those bytes. */
int skiff_layer_pack (const char *dir, int out_fd, char **diff_id, int64_t *size,
                      struct skiff_error **err);

/* ---- layer_reproduce.c: a stored layer's original tar stream ---- */
#define SKIFF_TAR_SPLIT_FILE_NAME "tar-split" /* in layers/<hex>/ */
/* 0 with *why NULL when the layer has a tar-split record; else *why says why not. */
int skiff_layer_tar_split_available (struct skiff_store *store, const char *chain_id, char **why,
                                     struct skiff_error **err);
/* Writes the layer's original tar stream to out_fd (-1: only checks it), failing when what
 * is written does not hash to diff_id.  *bytes (may be NULL): the stream's length. */
int skiff_layer_reproduce (struct skiff_store *store, const char *chain_id, const char *diff_id,
                           int out_fd, int64_t *bytes, struct skiff_error **err);

/* ---- layer_store.c ---- */
/* Makes a temp layer dir <root>/tmp/layer-*, unpacks into its diff/, and commits it as
 * layers/<chain-hex> (reusing an existing complete layer).  parent_chain may be NULL. */
struct skiff_layer_add
{
  const char *what;                 /* names the stream in errors */
  const char *parent_chain;         /* NULL for a base layer */
  const char *expected_diff_id;     /* NULL when unknown (import) */
  const char *expected_blob_digest; /* NULL when unknown */
  struct archive *container;        /* read the layer from this archive's current entry, not fd */
  const char *pin_dir;              /* the caller's live temp dir: protects the new layer from gc
                                     * until the image record exists */
};
int skiff_layer_add (struct skiff_store *store, int fd, const struct skiff_layer_add *opts,
                     char **chain_out, char **diff_id_out, int64_t *size_out,
                     struct skiff_error **err);
/* Records chain_id as in use by the live temp dir pin_dir. */
int skiff_layer_pin (const char *pin_dir, const char *chain_id, struct skiff_error **err);

/* ---- image_gc.c ---- */
/* Moves path into <root>/tmp (invisible at once) and removes it. */
int skiff_image_discard (struct skiff_store *store, const char *path, struct skiff_error **err);
/* Removes layers no image record or live pin uses, and blobs no image uses; caller holds the
 * lock.  *reclaimed (may be NULL) grows by the removed layers' sizes. */
int skiff_image_gc_locked (struct skiff_store *store, int64_t *reclaimed, struct skiff_error **err);
/* After a failed load/import: gc under the lock, so layers it completed but no image uses go
 * again (failures are logged). */
void skiff_image_drop_orphans (struct skiff_store *store);
bool skiff_layer_exists (struct skiff_store *store, const char *chain_id);
/* rmi -f of an image a stopped container uses (docker deletes the image, the container keeps
 * its layers): the record stays for the container, marked images/<id>/removed; lookups and
 * listings skip it, gc drops it with the last such container. */
bool skiff_image_is_removed (struct skiff_store *store, const char *id);
/* A container (id) using image_id; *running when its recorded pid is alive.  NULL if none. */
char *skiff_image_user (struct skiff_store *store, const char *image_id, bool *running);
int64_t skiff_layer_size (struct skiff_store *store, const char *chain_id);

/* ---- image_config.c: the OCI/docker image config document ---- */
struct skiff_history
{
  char *created;
  char *author;
  char *created_by;
  char *comment;
  bool empty_layer;
};

struct skiff_oci_config
{
  char *created;
  char *author;
  char *architecture;
  char *os;
  char *variant;
  struct skiff_image_config config;
  char **diff_ids;
  struct skiff_history *history;
  size_t n_history;
};

int skiff_oci_config_parse (const char *text, const char *what, struct skiff_oci_config *out,
                            struct skiff_error **err);
char *skiff_oci_config_generate (const struct skiff_oci_config *cfg, size_t *len);
void skiff_oci_config_clear (struct skiff_oci_config *cfg);
void skiff_image_config_clear (struct skiff_image_config *c);
/* Applies one Dockerfile instruction (import --change): CMD, ENTRYPOINT, ENV, EXPOSE, LABEL,
 * USER, VOLUME, WORKDIR, STOPSIGNAL. */
int skiff_image_config_apply_change (struct skiff_image_config *c, const char *change,
                                     struct skiff_error **err);

/* Parses blobs/sha256/<id>. */
int skiff_image_read_config (struct skiff_store *store, const char *id,
                             struct skiff_oci_config *out, struct skiff_error **err);

/* ---- image_store.c ---- */
/* Stores config bytes as blob + image record and tags ref (may be NULL).  Takes the store lock.
 * chain_ids/diff_ids/size describe the committed layers.  manifest_type (may be NULL: none
 * recorded, a record already there kept) is recorded with it (manifest_type.c). */
int skiff_image_commit (struct skiff_store *store, const char *config, size_t config_len,
                        const char *ref, const char *manifest_type, char **id_out,
                        struct skiff_error **err);
/* Points the (normalised) name at id; caller holds the store lock. */
int skiff_image_set_name_locked (struct skiff_store *store, const char *id, const char *name,
                                 struct skiff_error **err);
/* Removes the name link if it points at id and drops name from id's record; caller holds the
 * lock. */
int skiff_image_drop_name_locked (struct skiff_store *store, const char *id, const char *name,
                                  struct skiff_error **err);
/* "docker.io/library/busybox:latest" -> file name under names/images ('/' -> "%2F"). */
char *skiff_image_escape_name (const char *name);
char *skiff_image_unescape_name (const char *escaped);
