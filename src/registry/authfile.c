/* Credentials in podman's auth file and docker's config.json (containers/image
 * pkg/docker/config): {"auths":{"host[:port][/repo]":{"auth":"base64(user:pass)"}}}. */
#include "registry-internal.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

char *
skiff_registry_authfile_path (const char *authfile)
{
  if (authfile)
    return xstrdup (authfile);
  const char *env = getenv ("REGISTRY_AUTH_FILE");
  if (env && *env)
    return xstrdup (env);
  const char *run = getenv ("XDG_RUNTIME_DIR");
  if (run && *run)
    return xasprintf ("%s/containers/auth.json", run);
  return xasprintf ("/run/containers/%u/auth.json", (unsigned)getuid ());
}

/* The files read, in containers/image's order (only the given one with --authfile). */
static char **
read_paths (const char *authfile)
{
  char **v = NULL;
  skiff_strv_push_owned (&v, skiff_registry_authfile_path (authfile));
  if (authfile || (getenv ("REGISTRY_AUTH_FILE") && *getenv ("REGISTRY_AUTH_FILE")))
    return v;
  const char *home = getenv ("HOME");
  const char *xdg = getenv ("XDG_CONFIG_HOME");
  if (xdg && *xdg)
    skiff_strv_push_owned (&v, xasprintf ("%s/containers/auth.json", xdg));
  else if (home)
    skiff_strv_push_owned (&v, xasprintf ("%s/.config/containers/auth.json", home));
  const char *docker = getenv ("DOCKER_CONFIG");
  if (docker && *docker)
    skiff_strv_push_owned (&v, xasprintf ("%s/config.json", docker));
  else if (home)
    skiff_strv_push_owned (&v, xasprintf ("%s/.docker/config.json", home));
  return v;
}

char *
skiff_registry_host_of (const char *text)
{
  const char *k = text;
  if (strncmp (k, "https://", 8) == 0)
    k += 8;
  else if (strncmp (k, "http://", 7) == 0)
    k += 7;
  return xstrndup (k, strcspn (k, "/"));
}

/* normalizeAuthFileKey: no scheme, no path for docker's keys; docker.io's aliases. */
static char *
normalise_key (const char *key)
{
  char *out = skiff_registry_host_of (key);
  if (strcmp (out, "registry-1.docker.io") == 0 || strcmp (out, "docker.io") == 0)
    {
      free (out);
      out = xstrdup ("index.docker.io");
    }
  return out;
}

static int
decode_auth (const char *auth, const char *path, char **user, char **password,
             struct skiff_error **err)
{
  size_t n = strlen (auth);
  _cleanup_free_ char *plain = xzalloc (n + 4);
  int len = EVP_DecodeBlock ((unsigned char *)plain, (const unsigned char *)auth, (int)n);
  if (len < 0)
    return skiff_error_make (err, 0, "%s: invalid auth entry (not base64)", path);
  while (n > 0 && auth[n - 1] == '=' && len > 0)
    n--, len--; /* EVP_DecodeBlock counts the padding as zero bytes */
  plain[len] = '\0';
  char *colon = strchr (plain, ':');
  if (colon == NULL)
    return skiff_error_make (err, 0, "%s: invalid auth entry (no user:password)", path);
  *user = xstrndup (plain, (size_t)(colon - plain));
  *password = xstrdup (colon + 1);
  explicit_bzero (plain, strlen (colon + 1) + (size_t)(colon - plain));
  return 0;
}

static int
lookup_file (const char *path, const char *host, char **user, char **password, bool *found,
             struct skiff_error **err)
{
  if (!skiff_fs_exists (path))
    return 0;
  _cleanup_yajl_val_ yajl_val doc = NULL;
  int r = skiff_json_parse_file (path, &doc, err);
  if (r < 0)
    return r;
  yajl_val auths = skiff_json_get (doc, "auths");
  if (auths == NULL || !YAJL_IS_OBJECT (auths))
    return 0;
  _cleanup_free_ char *want = normalise_key (host);
  for (size_t i = 0; i < auths->u.object.len; i++)
    {
      _cleanup_free_ char *k = normalise_key (auths->u.object.keys[i]);
      _cleanup_free_ char *auth = NULL;
      if (strcmp (k, want) != 0)
        continue;
      r = skiff_json_get_string (auths->u.object.values[i], "auth", path, &auth, err);
      if (r < 0)
        return r;
      if (auth == NULL || *auth == '\0')
        continue;
      *found = true;
      return decode_auth (auth, path, user, password, err);
    }
  return 0;
}

