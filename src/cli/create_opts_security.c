/* run/create's security flags (docker's and podman's): capabilities, --privileged,
 * --security-opt (resolved by the engine), --read-only and podman's --read-only-tmpfs. */
#include <stdlib.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/engine.h"

#define C struct skiff_cli_create_opts
const struct skiff_opt skiff_cli_security_options[] = {
  { .name = "cap-add",
    .type = SKIFF_OPT_STRINGS,
    .offset = SKIFF_OPT_FIELD (C, spec.security.cap_add, char **),
    .value_name = "list",
    .help = "Add Linux capabilities" },
  { .name = "cap-drop",
    .type = SKIFF_OPT_STRINGS,
    .offset = SKIFF_OPT_FIELD (C, spec.security.cap_drop, char **),
    .value_name = "list",
    .help = "Drop Linux capabilities" },
  SKIFF_OPT_B ("privileged", 0, C, spec.security.privileged,
               "Give extended privileges to this container"),
  SKIFF_OPT_B ("read-only", 0, C, spec.security.read_only,
               "Mount the container's root filesystem as read only"),
  { .name = "read-only-tmpfs",
    .type = SKIFF_OPT_BOOL,
    .offset = SKIFF_OPT_FIELD (C, spec.security.read_only_tmpfs, bool),
    .help = "When running containers in read-only mode mount a read-write tmpfs on /run, /tmp "
            "and /var/tmp",
    .default_text = "true" },
  { .name = "security-opt",
    .type = SKIFF_OPT_STRINGS,
    .offset = SKIFF_OPT_FIELD (C, spec.security.security_opt, char **),
    .value_name = "list",
    .help = "Security Options" },
  SKIFF_OPT_END,
};
#undef C

void
skiff_cli_security_defaults (struct skiff_security_spec *s)
{
  s->read_only_tmpfs = true;
}

void
skiff_cli_security_clear (struct skiff_security_spec *s)
{
  free (s->cap_add);
  free (s->cap_drop);
  free (s->security_opt);
}
