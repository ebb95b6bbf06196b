/* The mount flag syntaxes of run/create, as docker's parsers read them (volume/mounts/
 * linux_parser.go and the CLI's opts/mount.go): -v, --mount, --tmpfs.  Pure: no file system
 * access; the engine resolves sources. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/mount.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* a one-line error without errno text, exit 125 */
#define BAD(err, ...) (skiff_error_make_status (err, 125, 0, __VA_ARGS__), -EINVAL)

void
skiff_mount_clear (struct skiff_mount *m)
{
  free (m->source);
  free (m->destination);
  free (m->mode);
  free (m->propagation);
  free (m->data);
  memset (m, 0, sizeof *m);
}

void
skiff_mounts_config_clear (struct skiff_mounts_config *mc)
{
  for (size_t i = 0; i < mc->n; i++)
    skiff_mount_clear (&mc->v[i]);
  free (mc->v);
  free (mc->userns);
  memset (mc, 0, sizeof *mc);
}

static char *
dup_or_null (const char *s)
{
  return s ? xstrdup (s) : NULL;
}

void
skiff_mounts_config_add (struct skiff_mounts_config *mc, const struct skiff_mount *m)
{
  mc->v = xrealloc (mc->v, (mc->n + 1) * sizeof *mc->v);
  struct skiff_mount *c = &mc->v[mc->n++];
  *c = *m;
  c->source = dup_or_null (m->source);
  c->destination = dup_or_null (m->destination);
  c->mode = xstrdup (m->mode ? m->mode : "");
  c->propagation = dup_or_null (m->propagation);
  c->data = dup_or_null (m->data);
}

const struct skiff_mount *
skiff_mounts_config_find (const struct skiff_mounts_config *mc, const char *dst)
{
  for (size_t i = 0; i < mc->n; i++)
    if (strcmp (mc->v[i].destination, dst) == 0)
      return &mc->v[i];
  return NULL;
}

bool
skiff_mount_volume_name_valid (const char *name)
{
  static const char more[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
  size_t len = strlen (name);
  if (len < 2 || len > 255 || strchr (more, name[0]) == NULL || strchr ("_.-", name[0]))
    return false;
  return strspn (name, more) == len;
}

int
skiff_mount_clean_destination (const char *path, char **out, struct skiff_error **err)
{
  if (path == NULL || path[0] != '/')
    return BAD (err, "invalid mount path: '%s' mount path must be absolute", path ? path : "");
  _cleanup_free_ char *copy = xstrdup (path);
  _cleanup_free_ char *clean = xmalloc (strlen (path) + 2);
  size_t n = 0;
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c != NULL; c = strtok_r (NULL, "/", &save))
    {
      if (strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        return BAD (err, "invalid mount path: '%s' must not contain '..'", path);
      clean[n++] = '/';
      memcpy (clean + n, c, strlen (c));
      n += strlen (c);
    }
  if (n == 0)
    return BAD (err, "invalid specification: destination can't be '/'");
  clean[n] = '\0';
  *out = steal_ptr (&clean);
  return 0;
}

static bool
is_propagation (const char *w)
{
  static const char *const words[]
      = { "shared", "slave", "private", "rshared", "rslave", "rprivate" };
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp (w, words[i]) == 0)
      return true;
  return false;
}

/* One word of -v's option list.  false: not a word -v knows. */
static bool
volume_option (struct skiff_mount *m, const char *w, unsigned *seen)
{
  static const struct
  {
    const char *word;
    size_t field; /* offset of a bool in struct skiff_mount */
    bool value;
    unsigned group; /* words of one group exclude each other */
  } words[] = {
    { "ro", offsetof (struct skiff_mount, read_only), true, 1 },
    { "rw", offsetof (struct skiff_mount, read_only), false, 1 },
    { "z", 0, false, 2 },
    { "Z", 0, false, 2 },
    { "U", offsetof (struct skiff_mount, chown), true, 0 },
    { "O", offsetof (struct skiff_mount, overlay), true, 0 },
    { "nocopy", offsetof (struct skiff_mount, nocopy), true, 4 },
    { "copy", offsetof (struct skiff_mount, nocopy), false, 4 },
    { "noexec", offsetof (struct skiff_mount, noexec), true, 8 },
    { "exec", offsetof (struct skiff_mount, noexec), false, 8 },
    { "nosuid", offsetof (struct skiff_mount, nosuid), true, 16 },
    { "suid", offsetof (struct skiff_mount, nosuid), false, 16 },
    { "nodev", offsetof (struct skiff_mount, nodev), true, 32 },
    { "dev", offsetof (struct skiff_mount, nodev), false, 32 },
  };
  if (is_propagation (w))
    {
      if (m->propagation != NULL)
        return false;
      m->propagation = xstrdup (w);
      return true;
    }
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp (w, words[i].word) == 0)
      {
        if (words[i].group & *seen)
          return false;
        *seen |= words[i].group;
        if (words[i].field)
          *(bool *)((char *)m + words[i].field) = words[i].value;
        return true;
      }
  return false;
}

