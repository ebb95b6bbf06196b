/* The parser of declarative option tables (options.h): pflag's syntax and error texts. */
#include "cli/options.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

const struct skiff_opt *
skiff_opts_find (skiff_opt_groups groups, const char *name)
{
  for (size_t g = 0; groups[g] != NULL; g++)
    for (const struct skiff_opt *o = groups[g]; o->name != NULL; o++)
      if (strcmp (o->name, name) == 0)
        return o;
  return NULL;
}

static const struct skiff_opt *
find_short (skiff_opt_groups groups, char c)
{
  for (size_t g = 0; groups[g] != NULL; g++)
    for (const struct skiff_opt *o = groups[g]; o->name != NULL; o++)
      if (o->shorthand == c)
        return o;
  return NULL;
}

bool
skiff_opts_parse_bool (const char *s, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    if (strcmp (s, yes[i]) == 0)
      return (*out = true);
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    if (strcmp (s, no[i]) == 0)
      return !(*out = false);
  return false;
}

/* "--name" or "'n' in -n", as pflag names a flag in its messages. */
static char *
flag_text (const struct skiff_opt *o, bool as_short)
{
  return as_short ? xasprintf ("'%c' in -%c", o->shorthand, o->shorthand)
                  : xasprintf ("--%s", o->name);
}

static int
invalid_value (const struct skiff_opt *o, const char *value, const char *why,
               struct skiff_error **err)
{
  _cleanup_free_ char *name
      = o->shorthand ? xasprintf ("-%c, --%s", o->shorthand, o->name) : xasprintf ("--%s", o->name);
  return skiff_error_make_status (err, 125, 0, "invalid argument \"%s\" for \"%s\" flag: %s", value,
                                  name, why);
}

static int
parse_int (const struct skiff_opt *o, const char *value, int *out, struct skiff_error **err)
{
  char *end;
  errno = 0;
  long long v = strtoll (value, &end, 0);
  if (end == value || *end != '\0')
    {
      _cleanup_free_ char *why
          = xasprintf ("strconv.ParseInt: parsing \"%s\": invalid syntax", value);
      return invalid_value (o, value, why, err);
    }
  if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
    {
      _cleanup_free_ char *why
          = xasprintf ("strconv.ParseInt: parsing \"%s\": value out of range", value);
      return invalid_value (o, value, why, err);
    }
  *out = (int)v;
  return 0;
}

/* Stores value (NULL: given bare, for bool-like flags) into target's field for o. */
static int
store_value (const struct skiff_opt *o, const char *value, void *target, struct skiff_error **err)
{
  void *field = (char *)target + o->offset;
  switch (o->type)
    {
    case SKIFF_OPT_BOOL:
      if (value == NULL)
        *(bool *)field = true;
      else if (!skiff_opts_parse_bool (value, field))
        {
          _cleanup_free_ char *why
              = xasprintf ("strconv.ParseBool: parsing \"%s\": invalid syntax", value);
          return invalid_value (o, value, why, err);
        }
      return 0;
    case SKIFF_OPT_STRING:
      *(const char **)field = value;
      return 0;
    case SKIFF_OPT_STRINGS:
      {
        char ***v = field;
        size_t n = skiff_strv_len (*v);
        *v = xrealloc (*v, (n + 2) * sizeof (char *));
        (*v)[n] = (char *)value;
        (*v)[n + 1] = NULL;
        return 0;
      }
    case SKIFF_OPT_INT:
      return parse_int (o, value, field, err);
    case SKIFF_OPT_FUNC:
      {
        int r = o->parse (value, field, err);
        if (r < 0 && *err != NULL && (*err)->exit_code == 0)
          (*err)->exit_code = 125;
        return r;
      }
    case SKIFF_OPT_NOT_YET:
      break;
    }
  return skiff_error_make_status (err, 125, 0, "--%s is not supported by skiff yet", o->name);
}

/* Whether o takes a value after a space (bool and NO_VALUE flags only take one after '='). */
static bool
takes_value (const struct skiff_opt *o)
{
  if (o->type == SKIFF_OPT_BOOL || (o->type == SKIFF_OPT_FUNC && (o->flags & SKIFF_OPT_NO_VALUE)))
    return false;
  /* a not-yet flag: consume its value as docker would, so the message names the flag */
  return o->type != SKIFF_OPT_NOT_YET || o->value_name != NULL;
}

static bool
uses_short_h (skiff_opt_groups groups)
{
  return find_short (groups, 'h') != NULL;
}

struct parse_state
{
  const struct skiff_opt *const *groups;
  const char *command;
  int argc;
  char **argv;
  int i; /* next argv index */
  void *target;
  struct skiff_opts_result *out;
};

/* Levenshtein distance, with one row of the table; names are short. */
static size_t
edit_distance (const char *a, const char *b)
{
  size_t lb = strlen (b), row[64];
  if (lb >= sizeof row / sizeof row[0])
    return (size_t)-1;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; a[i - 1] != '\0'; i++)
    {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= lb; j++)
        {
          size_t up = row[j];
          size_t best = diag + (a[i - 1] != b[j - 1]);
          if (up + 1 < best)
            best = up + 1;
          if (row[j - 1] + 1 < best)
            best = row[j - 1] + 1;
          row[j] = best;
          diag = up;
        }
    }
  return row[lb];
}

