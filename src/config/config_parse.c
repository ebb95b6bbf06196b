/* skiff.conf's grammar (a subset of TOML) and its keys.  Pure: text in, struct out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/config.h"
#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

enum value_type
{
  V_STRING,
  V_INT,
  V_BOOL,
  V_ARRAY,
};

struct value
{
  enum value_type type;
  char *str; /* V_STRING */
  int64_t num;
  bool flag;
  char **strv; /* V_ARRAY: its string elements */
  bool all_strings;
};

struct cursor
{
  const char *p, *end, *file;
  unsigned line;
  const char *key; /* for messages: the key being read, NULL outside a value */
};

static int
syntax_error (struct cursor *c, struct skiff_error **err, const char *what)
{
  if (c->key)
    return skiff_error_make_status (err, 125, 0, "%s:%u: %s: %s", c->file, c->line, c->key, what);
  return skiff_error_make_status (err, 125, 0, "%s:%u: %s", c->file, c->line, what);
}

/* Skips blanks, comments and (when newlines) line ends. */
static void
skip_space (struct cursor *c, bool newlines)
{
  while (c->p < c->end)
    {
      if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r')
        c->p++;
      else if (*c->p == '#')
        while (c->p < c->end && *c->p != '\n')
          c->p++;
      else if (*c->p == '\n' && newlines)
        c->p++, c->line++;
      else
        return;
    }
}

static bool
is_bare (char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
         || ch == '_' || ch == '-';
}

static int
parse_string (struct cursor *c, struct value *v, struct skiff_error **err)
{
  char quote = *c->p++;
  _cleanup_free_ char *out = xmalloc ((size_t)(c->end - c->p) + 1);
  size_t n = 0;
  while (c->p < c->end && *c->p != quote)
    {
      char ch = *c->p++;
      if (ch == '\n')
        return syntax_error (c, err, "unterminated string");
      if (ch == '\\' && quote == '"')
        {
          if (c->p >= c->end)
            break;
          switch (ch = *c->p++)
            {
            case 'n':
              ch = '\n';
              break;
            case 't':
              ch = '\t';
              break;
            case 'r':
              ch = '\r';
              break;
            case '"':
            case '\\':
              break;
            default:
              return syntax_error (c, err, "unsupported escape in string");
            }
        }
      out[n++] = ch;
    }
  if (c->p >= c->end)
    return syntax_error (c, err, "unterminated string");
  c->p++;
  out[n] = '\0';
  v->type = V_STRING;
  v->str = steal_ptr (&out);
  return 0;
}

static int parse_value (struct cursor *c, struct value *v, struct skiff_error **err);

/* [v, v, ...] over any number of lines; string elements are kept in v->strv. */
static int
parse_array (struct cursor *c, struct value *v, struct skiff_error **err)
{
  c->p++;
  v->all_strings = true;
  for (;;)
    {
      skip_space (c, true);
      if (c->p < c->end && *c->p == ']')
        break;
      struct value elem = { 0 };
      int r = parse_value (c, &elem, err);
      if (r == 0 && elem.type == V_STRING)
        skiff_strv_push_owned (&v->strv, steal_ptr (&elem.str));
      else
        v->all_strings = false;
      free (elem.str);
      skiff_strv_free (elem.strv);
      if (r < 0)
        return r;
      skip_space (c, true);
      if (c->p < c->end && *c->p == ',')
        c->p++;
      else if (c->p >= c->end || *c->p != ']')
        return syntax_error (c, err, "expected ',' or ']' in array");
    }
  c->p++;
  v->type = V_ARRAY;
  return 0;
}

static int
parse_scalar (struct cursor *c, struct value *v, struct skiff_error **err)
{
  const char *start = c->p;
  while (c->p < c->end && (is_bare (*c->p) || *c->p == '+'))
    c->p++;
  size_t n = (size_t)(c->p - start);
  if ((n == 4 && memcmp (start, "true", 4) == 0) || (n == 5 && memcmp (start, "false", 5) == 0))
    {
      v->type = V_BOOL;
      v->flag = n == 4;
      return 0;
    }
  char buf[32];
  if (n == 0 || n >= sizeof buf)
    return syntax_error (c, err, "expected a value (a \"string\", an integer, true or false)");
  memcpy (buf, start, n);
  buf[n] = '\0';
  char *endp;
  errno = 0;
  long long num = strtoll (buf, &endp, 10);
  if (*endp != '\0' || errno != 0)
    {
      _cleanup_free_ char *what = xasprintf ("invalid value %s (strings are quoted)", buf);
      return syntax_error (c, err, what);
    }
  v->type = V_INT;
  v->num = num;
  return 0;
}

static int
parse_value (struct cursor *c, struct value *v, struct skiff_error **err)
{
  if (c->p >= c->end || *c->p == '\n')
    return syntax_error (c, err, "missing value");
  if (*c->p == '"' || *c->p == '\'')
    return parse_string (c, v, err);
  if (*c->p == '[')
    return parse_array (c, v, err);
  return parse_scalar (c, v, err);
}

/* ---- the keys ---- */