static int
volume_options (struct skiff_mount *m, const char *opts, struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (opts);
  unsigned seen = 0;
  char *save = NULL;
  for (char *w = strtok_r (copy, ",", &save); w != NULL; w = strtok_r (NULL, ",", &save))
    if (!volume_option (m, w, &seen))
      return BAD (err, "invalid mode: %s", opts);
  if (*opts == '\0' || opts[strlen (opts) - 1] == ',')
    return BAD (err, "invalid mode: %s", opts);
  if (m->overlay && m->read_only)
    return BAD (err, "invalid mode: %s: O and ro cannot be used together", opts);
  return 0;
}

static int
volume_source (struct skiff_mount *m, const char *src, struct skiff_error **err)
{
  if (src[0] == '/')
    {
      m->type = SKIFF_MOUNT_BIND;
      m->create_host_path = true;
      m->source = xstrdup (src);
      return 0;
    }
  if (!skiff_mount_volume_name_valid (src))
    return BAD (err,
                "create %s: \"%s\" includes invalid characters for a local volume name, only "
                "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
                "directory, use absolute path",
                src, src);
  m->type = SKIFF_MOUNT_VOLUME;
  m->source = xstrdup (src);
  return 0;
}

int
skiff_mount_parse_volume (const char *spec, struct skiff_mount *out, struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (spec);
  char *parts[4] = { 0 };
  size_t n = 0;
  for (char *p = copy, *colon; n < 4; p = colon + 1)
    {
      parts[n++] = p;
      if ((colon = strchr (p, ':')) == NULL)
        break;
      *colon = '\0';
    }
  if (n == 4 || *spec == '\0' || (n >= 2 && (*parts[0] == '\0' || *parts[1] == '\0')))
    return BAD (err, "invalid volume specification: '%s'", spec);
  struct skiff_mount m = { .mode = xstrdup (n == 3 ? parts[2] : "") };
  const char *dst = n == 1 ? parts[0] : parts[1];
  int r = skiff_mount_clean_destination (dst, &m.destination, err);
  if (r == 0 && n == 1)
    {
      m.type = SKIFF_MOUNT_VOLUME;
      m.anonymous = true;
    }
  else if (r == 0)
    r = volume_source (&m, parts[0], err);
  if (r == 0 && n == 3)
    r = volume_options (&m, parts[2], err);
  if (r == 0 && m.chown && m.type != SKIFF_MOUNT_BIND && m.type != SKIFF_MOUNT_VOLUME)
    r = BAD (err, "invalid mode: %s", parts[2]);
  if (r < 0)
    {
      skiff_mount_clear (&m);
      return r;
    }
  *out = m;
  return 0;
}

/* readonly / ro / volume-nocopy take an optional boolean, as docker's CLI */
static int
mount_bool (const char *key, const char *value, bool *out, struct skiff_error **err)
{
  if (value == NULL || strcasecmp (value, "true") == 0 || strcmp (value, "1") == 0)
    *out = true;
  else if (strcasecmp (value, "false") == 0 || strcmp (value, "0") == 0)
    *out = false;
  else
    return BAD (err, "invalid value for %s: %s", key, value);
  return 0;
}

static void
append_data (struct skiff_mount *m, const char *opt)
{
  char *d = m->data ? xasprintf ("%s,%s", m->data, opt) : xstrdup (opt);
  free (m->data);
  m->data = d;
}