/* The flag a mistyped name most likely meant (cobra's rule: within 2 edits), or NULL. */
static const char *
suggest (const struct skiff_opt *const *groups, const char *name)
{
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t g = 0; groups[g] != NULL; g++)
    for (const struct skiff_opt *o = groups[g]; o->name != NULL; o++)
      {
        if (o->flags & SKIFF_OPT_HIDDEN)
          continue;
        size_t d = edit_distance (name, o->name);
        if (d < best_d)
          {
            best_d = d;
            best = o->name;
          }
      }
  return best;
}

/* A long "--name[=value]" at argv[st->i - 1]. */
static int
parse_long (struct parse_state *st, const char *arg, struct skiff_error **err)
{
  _cleanup_free_ char *name = xstrdup (arg + 2);
  char *eq = strchr (name, '=');
  const char *value = NULL;
  if (eq != NULL)
    {
      *eq = '\0';
      value = arg + 2 + (eq - name) + 1;
    }
  if (strcmp (name, "help") == 0 && skiff_opts_find (st->groups, "help") == NULL)
    {
      st->out->help = true;
      return 0;
    }
  const struct skiff_opt *o = skiff_opts_find (st->groups, name);
  if (o == NULL)
    {
      const char *hint = suggest (st->groups, name);
      if (hint != NULL)
        return skiff_error_make_status (err, 125, 0, "unknown flag: --%s; did you mean --%s?", name,
                                        hint);
      return skiff_error_make_status (err, 125, 0, "unknown flag: --%s", name);
    }
  if (value == NULL && takes_value (o))
    {
      if (st->i >= st->argc)
        return skiff_error_make_status (err, 125, 0, "flag needs an argument: --%s", name);
      value = st->argv[st->i++];
    }
  return store_value (o, value, st->target, err);
}

/* A group of shorthands "-abc", "-nvalue", "-n=value" at argv[st->i - 1]. */
static int
parse_shorts (struct parse_state *st, const char *arg, struct skiff_error **err)
{
  for (const char *p = arg + 1; *p != '\0'; p++)
    {
      if (*p == 'h' && !uses_short_h (st->groups))
        {
          st->out->help = true;
          continue;
        }
      const struct skiff_opt *o = find_short (st->groups, *p);
      if (o == NULL)
        return skiff_error_make_status (err, 125, 0, "unknown shorthand flag: '%c' in %s", *p, arg);
      const char *value = NULL;
      if (p[1] == '=')
        value = p + 2;
      else if (takes_value (o) && p[1] != '\0')
        value = p + 1;
      else if (takes_value (o))
        {
          if (st->i >= st->argc)
            {
              _cleanup_free_ char *what = flag_text (o, true);
              return skiff_error_make_status (err, 125, 0, "flag needs an argument: %s", what);
            }
          value = st->argv[st->i++];
        }
      int r = store_value (o, value, st->target, err);
      if (r < 0 || value != NULL)
        return r;
    }
  return 0;
}

int
skiff_opts_parse (skiff_opt_groups groups, const char *command, int argc, char **argv,
                  enum skiff_opts_mode mode, void *target, struct skiff_opts_result *out,
                  struct skiff_error **err)
{
  struct parse_state st = { groups, command, argc, argv, 1, target, out };
  *out = (struct skiff_opts_result){ 0 };
  out->args = xzalloc ((size_t)(argc > 0 ? argc : 1) * sizeof (char *));
  bool flags_done = false;
  while (st.i < argc)
    {
      char *arg = argv[st.i++];
      int r = 0;
      if (flags_done || arg[0] != '-' || arg[1] == '\0')
        {
          out->args[out->nargs++] = arg;
          if (mode == SKIFF_OPTS_STOP_AT_POSITIONAL)
            flags_done = true;
          continue;
        }
      if (strcmp (arg, "--") == 0)
        flags_done = true;
      else if (arg[1] == '-')
        r = parse_long (&st, arg, err);
      else
        r = parse_shorts (&st, arg, err);
      if (r < 0)
        return r;
    }
  return 0;
}

void
skiff_opts_clear (skiff_opt_groups groups, void *target, struct skiff_opts_result *out)
{
  for (size_t g = 0; target != NULL && groups[g] != NULL; g++)
    for (const struct skiff_opt *o = groups[g]; o->name != NULL; o++)
      if (o->type == SKIFF_OPT_STRINGS)
        {
          char ***v = (char ***)((char *)target + o->offset);
          free (*v);
          *v = NULL;
        }
      else if (o->type == SKIFF_OPT_FUNC && (o->flags & SKIFF_OPT_OWNS_STRV))
        {
          char ***v = (char ***)((char *)target + o->offset);
          skiff_strv_free (*v);
          *v = NULL;
        }
  if (out != NULL)
    {
      free (out->args);
      *out = (struct skiff_opts_result){ 0 };
    }
}

void
skiff_opts_result_free (struct skiff_opts_result *out)
{
  free (out->args);
  out->args = NULL;
  out->nargs = 0;
}
