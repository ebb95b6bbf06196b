/* config.json's "Security" object: what create decided about the container's privileges
 * (capabilities, no_new_privs, seccomp profile text, masks, read-only rootfs).  An absent
 * object or key reads as the default (records written before these existed). */
#include <stdlib.h>
#include <string.h>

#include "record-internal.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/sandbox.h"
#include "skiff/strv.h"

void
skiff_container_security_clear (struct skiff_container_security *s)
{
  skiff_strv_free (s->cap_add);
  skiff_strv_free (s->cap_drop);
  skiff_strv_free (s->mask);
  skiff_strv_free (s->unmask);
  free (s->seccomp);
  free (s->seccomp_origin);
  memset (s, 0, sizeof *s);
}

void
skiff_container_security_to_json (yajl_gen g, const struct skiff_container_security *s)
{
  skiff_json_gen_key (g, "Security");
  yajl_gen_map_open (g);
  skiff_json_gen_key_bool (g, "Privileged", s->privileged);
  skiff_json_gen_key_bool (g, "NoNewPrivileges", s->no_new_privileges);
  skiff_json_gen_key_bool (g, "ReadonlyRootfs", s->read_only);
  skiff_json_gen_key_bool (g, "ReadOnlyTmpfs", s->read_only_tmpfs);
  skiff_json_gen_key_strv (g, "CapAdd", s->cap_add, false);
  skiff_json_gen_key_strv (g, "CapDrop", s->cap_drop, false);
  skiff_json_gen_key_strv (g, "Mask", s->mask, false);
  skiff_json_gen_key_strv (g, "Unmask", s->unmask, false);
  skiff_json_gen_key_string (g, "Seccomp", s->seccomp);
  skiff_json_gen_key_string (g, "SeccompOrigin", s->seccomp_origin);
  yajl_gen_map_close (g);
}

int
skiff_container_security_from_json (yajl_val root, const char *path,
                                    struct skiff_container_security *s, struct skiff_error **err)
{
  yajl_val v = skiff_json_get_field (root, "Security");
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_OBJECT (v))
    return skiff_error_make (err, 0, "%s: \"Security\" must be an object", path);
  int r;
  if ((r = skiff_json_get_bool (v, "Privileged", path, &s->privileged, err)) < 0
      || (r = skiff_json_get_bool (v, "NoNewPrivileges", path, &s->no_new_privileges, err)) < 0
      || (r = skiff_json_get_bool (v, "ReadonlyRootfs", path, &s->read_only, err)) < 0
      || (r = skiff_json_get_bool (v, "ReadOnlyTmpfs", path, &s->read_only_tmpfs, err)) < 0
      || (r = skiff_json_get_strv (v, "CapAdd", path, &s->cap_add, err)) < 0
      || (r = skiff_json_get_strv (v, "CapDrop", path, &s->cap_drop, err)) < 0
      || (r = skiff_json_get_strv (v, "Mask", path, &s->mask, err)) < 0
      || (r = skiff_json_get_strv (v, "Unmask", path, &s->unmask, err)) < 0
      || (r = skiff_json_get_string (v, "Seccomp", path, &s->seccomp, err)) < 0
      || (r = skiff_json_get_string (v, "SeccompOrigin", path, &s->seccomp_origin, err)) < 0)
    return r;
  return 0;
}

void
skiff_container_security_to_sandbox (const struct skiff_container_security *s,
                                     struct skiff_sandbox_config *sc)
{
  sc->privileged = s->privileged;
  sc->no_new_privileges = s->no_new_privileges;
  sc->cap_add = s->cap_add;
  sc->cap_drop = s->cap_drop;
  sc->mask_paths = s->mask;
  sc->unmask_paths = s->unmask;
  sc->read_only = s->read_only;
  sc->read_only_tmpfs = s->read_only_tmpfs;
  sc->seccomp_profile = s->seccomp;
  sc->seccomp_origin = s->seccomp_origin;
}
