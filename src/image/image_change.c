/* Dockerfile instructions accepted by `import --change` (the subset docker import takes). */
#include "image-internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* JSON form: a JSON array of strings.  Returns 1 and fills *out when text is one. */
static int
parse_json_form (const char *text, char ***out)
{
  if (*text != '[')
    return 0;
  char errbuf[64];
  _cleanup_yajl_val_ yajl_val v = yajl_tree_parse (text, errbuf, sizeof errbuf);
  if (v == NULL || !YAJL_IS_ARRAY (v))
    return 0;
  char **res = NULL;
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      if (!YAJL_IS_STRING (v->u.array.values[i]))
        {
          skiff_strv_free (res);
          return 0;
        }
      skiff_strv_push (&res, YAJL_GET_STRING (v->u.array.values[i]));
    }
  if (res == NULL)
    res = xzalloc (sizeof (char *));
  *out = res;
  return 1;
}

/* Shell-like words: whitespace separated, "..." and '...' quoting, backslash escapes. */
static char **
split_words (const char *s)
{
  char **v = NULL;
  _cleanup_free_ char *w = xmalloc (strlen (s) + 1);
  while (*s)
    {
      while (isspace ((unsigned char)*s))
        s++;
      if (*s == '\0')
        break;
      size_t n = 0;
      char quote = 0;
      for (; *s && (quote || !isspace ((unsigned char)*s)); s++)
        {
          if (quote && *s == quote)
            quote = 0;
          else if (!quote && (*s == '"' || *s == '\''))
            quote = *s;
          else if (*s == '\\' && s[1] && quote != '\'')
            w[n++] = *++s;
          else
            w[n++] = *s;
        }
      w[n] = '\0';
      skiff_strv_push (&v, w);
    }
  return v;
}

static char **
command_form (const char *rest)
{
  char **v = NULL;
  if (parse_json_form (rest, &v))
    return v;
  skiff_strv_push (&v, "/bin/sh");
  skiff_strv_push (&v, "-c");
  skiff_strv_push (&v, rest);
  return v;
}

static void
set_string (char **field, const char *value)
{
  free (*field);
  *field = xstrdup (value);
}

static void
env_set (char ***env, const char *key, const char *value)
{
  size_t kl = strlen (key);
  char *entry = xasprintf ("%s=%s", key, value);
  for (size_t i = 0; *env && (*env)[i]; i++)
    if (strncmp ((*env)[i], key, kl) == 0 && (*env)[i][kl] == '=')
      {
        free ((*env)[i]);
        (*env)[i] = entry;
        return;
      }
  skiff_strv_push_owned (env, entry);
}

static void
label_set (char ***labels, const char *key, const char *value)
{
  for (size_t i = 0; *labels && (*labels)[i]; i += 2)
    if (strcmp ((*labels)[i], key) == 0)
      {
        set_string (&(*labels)[i + 1], value);
        return;
      }
  skiff_strv_push (labels, key);
  skiff_strv_push (labels, value);
}

/* "K=V K2=V2" pairs, or the legacy "K V" (rest of the line is the value). */
static int
apply_pairs (const char *kw, const char *rest, char ***target, bool is_env,
             struct skiff_error **err)
{
  _cleanup_strv_ char **words = split_words (rest);
  if (words == NULL)
    return skiff_error_make (err, 0, "%s requires at least one argument", kw);
  if (strchr (words[0], '=') == NULL)
    {
      if (words[1] == NULL && !is_env)
        return skiff_error_make (err, 0, "%s: missing value for \"%s\"", kw, words[0]);
      const char *v = rest + strspn (rest, " \t");
      v += strcspn (v, " \t");
      v += strspn (v, " \t");
      (is_env ? env_set : label_set) (target, words[0], v);
      return 0;
    }
  for (size_t i = 0; words[i]; i++)
    {
      char *eq = strchr (words[i], '=');
      if (eq == NULL || eq == words[i])
        return skiff_error_make (err, 0, "%s: \"%s\" is not KEY=VALUE", kw, words[i]);
      *eq = '\0';
      (is_env ? env_set : label_set) (target, words[i], eq + 1);
    }
  return 0;
}

static void
add_ports (struct skiff_image_config *c, const char *rest)
{
  _cleanup_strv_ char **words = split_words (rest);
  for (size_t i = 0; words && words[i]; i++)
    {
      _cleanup_free_ char *p
          = strchr (words[i], '/') ? xstrdup (words[i]) : xasprintf ("%s/tcp", words[i]);
      if (!skiff_strv_contains (c->exposed_ports, p))
        skiff_strv_push (&c->exposed_ports, p);
    }
}

static void
add_volumes (struct skiff_image_config *c, const char *rest)
{
  _cleanup_strv_ char **v = NULL;
  if (!parse_json_form (rest, &v))
    v = split_words (rest);
  for (size_t i = 0; v && v[i]; i++)
    if (!skiff_strv_contains (c->volumes, v[i]))
      skiff_strv_push (&c->volumes, v[i]);
}

int
skiff_image_config_apply_change (struct skiff_image_config *c, const char *change,
                                 struct skiff_error **err)
{
  const char *s = change + strspn (change, " \t");
  size_t kl = strcspn (s, " \t");
  _cleanup_free_ char *kw = xstrndup (s, kl);
  const char *rest = s + kl + strspn (s + kl, " \t");
  for (char *p = kw; *p; p++)
    *p = (char)toupper ((unsigned char)*p);
  if (*rest == '\0')
    return skiff_error_make (err, 0, "%s requires at least one argument", kw);
  if (strcmp (kw, "CMD") == 0)
    {
      skiff_strv_free (c->cmd);
      c->cmd = command_form (rest);
    }
  else if (strcmp (kw, "ENTRYPOINT") == 0)
    {
      skiff_strv_free (c->entrypoint);
      c->entrypoint = command_form (rest);
    }
  else if (strcmp (kw, "ENV") == 0)
    return apply_pairs (kw, rest, &c->env, true, err);
  else if (strcmp (kw, "LABEL") == 0)
    return apply_pairs (kw, rest, &c->labels, false, err);
  else if (strcmp (kw, "EXPOSE") == 0)
    add_ports (c, rest);
  else if (strcmp (kw, "VOLUME") == 0)
    add_volumes (c, rest);
  else if (strcmp (kw, "USER") == 0)
    set_string (&c->user, rest);
  else if (strcmp (kw, "WORKDIR") == 0)
    set_string (&c->working_dir, rest);
  else if (strcmp (kw, "STOPSIGNAL") == 0)
    set_string (&c->stop_signal, rest);
  else
    return skiff_error_make (err, 0, "%s is not a valid change command", kw);
  return 0;
}
