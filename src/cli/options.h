#pragma once
/* Declarative command-line options.  Each command declares its flags once, in a table of
 * struct skiff_opt (shared groups, such as the process options of run/create/exec, are tables
 * of their own that several commands list).  The parser, `--help`, the shell completions and
 * the man-page check are all derived from these tables.
 *
 * Parsing follows spf13/pflag, which docker's and podman's command lines use: `--name value`,
 * `--name=value`, `-n value`, `-nvalue`, `-n=value`, grouped boolean shorthands (`-it`),
 * `--bool=false`, `--` ends the flags, and flags may follow positionals unless the command
 * stops at its first positional (run, exec: what follows is the container's command).  Error
 * texts are pflag's; a flag docker or podman has and skiff does not yet is declared with
 * SKIFF_OPT_NOT_YET and gets "<flag> is not supported by skiff yet" instead of "unknown flag". */

#include <stdbool.h>
#include <stddef.h>

struct skiff_error;

enum skiff_opt_type
{
  SKIFF_OPT_BOOL,    /* bool: --x, --x=true|false (Go's ParseBool) */
  SKIFF_OPT_STRING,  /* const char *, borrowed from argv; the last one given wins */
  SKIFF_OPT_STRINGS, /* char **: every value in order, NULL-terminated (free () the vector) */
  SKIFF_OPT_INT,     /* int (Go's ParseInt, 32 bits) */
  SKIFF_OPT_FUNC,    /* parse (value, field, err) does it; value NULL for a bare bool-like flag */
  SKIFF_OPT_NOT_YET, /* docker's or podman's, not implemented: refused with a clear message */
};

#define SKIFF_OPT_HIDDEN 0x1u     /* accepted, not in --help nor completions */
#define SKIFF_OPT_DEPRECATED 0x2u /* accepted, not in --help */
#define SKIFF_OPT_NO_VALUE 0x4u   /* FUNC only: takes no value, or one after '=' (like bool) */
#define SKIFF_OPT_OWNS_STRV                                                                        \
  0x8u /* FUNC only: the field is a strv the callback fills                                        \
        * (skiff_strv_push); skiff_opts_clear frees it */

struct skiff_opt
{
  const char *name; /* long name without "--"; NULL ends a table */
  char shorthand;   /* 0: none */
  enum skiff_opt_type type;
  size_t offset;          /* of the target field in the command's options struct */
  const char *value_name; /* pflag's type word in --help ("string", "stringArray", "int") */
  const char *help;
  const char *default_text; /* shown as " (default X)"; NULL: none */
  unsigned flags;
  int (*parse) (const char *value, void *field, struct skiff_error **err);
  const char *complete; /* what the value is, for completions: "file", "dir", "container",
                         * "image", a list "a|b|c", or NULL (no completion) */
};

/* A command's flags: its groups, in the order --help lists them; NULL-terminated. */
typedef const struct skiff_opt *const skiff_opt_groups[];

/* Compile-time check that field of T has type FT, giving its offset. */
#define SKIFF_OPT_FIELD(T, field, FT)                                                              \
  (offsetof (T, field)                                                                             \
   + 0 * sizeof (char[__builtin_types_compatible_p (__typeof__ (((T *)0)->field), FT) ? 1 : -1]))

#define SKIFF_OPT_B(long_, short_, T, field, help_)                                                \
  {                                                                                                \
    .name = long_, .shorthand = short_, .type = SKIFF_OPT_BOOL,                                    \
    .offset = SKIFF_OPT_FIELD (T, field, bool), .help = help_                                      \
  }
#define SKIFF_OPT_S(long_, short_, T, field, help_)                                                \
  {                                                                                                \
    .name = long_, .shorthand = short_, .type = SKIFF_OPT_STRING,                                  \
    .offset = SKIFF_OPT_FIELD (T, field, const char *), .value_name = "string", .help = help_      \
  }
#define SKIFF_OPT_SA(long_, short_, T, field, help_)                                               \
  {                                                                                                \
    .name = long_, .shorthand = short_, .type = SKIFF_OPT_STRINGS,                                 \
    .offset = SKIFF_OPT_FIELD (T, field, char **), .value_name = "stringArray", .help = help_      \
  }
#define SKIFF_OPT_I(long_, short_, T, field, help_)                                                \
  {                                                                                                \
    .name = long_, .shorthand = short_, .type = SKIFF_OPT_INT,                                     \
    .offset = SKIFF_OPT_FIELD (T, field, int), .value_name = "int", .help = help_                  \
  }
#define SKIFF_OPT_NY(long_, short_, value_name_, help_)                                            \
  {                                                                                                \
    .name = long_, .shorthand = short_, .type = SKIFF_OPT_NOT_YET, .value_name = value_name_,      \
    .help = help_                                                                                  \
  }
#define SKIFF_OPT_END                                                                              \
  {                                                                                                \
    .name = NULL                                                                                   \
  }

enum skiff_opts_mode
{
  SKIFF_OPTS_INTERSPERSED,       /* flags may follow positionals */
  SKIFF_OPTS_STOP_AT_POSITIONAL, /* the first positional ends the flags (run IMAGE CMD...) */
};

/* The result of a parse: the positionals in order (borrowed from argv; free () the vector). */
struct skiff_opts_result
{
  char **args;
  size_t nargs;
  bool help; /* -h/--help was given (when the tables do not use -h otherwise) */
};

/* Parses argv[1..argc-1] (argv[0] is the command's name, used in messages as
 * "skiff <command>") into target.  Errors: pflag's text, exit status 125. */
int skiff_opts_parse (skiff_opt_groups groups, const char *command, int argc, char **argv,
                      enum skiff_opts_mode mode, void *target, struct skiff_opts_result *out,
                      struct skiff_error **err);

/* Frees out's positionals (for _cleanup_opts_result_; a parse's STRINGS vectors in the
 * target go with skiff_opts_clear). */
void skiff_opts_result_free (struct skiff_opts_result *out);
#define _cleanup_opts_result_ __attribute__ ((cleanup (skiff_opts_result_free)))

/* Frees what a parse stored in target (STRINGS vectors) and out. */
void skiff_opts_clear (skiff_opt_groups groups, void *target, struct skiff_opts_result *out);

/* The option lines of --help, as pflag's FlagUsages prints them (malloc'ed; "" when none). */
char *skiff_opts_usage (skiff_opt_groups groups);

/* Looks a long name up in the groups (NULL when none). */
const struct skiff_opt *skiff_opts_find (skiff_opt_groups groups, const char *name);

/* Go's strconv.ParseBool. */
bool skiff_opts_parse_bool (const char *s, bool *out);