static int
mount_type (struct skiff_mount *m, const char *value, struct skiff_error **err)
{
  static const char *const names[] = { "bind", "volume", "tmpfs", "devpts" };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp (value, names[i]) == 0)
      {
        m->type = (enum skiff_mount_type)i;
        return 0;
      }
  return BAD (err, "invalid argument \"type=%s\" for \"--mount\" flag: unknown mount type \"%s\"",
              value, value);
}

static int
mount_key (struct skiff_mount *m, const char *key, const char *value, const char *field,
           struct skiff_error **err)
{
  if (strcmp (key, "readonly") == 0 || strcmp (key, "ro") == 0)
    return mount_bool (key, value, &m->read_only, err);
  if (strcmp (key, "volume-nocopy") == 0)
    return mount_bool (key, value, &m->nocopy, err);
  if (strcmp (key, "bind-nonrecursive") == 0 || strcmp (key, "consistency") == 0)
    return 0; /* accepted, as docker on Linux */
  if (value == NULL)
    return BAD (err, "invalid field '%s' must be a key=value pair", field);
  if (strcmp (key, "type") == 0)
    return mount_type (m, value, err);
  char **slot = NULL;
  if (strcmp (key, "source") == 0 || strcmp (key, "src") == 0)
    slot = &m->source;
  else if (strcmp (key, "target") == 0 || strcmp (key, "destination") == 0
           || strcmp (key, "dst") == 0)
    slot = &m->destination;
  else if (strcmp (key, "bind-propagation") == 0)
    {
      if (!is_propagation (value))
        return BAD (err, "invalid value for bind-propagation: %s", value);
      slot = &m->propagation;
    }
  if (slot != NULL)
    {
      free (*slot);
      *slot = xstrdup (value);
      return 0;
    }
  if (strcmp (key, "tmpfs-size") == 0 || strcmp (key, "tmpfs-mode") == 0)
    {
      _cleanup_free_ char *opt = xasprintf ("%s=%s", key + 6, value);
      append_data (m, opt);
      return 0;
    }
  if (strcmp (key, "volume-driver") == 0)
    return strcmp (value, "local") == 0 ? 0 : BAD (err, "volume driver %s is not supported", value);
  if (strcmp (key, "volume-label") == 0 || strcmp (key, "volume-opt") == 0)
    return 0; /* only for a volume created on the way: skiff creates it plain */
  return BAD (err, "unexpected key '%s' in '%s'", key, field);
}

static int
mount_check (struct skiff_mount *m, struct skiff_error **err)
{
  const char *t = skiff_mount_type_name (m->type);
  if (m->destination == NULL || *m->destination == '\0')
    return BAD (err, "invalid mount config for type \"%s\": field Target must not be empty", t);
  _cleanup_free_ char *dst = NULL;
  int r = skiff_mount_clean_destination (m->destination, &dst, err);
  if (r < 0)
    return skiff_error_prefix (err, "invalid mount config for type \"%s\"", t);
  free (m->destination);
  m->destination = steal_ptr (&dst);
  if (m->type == SKIFF_MOUNT_BIND && (m->source == NULL || *m->source == '\0'))
    return BAD (err, "invalid mount config for type \"bind\": field Source must not be empty");
  if (m->type == SKIFF_MOUNT_BIND && m->source[0] != '/')
    return BAD (err,
                "invalid mount config for type \"bind\": invalid mount path: '%s' mount path "
                "must be absolute",
                m->source);
  if ((m->type == SKIFF_MOUNT_TMPFS || m->type == SKIFF_MOUNT_DEVPTS) && m->source != NULL)
    return BAD (err, "invalid mount config for type \"%s\": field Source must not be specified", t);
  if (m->type != SKIFF_MOUNT_BIND && m->propagation != NULL)
    return BAD (err,
                "invalid mount config for type \"%s\": field BindOptions must not be specified", t);
  if (m->type == SKIFF_MOUNT_VOLUME && m->source == NULL)
    m->anonymous = true;
  else if (m->type == SKIFF_MOUNT_VOLUME && !skiff_mount_volume_name_valid (m->source))
    return BAD (err,
                "create %s: \"%s\" includes invalid characters for a local volume name, only "
                "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
                "directory, use absolute path",
                m->source, m->source);
  if (m->type == SKIFF_MOUNT_TMPFS || m->type == SKIFF_MOUNT_DEVPTS)
    m->nosuid = m->nodev = m->type == SKIFF_MOUNT_TMPFS;
  return 0;
}

