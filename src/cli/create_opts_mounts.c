/* The mount flags of run and create (-v, --mount, --tmpfs, --volumes-from) and --userns: one
 * option group, parsed into the spec's mounts (the engine resolves them). */
#include <stdlib.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/engine.h"

#define C struct skiff_cli_create_opts
#define LIST(long_, short_, field, value_, help_)                                                  \
  {                                                                                                \
    .name = long_, .shorthand = short_, .type = SKIFF_OPT_STRINGS,                                 \
    .offset = SKIFF_OPT_FIELD (C, field, char **), .value_name = value_, .help = help_             \
  }
const struct skiff_opt skiff_cli_mounts_options[] = {
  LIST ("mount", 0, spec.mounts.mounts, "mount", "Attach a filesystem mount to the container"),
  LIST ("tmpfs", 0, spec.mounts.tmpfs, "list", "Mount a tmpfs directory"),
  SKIFF_OPT_S ("userns", 0, C, spec.mounts.userns, "User namespace to use"),
  LIST ("volume", 'v', spec.mounts.volumes, "list", "Bind mount a volume"),
  LIST ("volumes-from", 0, spec.mounts.volumes_from, "list",
        "Mount volumes from the specified container(s)"),
  SKIFF_OPT_END,
};
#undef LIST
#undef C

void
skiff_cli_mounts_opts_clear (struct skiff_mounts_spec *ms)
{
  free (ms->volumes);
  free (ms->mounts);
  free (ms->tmpfs);
  free (ms->volumes_from);
}
