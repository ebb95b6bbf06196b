/* distribution/reference grammar with docker's normalisation (spec image-formats.md §10).
 * Hand-written matchers instead of regexes: each grammar rule is one small predicate. */
#include "skiff/reference.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

#define NAME_TOTAL_MAX 255
#define TAG_MAX 128

static bool
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_word (char c)
{
  return isalnum ((unsigned char)c) || c == '_';
}

static bool
is_hex_lower (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* path-component := [a-z0-9]+ ((?:[._]|__|[-]+) [a-z0-9]+)*   on s[0..n) */
static bool
valid_path_component (const char *s, size_t n)
{
  size_t i = 0;
  if (n == 0 || !is_lower_alnum (s[0]))
    return false;
  while (i < n)
    {
      while (i < n && is_lower_alnum (s[i]))
        i++;
      if (i == n)
        return true;
      size_t sep = i;
      if (s[i] == '.')
        i++;
      else if (s[i] == '_')
        i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
      else if (s[i] == '-')
        while (i < n && s[i] == '-')
          i++;
      else
        return false;
      if (i == sep || i == n || !is_lower_alnum (s[i]))
        return false;
    }
  return true;
}

/* path := path-component ("/" path-component)* */
static bool
valid_path (const char *s)
{
  const char *p = s;
  for (;;)
    {
      const char *slash = strchr (p, '/');
      size_t n = slash ? (size_t)(slash - p) : strlen (p);
      if (!valid_path_component (p, n))
        return false;
      if (slash == NULL)
        return true;
      p = slash + 1;
    }
}

/* domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static bool
valid_domain_component (const char *s, size_t n)
{
  if (n == 0 || !isalnum ((unsigned char)s[0]) || !isalnum ((unsigned char)s[n - 1]))
    return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char)s[i]) && s[i] != '-')
      return false;
  return true;
}

/* host [":" port]: host is dotted domain components or a bracketed IPv6 literal. */
static bool
valid_domain (const char *s)
{
  const char *end = s + strlen (s);
  const char *colon;
  if (*s == '[')
    {
      const char *close = strchr (s, ']');
      if (close == NULL || close == s + 1)
        return false;
      for (const char *q = s + 1; q < close; q++)
        if (!isxdigit ((unsigned char)*q) && *q != ':' && *q != '.')
          return false;
      colon = close + 1;
      if (colon == end)
        return true;
      if (*colon != ':')
        return false;
    }
  else
    {
      colon = strchr (s, ':');
      const char *hend = colon ? colon : end;
      const char *p = s;
      for (;;)
        {
          const char *dot = memchr (p, '.', (size_t)(hend - p));
          size_t n = dot ? (size_t)(dot - p) : (size_t)(hend - p);
          if (!valid_domain_component (p, n))
            return false;
          if (dot == NULL)
            break;
          p = dot + 1;
        }
      if (colon == NULL)
        return true;
    }
  if (colon[1] == '\0')
    return false;
  for (const char *q = colon + 1; *q; q++)
    if (!isdigit ((unsigned char)*q))
      return false;
  return true;
}

/* tag := [\w][\w.-]{0,127} */
static bool
valid_tag (const char *s)
{
  size_t n = strlen (s);
  if (n == 0 || n > TAG_MAX || !is_word (s[0]))
    return false;
  for (size_t i = 1; i < n; i++)
    if (!is_word (s[i]) && s[i] != '.' && s[i] != '-')
      return false;
  return true;
}

/* digest := algorithm ":" encoded; algorithm components [a-z0-9]+ joined by [+._-];
 * encoded [a-zA-Z0-9=_-]+ with >= 32 chars; sha256 must be exactly 64 lowercase hex. */
static bool
valid_digest (const char *s)
{
  const char *colon = strchr (s, ':');
  if (colon == NULL || colon == s)
    return false;
  bool prev_sep = true;
  for (const char *q = s; q < colon; q++)
    {
      bool sep = strchr ("+._-", *q) != NULL;
      if (sep ? prev_sep : !is_lower_alnum (*q))
        return false;
      prev_sep = sep;
    }
  if (prev_sep)
    return false;
  const char *enc = colon + 1;
  size_t n = strlen (enc);
  if (n < 32)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char)enc[i]) && enc[i] != '=' && enc[i] != '_' && enc[i] != '-')
      return false;
  if (colon - s == 6 && strncmp (s, "sha256", 6) == 0)
    {
      if (n != 64)
        return false;
      for (size_t i = 0; i < n; i++)
        if (!is_hex_lower (enc[i]))
          return false;
    }
  return true;
}

static bool
is_hex64 (const char *s)
{
  if (strlen (s) != 64)
    return false;
  for (size_t i = 0; i < 64; i++)
    if (!is_hex_lower (s[i]))
      return false;
  return true;
}

bool
skiff_reference_is_id (const char *text)
{
  if (strncmp (text, "sha256:", 7) == 0)
    text += 7;
  return is_hex64 (text);
}

static bool
has_upper (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (isupper ((unsigned char)s[i]))
      return true;
  return false;
}

/* docker's splitDockerDomain: the first component is a domain when it contains '.' or ':',
 * is "localhost", or has upper case letters. */