struct key
{
  const char *section, *name;
  int (*apply) (struct skiff_config *cfg, const struct value *v, const char **problem);
};

static int
want (const struct value *v, enum value_type t, const char **problem)
{
  if (v->type == t)
    return 0;
  *problem = t == V_STRING ? "expected a string"
             : t == V_INT  ? "expected an integer"
                           : "expected true or false";
  return -1;
}

static int
set_flag (int *field, const struct value *v, const char **problem)
{
  if (want (v, V_BOOL, problem) < 0)
    return -1;
  *field = v->flag;
  return 0;
}

static int
apply_init (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  return set_flag (&cfg->init, v, problem);
}

static int
apply_no_new_privileges (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  return set_flag (&cfg->no_new_privileges, v, problem);
}

static int
set_string (char **field, const struct value *v, const char **problem)
{
  if (want (v, V_STRING, problem) < 0)
    return -1;
  if (*v->str == '\0')
    return (*problem = "must not be empty"), -1;
  free (*field);
  *field = xstrdup (v->str);
  return 0;
}

static int
apply_init_path (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  return set_string (&cfg->init_path, v, problem);
}

static int
apply_log_driver (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  static const char *const drivers[]
      = { "k8s-file", "json-file", "journald", "none", "passthrough" };
  if (want (v, V_STRING, problem) < 0)
    return -1;
  for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
    if (strcmp (v->str, drivers[i]) == 0)
      return set_string (&cfg->log_driver, v, problem);
  *problem = "unknown log driver (k8s-file, json-file, journald, none or passthrough)";
  return -1;
}

static int
apply_log_size_max (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  if (want (v, V_INT, problem) < 0)
    return -1;
  if (v->num < 0 ? v->num != -1 : v->num < 8192)
    return (*problem = "must be -1 (unlimited) or at least 8192 bytes"), -1;
  cfg->log_size_max = v->num;
  return 0;
}

static int
apply_pids_limit (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  if (want (v, V_INT, problem) < 0)
    return -1;
  if (v->num < -1)
    return (*problem = "must be -1 or 0 (unlimited) or a number of processes"), -1;
  cfg->pids_limit = v->num;
  return 0;
}

static int
apply_netns (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  return set_string (&cfg->netns, v, problem);
}

static int
apply_default_network (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  return set_string (&cfg->default_network, v, problem);
}

static int
apply_stop_timeout (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  if (want (v, V_INT, problem) < 0)
    return -1;
  if (v->num < -1 || v->num > INT32_MAX)
    return (*problem = "must be a number of seconds, or -1 to wait forever"), -1;
  cfg->stop_timeout = v->num;
  return 0;
}

/* [registries] insecure = ["host:port", ...] */
static int
apply_insecure (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  if (v->type != V_ARRAY || !v->all_strings)
    return (*problem = "expected an array of strings"), -1;
  skiff_strv_free (cfg->insecure_registries);
  cfg->insecure_registries = skiff_strv_dup (v->strv);
  return 0;
}

/* [registries] unqualified_search = ["host:port", ...] */
static int
apply_search (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  if (v->type != V_ARRAY || !v->all_strings)
    return (*problem = "expected an array of strings"), -1;
  skiff_strv_free (cfg->unqualified_search);
  cfg->unqualified_search = skiff_strv_dup (v->strv);
  return 0;
}

/* An array of "KEY=VALUE" strings, neither side empty (a VALUE without '/' unless
 * value_may_have_slash), into *out; else *problem = expected. */
static int
apply_pairs (char ***out, const struct value *v, bool value_may_have_slash, const char *expected,
             const char **problem)
{
  if (v->type != V_ARRAY || !v->all_strings)
    return (*problem = expected), -1;
  for (size_t i = 0; v->strv && v->strv[i]; i++)
    {
      const char *eq = strchr (v->strv[i], '=');
      if (eq == NULL || eq == v->strv[i] || eq[1] == '\0'
          || (!value_may_have_slash && strchr (eq + 1, '/')))
        return (*problem = expected), -1;
    }
  skiff_strv_free (*out);
  *out = skiff_strv_dup (v->strv);
  return 0;
}

/* [registries] short_name_aliases = ["name=host/repo", ...] */
static int
apply_aliases (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  return apply_pairs (&cfg->short_name_aliases, v, true,
                      "expected an array of \"NAME=REGISTRY/REPOSITORY\" strings", problem);
}

/* [registries] mirrors = ["registry=mirror[:port]", ...] */
static int
apply_mirrors (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  return apply_pairs (&cfg->registry_mirrors, v, false,
                      "expected an array of \"REGISTRY=MIRROR\" strings", problem);
}

static int
apply_max_parallel (struct skiff_config *cfg, const struct value *v, const char **problem)
{
  if (want (v, V_INT, problem) < 0)
    return -1;
  if (v->num < 1 || v->num > 64)
    return (*problem = "must be between 1 and 64"), -1;
  cfg->max_parallel_downloads = v->num;
  return 0;
}

