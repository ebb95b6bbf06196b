/* `commit`: a container's changes become a new layer on its image's chain (or, squashed, the
 * only layer).  The caller's writer produces the layer tar on a thread; the stream is stored
 * as load and import store theirs (layer_store.c: unpacked, content and tar-split records), so
 * `save` gives back the same bytes and the image ID survives.  Nothing is named before the
 * writer has succeeded: a failed commit leaves no image and (gc) no layer. */
#include "image-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct writer
{
  const struct skiff_image_commit_options *opts;
  int fd;
  int r;
  struct skiff_error *err;
};

static void *
writer_main (void *data)
{
  struct writer *w = data;
  w->r = w->opts->write_layer (w->opts->data, w->fd, &w->err);
  close (w->fd);
  return NULL;
}

/* The container's settings over the image's (docker's commit keeps what the container ran
 * with), then the --change instructions. */
static int
apply_config (struct skiff_image_config *cfg, const struct skiff_image_commit_options *opts,
              struct skiff_error **err)
{
  const struct skiff_image_config *c = opts->container;
  if (c)
    {
      if (c->cmd || c->entrypoint)
        {
          skiff_strv_free (cfg->cmd);
          cfg->cmd = skiff_strv_dup (c->cmd);
          skiff_strv_free (cfg->entrypoint);
          cfg->entrypoint = skiff_strv_dup (c->entrypoint);
        }
      if (c->env)
        {
          skiff_strv_free (cfg->env);
          cfg->env = skiff_strv_dup (c->env);
        }
      if (c->working_dir && *c->working_dir)
        {
          free (cfg->working_dir);
          cfg->working_dir = xstrdup (c->working_dir);
        }
      if (c->user && *c->user)
        {
          free (cfg->user);
          cfg->user = xstrdup (c->user);
        }
    }
  for (size_t i = 0; opts->changes && opts->changes[i]; i++)
    if (skiff_image_config_apply_change (cfg, opts->changes[i], err) < 0)
      return skiff_error_prefix (err, "--change \"%s\"", opts->changes[i]);
  return 0;
}

/* The new config: the base's with the layer appended (squash: alone) and one history entry. */
static int
build_config (const struct skiff_image_commit_options *opts, struct skiff_oci_config *cfg,
              const char *diff_id, struct skiff_error **err)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  free (cfg->created);
  cfg->created = skiff_time_format (&now);
  free (cfg->author);
  cfg->author = opts->author ? xstrdup (opts->author) : NULL;
  if (opts->squash)
    {
      skiff_strv_free (cfg->diff_ids);
      cfg->diff_ids = NULL;
      for (size_t i = 0; i < cfg->n_history; i++)
        {
          free (cfg->history[i].created);
          free (cfg->history[i].author);
          free (cfg->history[i].created_by);
          free (cfg->history[i].comment);
        }
      cfg->n_history = 0;
    }
  skiff_strv_push (&cfg->diff_ids, diff_id);
  cfg->history = xrealloc (cfg->history, (cfg->n_history + 1) * sizeof *cfg->history);
  struct skiff_history *h = &cfg->history[cfg->n_history++];
  memset (h, 0, sizeof *h);
  h->created = xstrdup (cfg->created);
  h->author = opts->author ? xstrdup (opts->author) : NULL;
  h->created_by = opts->created_by ? xstrdup (opts->created_by) : NULL;
  h->comment = opts->message ? xstrdup (opts->message) : NULL;
  return apply_config (&cfg->config, opts, err);
}

/* Stores the writer's stream as a layer on parent (NULL: a base layer); pinned in pin. */
static int
add_layer (struct skiff_store *store, const struct skiff_image_commit_options *opts,
           const char *parent, const char *pin, char **diff_id, struct skiff_error **err)
{
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  struct writer w = { .opts = opts, .fd = fds[1] };
  pthread_t t;
  int e = pthread_create (&t, NULL, writer_main, &w);
  if (e != 0)
    {
      close (fds[0]);
      close (fds[1]);
      return skiff_error_make (err, e, "start the layer writer");
    }
  _cleanup_free_ char *chain = NULL;
  const struct skiff_layer_add lo
      = { .what = "the container's changes", .parent_chain = parent, .pin_dir = pin };
  int r = skiff_layer_add (store, fds[0], &lo, &chain, diff_id, NULL, err);
  /* a failed unpack stops reading: drain, so the writer finishes instead of blocking */
  char buf[65536];
  while (read (fds[0], buf, sizeof buf) > 0)
    ;
  close (fds[0]);
  pthread_join (t, NULL);
  if (w.r < 0)
    {
      if (r == 0)
        {
          *err = steal_ptr (&w.err);
          r = w.r;
        }
      skiff_error_free (w.err);
    }
  return r;
}

int
skiff_image_commit_container (struct skiff_store *store,
                              const struct skiff_image_commit_options *opts, const char *ref,
                              char **id_out, struct skiff_error **err)
{
  if (ref)
    {
      struct skiff_reference parsed;
      int r = skiff_reference_parse (ref, &parsed, err);
      if (r < 0)
        return r;
      skiff_reference_clear (&parsed);
    }
  _cleanup_image_ struct skiff_image *base = NULL;
  struct skiff_oci_config cfg = { 0 };
  int r = skiff_image_load (store, opts->base_id, &base, err);
  if (r == 0)
    r = skiff_image_read_config (store, opts->base_id, &cfg, err);
  if (r == 0) /* bad --change values fail before the (long) pack */
    {
      struct skiff_image_config probe = { 0 };
      r = apply_config (&probe, &(struct skiff_image_commit_options){ .changes = opts->changes },
                        err);
      skiff_image_config_clear (&probe);
    }
  _cleanup_free_ char *pin = NULL;
  if (r == 0)
    r = skiff_store_mktemp (store, "commit", &pin, err);
  size_t n = base ? skiff_strv_len (base->chain_ids) : 0;
  const char *parent = opts->squash || n == 0 ? NULL : base->chain_ids[n - 1];
  _cleanup_free_ char *diff_id = NULL;
  bool added = false;
  if (r == 0)
    {
      r = add_layer (store, opts, parent, pin, &diff_id, err);
      added = true;
    }
  if (r == 0)
    r = build_config (opts, &cfg, diff_id, err);
  if (r == 0)
    {
      size_t len;
      _cleanup_free_ char *text = skiff_oci_config_generate (&cfg, &len);
      r = skiff_image_commit (store, text, len, ref, opts->manifest_type, id_out, err);
    }
  skiff_oci_config_clear (&cfg);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (pin && skiff_fs_rm_rf (pin, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  if (r < 0 && added)
    skiff_image_drop_orphans (store); /* the layer without its image */
  return r;
}

int
skiff_image_pack_dir (const char *dir, int out_fd, struct skiff_error **err)
{
  _cleanup_free_ char *diff_id = NULL;
  return skiff_layer_pack (dir, out_fd, &diff_id, NULL, err);
}
