#pragma once
/* The flags docker 24 and podman 4.3 give skiff's commands that skiff does not implement yet,
 * as option tables generated at build time from src/cli/flags-reference.tsv (the one list of
 * every reference flag, implemented or not) by src/cli/flags_gen.py.  A command lists its
 * table among its groups, so that those flags get "--FLAG is not supported by skiff yet". */

#include "cli/options.h"

/* The not-yet flags of command: SKIFF_OPT_NY entries, SKIFF_OPT_END-terminated (an empty table
 * when it has none); NULL for a name the list does not have.  command is skiff's name for it:
 * "-" for the global flags, "run", "image prune"; an alias ("container rm", "image ls") uses
 * its command's name ("rm", "images"). */
const struct skiff_opt *skiff_cli_not_yet_flags (const char *command);

/* Every command the list has, in its order; NULL-terminated. */
extern const char *const skiff_cli_flags_reference_commands[];
