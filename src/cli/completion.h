#pragma once
/* Shell completion scripts generated from the command table and the option tables
 * (completion.c), printed by `skiff completion bash|zsh|fish` and installed by meson. */

#include <stddef.h>

struct skiff_command;
struct skiff_error;
struct skiff_opt;

struct skiff_completion_input
{
  const struct skiff_command *commands; /* the top-level command table */
  size_t n;
  const struct skiff_opt *const *global; /* the global options' groups; may be NULL */
  /* a group's subcommands ("image prune"...), NULL / *n = 0 for a plain command */
  const struct skiff_command *(*subcommands) (const char *name, size_t *n);
};

/* The script for shell ("bash", "zsh", "fish") in *out (malloc'ed); any other shell: an
 * error naming it, exit status 125. */
int skiff_completion_script (const char *shell, const struct skiff_completion_input *in, char **out,
                             struct skiff_error **err);