int
skiff_registry_credentials (const char *authfile, const char *host, char **user, char **password,
                            struct skiff_error **err)
{
  *user = *password = NULL;
  _cleanup_strv_ char **paths = read_paths (authfile);
  bool found = false;
  for (size_t i = 0; paths[i] && !found; i++)
    {
      int r = lookup_file (paths[i], host, user, password, &found, err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* The auth file's entries but host's (and with host's new value when auth is non-NULL). */
static int
rewrite (const char *path, const char *host, const char *auth, bool all, bool *had,
         struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val doc = NULL;
  if (skiff_fs_exists (path))
    {
      int r = skiff_json_parse_file (path, &doc, err);
      if (r < 0)
        return r;
    }
  yajl_val auths = doc ? skiff_json_get (doc, "auths") : NULL;
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (true);
  yajl_gen_map_open (g);
  skiff_json_gen_key (g, "auths");
  yajl_gen_map_open (g);
  for (size_t i = 0; auths && YAJL_IS_OBJECT (auths) && i < auths->u.object.len; i++)
    {
      const char *k = auths->u.object.keys[i];
      if (all || (host && strcmp (k, host) == 0))
        {
          *had = true;
          continue;
        }
      yajl_val a = skiff_json_get (auths->u.object.values[i], "auth");
      skiff_json_gen_key (g, k);
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "auth", a && YAJL_IS_STRING (a) ? a->u.string : "");
      yajl_gen_map_close (g);
    }
  if (auth)
    {
      skiff_json_gen_key (g, host);
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "auth", auth);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  size_t len;
  _cleanup_free_ char *text = skiff_json_gen_finish (g, &len);
  _cleanup_free_ char *dir = xstrndup (path, (size_t)(strrchr (path, '/') - path));
  int r = *dir ? skiff_fs_mkdir_p (dir, 0700, err) : 0;
  if (r == 0)
    r = skiff_fs_write_atomic (path, text, len, 0600, SKIFF_WRITE_DURABLE, err);
  return r;
}

int
skiff_registry_login (const char *host, const struct skiff_registry_opts *opts,
                      struct skiff_error **err)
{
  _cleanup_registry_client_ struct skiff_registry_client *c = NULL;
  int r = skiff_registry_client_new (host, NULL, false, opts, &c, err);
  if (r == 0)
    {
      const struct skiff_http_request req = { .method = "GET", .path = "/v2/", .body_fd = -1 };
      struct skiff_http_response resp;
      r = skiff_registry_request (c, &req, &resp, err);
      if (r == 0 && resp.status == 401)
        r = skiff_error_make (err, 0, "invalid username/password");
      else if (r == 0 && (resp.status < 200 || resp.status >= 300))
        r = skiff_registry_status_error (c, "login", &resp, err);
      skiff_http_response_clear (&resp);
    }
  if (r < 0)
    return skiff_error_prefix (err, "logging into \"%s\"", host);
  _cleanup_free_ char *pair = xasprintf ("%s:%s", opts->username, opts->password);
  _cleanup_free_ char *b64 = xmalloc (4 * ((strlen (pair) + 2) / 3) + 1);
  EVP_EncodeBlock ((unsigned char *)b64, (const unsigned char *)pair, (int)strlen (pair));
  explicit_bzero (pair, strlen (pair));
  _cleanup_free_ char *path = skiff_registry_authfile_path (opts->authfile);
  bool had = false;
  return rewrite (path, host, b64, false, &had, err);
}

int
skiff_registry_logout (const char *authfile, const char *host, bool all, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_registry_authfile_path (authfile);
  bool had = false;
  if (!skiff_fs_exists (path) && all)
    return 0;
  int r = rewrite (path, host, NULL, all, &had, err);
  if (r == 0 && !had && !all)
    return skiff_error_make (err, 0, "not logged into %s", host);
  return r;
}