int
skiff_mount_parse_mount (const char *spec, struct skiff_mount *out, struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (spec);
  struct skiff_mount m = { .type = SKIFF_MOUNT_VOLUME, .mode = xstrdup ("") };
  int r = 0;
  char *save = NULL;
  for (char *f = strtok_r (copy, ",", &save); f != NULL && r == 0; f = strtok_r (NULL, ",", &save))
    {
      _cleanup_free_ char *field = xstrdup (f);
      char *eq = strchr (f, '=');
      if (eq)
        *eq = '\0';
      r = mount_key (&m, f, eq ? eq + 1 : NULL, field, err);
    }
  if (r == 0)
    r = mount_check (&m, err);
  if (r < 0)
    {
      skiff_mount_clear (&m);
      return r;
    }
  *out = m;
  return 0;
}

/* A --tmpfs option that is a mount flag, not tmpfs data. */
static bool
tmpfs_flag (struct skiff_mount *m, const char *w)
{
  static const struct
  {
    const char *word;
    size_t field;
    bool value;
  } flags[] = {
    { "ro", offsetof (struct skiff_mount, read_only), true },
    { "rw", offsetof (struct skiff_mount, read_only), false },
    { "noexec", offsetof (struct skiff_mount, noexec), true },
    { "exec", offsetof (struct skiff_mount, noexec), false },
    { "nosuid", offsetof (struct skiff_mount, nosuid), true },
    { "suid", offsetof (struct skiff_mount, nosuid), false },
    { "nodev", offsetof (struct skiff_mount, nodev), true },
    { "dev", offsetof (struct skiff_mount, nodev), false },
  };
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    if (strcmp (w, flags[i].word) == 0)
      {
        *(bool *)((char *)m + flags[i].field) = flags[i].value;
        return true;
      }
  return false;
}

int
skiff_mount_parse_tmpfs (const char *spec, struct skiff_mount *out, struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (spec);
  char *colon = strchr (copy, ':');
  if (colon)
    *colon++ = '\0';
  /* podman's defaults: rw,noexec,nosuid,nodev */
  struct skiff_mount m = {
    .type = SKIFF_MOUNT_TMPFS, .mode = xstrdup (""), .noexec = true, .nosuid = true, .nodev = true
  };
  int r = skiff_mount_clean_destination (copy, &m.destination, err);
  char *save = NULL;
  for (char *w = colon ? strtok_r (colon, ",", &save) : NULL; r == 0 && w != NULL;
       w = strtok_r (NULL, ",", &save))
    if (!tmpfs_flag (&m, w))
      {
        if (strchr (w, '=') == NULL && strcmp (w, "tmpcopyup") != 0
            && strcmp (w, "notmpcopyup") != 0)
          r = BAD (err, "invalid tmpfs option [\"%s\"]", w);
        else if (strchr (w, '='))
          append_data (&m, w);
      }
  if (r < 0)
    {
      skiff_mount_clear (&m);
      return r;
    }
  *out = m;
  return 0;
}

int
skiff_mount_userns_check (const char *mode, bool rootless, struct skiff_error **err)
{
  if (mode == NULL || *mode == '\0' || strcmp (mode, "host") == 0)
    return 0;
  if (strcmp (mode, "keep-id") == 0 || strcmp (mode, "nomap") == 0)
    {
      if (!rootless)
        return BAD (err, "%s is only supported in rootless mode", mode);
      return 0;
    }
  if (strcmp (mode, "auto") == 0 || strncmp (mode, "auto:", 5) == 0
      || strncmp (mode, "container:", 10) == 0 || strncmp (mode, "ns:", 3) == 0
      || strcmp (mode, "private") == 0 || strncmp (mode, "keep-id:", 8) == 0)
    return BAD (err, "--userns=%s is not supported by skiff yet", mode);
  return BAD (err, "invalid user namespace mode: %s", mode);
}
