/* `import`: a rootfs tarball becomes a one-layer image. */
#include "image-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/utsname.h>
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

static char *
host_architecture (void)
{
  struct utsname u;
  if (uname (&u) < 0)
    return xstrdup ("amd64");
  if (strcmp (u.machine, "x86_64") == 0)
    return xstrdup ("amd64");
  if (strcmp (u.machine, "aarch64") == 0)
    return xstrdup ("arm64");
  return xstrdup (u.machine);
}

static int
build_config (const char *diff_id, const struct skiff_import_options *opts,
              struct skiff_oci_config *cfg, struct skiff_error **err)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  memset (cfg, 0, sizeof *cfg);
  cfg->created = skiff_time_format (&now);
  cfg->architecture = host_architecture ();
  cfg->os = xstrdup ("linux");
  skiff_strv_push (&cfg->diff_ids, diff_id);
  cfg->history = xzalloc (sizeof *cfg->history);
  cfg->n_history = 1;
  cfg->history[0].created = xstrdup (cfg->created);
  cfg->history[0].created_by = xstrdup ("/bin/sh -c #(nop) skiff import");
  cfg->history[0].comment = xstrdup (opts->message ? opts->message : "Imported from tarball");
  for (size_t i = 0; opts->changes && opts->changes[i]; i++)
    {
      int r = skiff_image_config_apply_change (&cfg->config, opts->changes[i], err);
      if (r < 0)
        return skiff_error_prefix (err, "--change \"%s\"", opts->changes[i]);
    }
  return 0;
}

static int
finish_import (struct skiff_store *store, const char *diff_id, const char *ref,
               const struct skiff_import_options *opts, char **id_out, struct skiff_error **err)
{
  struct skiff_oci_config cfg;
  int r = build_config (diff_id, opts, &cfg, err);
  if (r < 0)
    {
      skiff_oci_config_clear (&cfg);
      return r;
    }
  size_t len;
  _cleanup_free_ char *text = skiff_oci_config_generate (&cfg, &len);
  skiff_oci_config_clear (&cfg);
  return skiff_image_commit (store, text, len, ref, NULL, id_out, err);
}

int
skiff_image_import (struct skiff_store *store, const char *path, const char *ref,
                    char *const *changes, char **id_out, struct skiff_error **err)
{
  const struct skiff_import_options opts = { .changes = changes, .input_fd = -1 };
  return skiff_image_import_opts (store, path, ref, &opts, id_out, err);
}

int
skiff_image_import_opts (struct skiff_store *store, const char *path, const char *ref,
                         const struct skiff_import_options *opts, char **id_out,
                         struct skiff_error **err)
{
  struct skiff_oci_config cfg;
  int r;
  if (ref)
    {
      /* validate before the (long) unpack */
      struct skiff_reference parsed;
      r = skiff_reference_parse (ref, &parsed, err);
      if (r < 0)
        return r;
      skiff_reference_clear (&parsed);
    }
  r = build_config ("sha256:", opts, &cfg, err);
  skiff_oci_config_clear (&cfg);
  if (r < 0)
    return r;
  _cleanup_close_ int fd = -1;
  if (strcmp (path, "-") == 0)
    {
      if (opts->input_fd < 0)
        return skiff_error_make (err, EBADF, "import from stdin: no input given");
      fd = fcntl (opts->input_fd, F_DUPFD_CLOEXEC, 3);
    }
  else
    fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  skiff_store_reap_temp (store);
  _cleanup_free_ char *chain = NULL;
  _cleanup_free_ char *diff_id = NULL;
  _cleanup_free_ char *pin = NULL;
  r = skiff_store_mktemp (store, "import", &pin, err);
  if (r < 0)
    return r;
  const struct skiff_layer_add lo
      = { .what = strcmp (path, "-") == 0 ? "stdin" : path, .pin_dir = pin };
  r = skiff_layer_add (store, fd, &lo, &chain, &diff_id, NULL, err);
  if (r == 0)
    r = finish_import (store, diff_id, ref, opts, id_out, err);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_rm_rf (pin, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  if (r < 0 && chain)
    skiff_image_drop_orphans (store); /* the layer without its image */
  return r;
}