static void
split_domain (const char *name, char **domain, char **rest)
{
  const char *slash = strchr (name, '/');
  size_t n = slash ? (size_t)(slash - name) : 0;
  if (slash == NULL
      || (memchr (name, '.', n) == NULL && memchr (name, ':', n) == NULL
          && !(n == 9 && strncmp (name, "localhost", 9) == 0) && !has_upper (name, n)))
    {
      *domain = xstrdup ("docker.io");
      *rest = xstrdup (name);
    }
  else
    {
      *domain = xstrndup (name, n);
      *rest = xstrdup (slash + 1);
    }
  if (strcmp (*domain, "index.docker.io") == 0)
    {
      free (*domain);
      *domain = xstrdup ("docker.io");
    }
  if (strcmp (*domain, "docker.io") == 0 && strchr (*rest, '/') == NULL)
    {
      char *r = xasprintf ("library/%s", *rest);
      free (*rest);
      *rest = r;
    }
}

static int
invalid (struct skiff_error **err, const char *text)
{
  return skiff_error_make (err, 0, "invalid reference format: \"%s\"", text);
}

int
skiff_reference_parse (const char *text, struct skiff_reference *ref, struct skiff_error **err)
{
  memset (ref, 0, sizeof *ref);
  if (*text == '\0')
    return invalid (err, text);
  if (is_hex64 (text))
    return skiff_error_make (err, 0,
                             "invalid repository name (%s), cannot specify 64-byte hexadecimal "
                             "strings",
                             text);
  _cleanup_free_ char *name = NULL;
  _cleanup_free_ char *tag = NULL;
  _cleanup_free_ char *digest = NULL;
  const char *at = strchr (text, '@');
  name = at ? xstrndup (text, (size_t)(at - text)) : xstrdup (text);
  if (at)
    {
      if (!valid_digest (at + 1))
        return invalid (err, text);
      digest = xstrdup (at + 1);
    }
  char *last_slash = strrchr (name, '/');
  char *colon = strchr (last_slash ? last_slash : name, ':');
  if (colon)
    {
      *colon = '\0';
      if (!valid_tag (colon + 1))
        return invalid (err, text);
      tag = xstrdup (colon + 1);
    }
  _cleanup_free_ char *domain = NULL;
  _cleanup_free_ char *path = NULL;
  split_domain (name, &domain, &path);
  if (has_upper (path, strlen (path)))
    return skiff_error_make (
        err, 0, "invalid reference format: repository name (%s) must be lowercase", path);
  if (!valid_domain (domain) || !valid_path (path))
    return invalid (err, text);
  if (strlen (domain) + 1 + strlen (path) > NAME_TOTAL_MAX)
    return skiff_error_make (err, 0,
                             "invalid reference format: repository name must not be more than "
                             "%d characters",
                             NAME_TOTAL_MAX);
  if (tag == NULL && digest == NULL)
    tag = xstrdup ("latest");
  ref->domain = steal_ptr (&domain);
  ref->path = steal_ptr (&path);
  ref->tag = steal_ptr (&tag);
  ref->digest = steal_ptr (&digest);
  return 0;
}

void
skiff_reference_clear (struct skiff_reference *ref)
{
  free (ref->domain);
  free (ref->path);
  free (ref->tag);
  free (ref->digest);
  memset (ref, 0, sizeof *ref);
}

static char *
with_suffixes (const char *name, const struct skiff_reference *ref)
{
  return xasprintf ("%s%s%s%s%s", name, ref->tag ? ":" : "", ref->tag ? ref->tag : "",
                    ref->digest ? "@" : "", ref->digest ? ref->digest : "");
}

char *
skiff_reference_name (const struct skiff_reference *ref)
{
  return xasprintf ("%s/%s", ref->domain, ref->path);
}

char *
skiff_reference_string (const struct skiff_reference *ref)
{
  _cleanup_free_ char *name = skiff_reference_name (ref);
  return with_suffixes (name, ref);
}

/* docker's FamiliarName: drop docker.io/, then library/ when one component remains. */
static const char *
familiar_path (const struct skiff_reference *ref)
{
  if (strcmp (ref->domain, "docker.io") != 0)
    return NULL;
  if (strncmp (ref->path, "library/", 8) == 0 && strchr (ref->path + 8, '/') == NULL)
    return ref->path + 8;
  return ref->path;
}

char *
skiff_reference_familiar (const struct skiff_reference *ref)
{
  const char *fp = familiar_path (ref);
  _cleanup_free_ char *name = fp ? xstrdup (fp) : skiff_reference_name (ref);
  return with_suffixes (name, ref);
}

char *
skiff_reference_familiar_name (const struct skiff_reference *ref)
{
  const char *fp = familiar_path (ref);
  return fp ? xstrdup (fp) : skiff_reference_name (ref);
}

char *
skiff_reference_familiar_text (const char *text)
{
  struct skiff_reference ref;
  struct skiff_error *e = NULL;
  if (skiff_reference_parse (text, &ref, &e) < 0)
    {
      skiff_error_free (e);
      return xstrdup (text);
    }
  char *f = skiff_reference_familiar (&ref);
  skiff_reference_clear (&ref);
  return f;
}
