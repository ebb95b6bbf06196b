/* WWW-Authenticate challenges, read as containers/image's wwwauthenticate.go does: a scheme
 * token, then comma-separated key=value parameters whose value is a token or a quoted string
 * with backslash escapes; scheme and keys are case-insensitive. */
#include "registry-internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static bool
is_token_char (char c)
{
  return c > ' ' && c < 0x7f && strchr ("()<>@,;:\\\"/[]?={}", c) == NULL;
}

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static char *
lower_copy (const char *s, size_t n)
{
  char *out = xstrndup (s, n);
  for (char *p = out; *p; p++)
    *p = (char)tolower ((unsigned char)*p);
  return out;
}

/* A quoted string at p (after the opening quote); *end past the closing quote. */
static char *
quoted (const char *p, const char **end)
{
  char *out = xmalloc (strlen (p) + 1);
  char *o = out;
  for (; *p && *p != '"'; p++)
    {
      if (*p == '\\' && p[1])
        p++;
      *o++ = *p;
    }
  *o = '\0';
  *end = *p == '"' ? p + 1 : NULL;
  return out;
}

int
skiff_auth_challenge_parse (const char *header, struct skiff_auth_challenge *out,
                            struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  const char *p = skip_space (header);
  const char *s = p;
  while (is_token_char (*p))
    p++;
  if (p == s)
    return skiff_error_make (err, 0, "invalid WWW-Authenticate header %s: no scheme", header);
  out->scheme = lower_copy (s, (size_t)(p - s));
  for (;;)
    {
      p = skip_space (p);
      while (*p == ',')
        p = skip_space (p + 1);
      if (*p == '\0')
        return 0;
      s = p;
      while (is_token_char (*p))
        p++;
      const char *key_end = p;
      p = skip_space (p);
      if (key_end == s || *p != '=')
        break;
      p = skip_space (p + 1);
      char *value;
      if (*p == '"')
        {
          value = quoted (p + 1, &p);
          if (p == NULL)
            {
              free (value);
              break;
            }
        }
      else
        {
          const char *v = p;
          while (is_token_char (*p))
            p++;
          value = xstrndup (v, (size_t)(p - v));
        }
      skiff_strv_push_owned (&out->params, lower_copy (s, (size_t)(key_end - s)));
      skiff_strv_push_owned (&out->params, value);
    }
  skiff_auth_challenge_clear (out);
  return skiff_error_make (err, 0, "invalid WWW-Authenticate header %s", header);
}

const char *
skiff_auth_challenge_param (const struct skiff_auth_challenge *c, const char *key)
{
  const char *found = NULL;
  for (size_t i = 0; c->params && c->params[i] && c->params[i + 1]; i += 2)
    if (strcmp (c->params[i], key) == 0)
      found = c->params[i + 1];
  return found;
}

void
skiff_auth_challenge_clear (struct skiff_auth_challenge *c)
{
  free (c->scheme);
  skiff_strv_free (c->params);
  memset (c, 0, sizeof *c);
}