static const struct key keys[] = {
  { "registries", "insecure", apply_insecure },
  { "registries", "max_parallel_downloads", apply_max_parallel },
  { "registries", "unqualified_search", apply_search },
  { "registries", "short_name_aliases", apply_aliases },
  { "registries", "mirrors", apply_mirrors },
  { "containers", "init", apply_init },
  { "containers", "init_path", apply_init_path },
  { "containers", "log_driver", apply_log_driver },
  { "containers", "log_size_max", apply_log_size_max },
  { "containers", "pids_limit", apply_pids_limit },
  { "containers", "netns", apply_netns },
  { "containers", "no_new_privileges", apply_no_new_privileges },
  { "network", "default_network", apply_default_network },
  { "engine", "stop_timeout", apply_stop_timeout },
};

static const struct key *
find_key (const char *section, const char *name, bool *known_section)
{
  *known_section = false;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (strcmp (keys[i].section, section) == 0)
      {
        *known_section = true;
        if (strcmp (keys[i].name, name) == 0)
          return &keys[i];
      }
  return NULL;
}

/* ---- lines ---- */

static int
parse_section (struct cursor *c, char *section, size_t size, char ***warnings,
               struct skiff_error **err)
{
  c->p++;
  const char *start = c->p;
  while (c->p < c->end && (is_bare (*c->p) || *c->p == '.'))
    c->p++;
  size_t n = (size_t)(c->p - start);
  if (n == 0 || n >= size || c->p >= c->end || *c->p != ']')
    return syntax_error (c, err, "malformed [section] line");
  memcpy (section, start, n);
  section[n] = '\0';
  c->p++;
  bool known = false;
  find_key (section, "", &known);
  if (!known)
    skiff_strv_push_owned (warnings,
                           xasprintf ("%s:%u: unknown section [%s]", c->file, c->line, section));
  return 0;
}

static int
parse_pair (struct cursor *c, const char *section, struct skiff_config *cfg, char ***warnings,
            struct skiff_error **err)
{
  const char *start = c->p;
  while (c->p < c->end && is_bare (*c->p))
    c->p++;
  char name[64];
  size_t n = (size_t)(c->p - start);
  if (n == 0 || n >= sizeof name)
    return syntax_error (c, err, "expected a key, a [section] or a comment");
  memcpy (name, start, n);
  name[n] = '\0';
  _cleanup_free_ char *qualified = *section ? xasprintf ("%s.%s", section, name) : xstrdup (name);
  c->key = qualified; /* until the line is read: in messages */
  skip_space (c, false);
  if (c->p >= c->end || *c->p != '=')
    return syntax_error (c, err, "expected '=' after the key");
  c->p++;
  skip_space (c, false);
  unsigned line = c->line;
  struct value v = { 0 };
  int r = parse_value (c, &v, err);
  _cleanup_free_ char *str = v.str;
  _cleanup_strv_ char **strv = v.strv;
  if (r < 0)
    return r;
  skip_space (c, false);
  if (c->p < c->end && *c->p != '\n')
    return syntax_error (c, err, "unexpected text after the value");
  bool known_section;
  const struct key *k = find_key (section, name, &known_section);
  const char *problem = NULL;
  if (k == NULL)
    skiff_strv_push_owned (warnings,
                           xasprintf ("%s:%u: unknown key \"%s\"", c->file, line, qualified));
  else if (k->apply (cfg, &v, &problem) < 0)
    return skiff_error_make_status (err, 125, 0, "%s:%u: %s: %s", c->file, line, qualified,
                                    problem);
  return 0;
}

int
skiff_config_parse (const char *text, size_t len, const char *file, struct skiff_config *cfg,
                    char ***warnings, struct skiff_error **err)
{
  struct cursor c = { .p = text, .end = text + len, .file = file, .line = 1 };
  char section[64] = "";
  while (c.p < c.end)
    {
      skip_space (&c, true);
      if (c.p >= c.end)
        break;
      int r = *c.p == '[' ? parse_section (&c, section, sizeof section, warnings, err)
                          : parse_pair (&c, section, cfg, warnings, err);
      c.key = NULL;
      if (r < 0)
        return r;
      skip_space (&c, false);
      if (c.p < c.end && *c.p != '\n')
        return syntax_error (&c, err, "unexpected text after the section");
    }
  return 0;
}

void
skiff_config_init (struct skiff_config *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->init = -1;
  cfg->no_new_privileges = -1;
  cfg->log_size_max = SKIFF_CONFIG_UNSET;
  cfg->pids_limit = SKIFF_CONFIG_UNSET;
  cfg->stop_timeout = SKIFF_CONFIG_UNSET;
  cfg->max_parallel_downloads = SKIFF_CONFIG_UNSET;
}

void
skiff_config_clear (struct skiff_config *cfg)
{
  free (cfg->init_path);
  free (cfg->log_driver);
  free (cfg->netns);
  free (cfg->default_network);
  skiff_strv_free (cfg->insecure_registries);
  skiff_strv_free (cfg->unqualified_search);
  skiff_strv_free (cfg->short_name_aliases);
  skiff_strv_free (cfg->registry_mirrors);
  skiff_config_init (cfg);
}
