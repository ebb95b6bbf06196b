/* One registry and repository over libcurl: the scheme found by pinging /v2/ (HTTPS, and plain
 * HTTP only when TLS verification is off, as containers/image), TLS settings from --tls-verify
 * and the cert dir, and authentication on a 401: Basic, or a Bearer token fetched from the
 * challenge's realm.  One connection is reused for every request. */
#include "registry-internal.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define MAX_BODY (16u << 20) /* manifests, configs, tokens and error documents */

struct skiff_registry_client
{
  CURL *curl;
  char *host, *repo, *base; /* base: "https://host" or "http://host" */
  bool verify, push;
  char *ca_blob; /* PEM: the cert dir's CAs and the system's */
  size_t ca_len;
  char *client_cert, *client_key;
  char *user, *password;
  char *authorization; /* the header to send, once known */
};

struct transfer
{
  struct skiff_registry_client *c;
  const struct skiff_http_request *req;
  struct skiff_http_response *resp;
  char *www_authenticate;
  size_t cap;
  int sink_error;
  int64_t sent;
};

void
skiff_http_response_clear (struct skiff_http_response *r)
{
  free (r->body);
  free (r->content_type);
  free (r->location);
  free (r->docker_digest);
  free (r->link);
  memset (r, 0, sizeof *r);
}

const char *
skiff_registry_client_repo (const struct skiff_registry_client *c)
{
  return c->repo;
}

const char *
skiff_registry_client_host (const struct skiff_registry_client *c)
{
  return c->host;
}

static char *
header_value (const char *line, size_t len, const char *name)
{
  size_t n = strlen (name);
  if (len <= n || strncasecmp (line, name, n) != 0 || line[n] != ':')
    return NULL;
  const char *v = line + n + 1;
  const char *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  return xstrndup (v, (size_t)(end - v));
}

static void
set_header (char **slot, const char *line, size_t len, const char *name)
{
  char *v = header_value (line, len, name);
  if (v)
    {
      free (*slot);
      *slot = v;
    }
}

static size_t
on_header (char *line, size_t size, size_t n, void *data)
{
  struct transfer *t = data;
  size_t len = size * n;
  if (len > 5 && strncmp (line, "HTTP/", 5) == 0)
    {
      /* a new response (after a redirect or 100): forget the previous one's headers */
      free (t->resp->content_type);
      free (t->resp->location);
      free (t->resp->docker_digest);
      free (t->resp->link);
      free (t->www_authenticate);
      t->resp->content_type = t->resp->location = t->resp->docker_digest = t->resp->link = NULL;
      t->www_authenticate = NULL;
      return len;
    }
  set_header (&t->resp->content_type, line, len, "Content-Type");
  set_header (&t->resp->location, line, len, "Location");
  set_header (&t->resp->docker_digest, line, len, "Docker-Content-Digest");
  set_header (&t->resp->link, line, len, "Link");
  if (t->www_authenticate == NULL)
    t->www_authenticate = header_value (line, len, "WWW-Authenticate");
  return len;
}

static size_t
on_body (char *data, size_t size, size_t n, void *userdata)
{
  struct transfer *t = userdata;
  size_t len = size * n;
  long status = 0;
  skiff_curl.easy_getinfo (t->c->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->req->sink && status >= 200 && status < 300)
    {
      int r = t->req->sink (data, len, t->req->sink_data);
      if (r < 0)
        {
          t->sink_error = r;
          return CURL_WRITEFUNC_ERROR;
        }
      return len;
    }
  struct skiff_http_response *resp = t->resp;
  if (resp->body_len + len > MAX_BODY)
    {
      t->sink_error = -EFBIG;
      return CURL_WRITEFUNC_ERROR;
    }
  if (resp->body_len + len + 1 > t->cap)
    {
      t->cap = (resp->body_len + len + 1) * 2;
      resp->body = xrealloc (resp->body, t->cap);
    }
  memcpy (resp->body + resp->body_len, data, len);
  resp->body_len += len;
  resp->body[resp->body_len] = '\0';
  return len;
}

static size_t
on_upload (char *buf, size_t size, size_t n, void *data)
{
  struct transfer *t = data;
  size_t want = size * n;
  int64_t left = t->req->body_size - t->sent;
  if ((int64_t)want > left)
    want = (size_t)left;
  ssize_t got;
  do
    got = read (t->req->body_fd, buf, want);
  while (got < 0 && errno == EINTR);
  if (got < 0)
    {
      t->sink_error = -errno;
      return CURL_READFUNC_ABORT;
    }
  t->sent += got;
  return (size_t)got;
}

/* Whether url is on the registry itself: an upload Location may name any host, and the
 * registry's credentials go nowhere else. */
static bool
same_origin (const struct skiff_registry_client *c, const char *url)
{
  size_t n = strlen (c->base);
  return strncmp (url, c->base, n) == 0 && (url[n] == '/' || url[n] == '\0');
}

/* Control characters of a registry's text (an error message) as '?': it reaches a terminal. */
static void
sanitise (char *s)
{
  for (unsigned char *p = (unsigned char *)s; s && *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      *p = '?';
}

static char *
request_url (struct skiff_registry_client *c, const char *path)
{
  if (strncmp (path, "http://", 7) == 0 || strncmp (path, "https://", 8) == 0)
    return xstrdup (path);
  return xasprintf ("%s%s", c->base, path);
}

static void
set_tls (struct skiff_registry_client *c)
{
  skiff_curl.easy_setopt (c->curl, CURLOPT_SSL_VERIFYPEER, c->verify ? 1L : 0L);
  skiff_curl.easy_setopt (c->curl, CURLOPT_SSL_VERIFYHOST, c->verify ? 2L : 0L);
  if (c->ca_blob)
    {
      struct curl_blob blob = { .data = c->ca_blob, .len = c->ca_len, .flags = CURL_BLOB_COPY };
      skiff_curl.easy_setopt (c->curl, CURLOPT_CAINFO_BLOB, &blob);
    }
  if (c->client_cert && c->client_key)
    {
      skiff_curl.easy_setopt (c->curl, CURLOPT_SSLCERT, c->client_cert);
      skiff_curl.easy_setopt (c->curl, CURLOPT_SSLKEY, c->client_key);
    }
}

static struct curl_slist *
request_headers (struct skiff_registry_client *c, const struct skiff_http_request *req,
                 const char *authorization)
{
  struct curl_slist *h = skiff_curl.slist_append (NULL, "Docker-Distribution-Api-Version: "
                                                        "registry/2.0");
  if (authorization)
    h = skiff_curl.slist_append (h, authorization);
  if (req->accept)
    {
      _cleanup_free_ char *a = xasprintf ("Accept: %s", req->accept);
      h = skiff_curl.slist_append (h, a);
    }
  if (req->content_type)
    {
      _cleanup_free_ char *ct = xasprintf ("Content-Type: %s", req->content_type);
      h = skiff_curl.slist_append (h, ct);
    }
  h = skiff_curl.slist_append (h, "Expect:");
  return h;
}

static void
set_method (struct skiff_registry_client *c, const struct skiff_http_request *req,
            struct transfer *t)
{
  const char *m = req->method ? req->method : "GET";
  if (strcmp (m, "HEAD") == 0)
    skiff_curl.easy_setopt (c->curl, CURLOPT_NOBODY, 1L);
  else if (req->body_fd >= 0)
    {
      skiff_curl.easy_setopt (c->curl, CURLOPT_UPLOAD, 1L);
      skiff_curl.easy_setopt (c->curl, CURLOPT_READFUNCTION, on_upload);
      skiff_curl.easy_setopt (c->curl, CURLOPT_READDATA, t);
      skiff_curl.easy_setopt (c->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body_size);
    }
  else if (strcmp (m, "GET") != 0)
    {
      skiff_curl.easy_setopt (c->curl, CURLOPT_POST, 1L);
      skiff_curl.easy_setopt (c->curl, CURLOPT_POSTFIELDS, req->body ? req->body : "");
      skiff_curl.easy_setopt (c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
  if (strcmp (m, "GET") != 0 && strcmp (m, "HEAD") != 0)
    skiff_curl.easy_setopt (c->curl, CURLOPT_CUSTOMREQUEST, m);
}

/* One request, no authentication step.  *challenge: the 401's WWW-Authenticate. */
static int
perform (struct skiff_registry_client *c, const struct skiff_http_request *req,
         const char *authorization, struct skiff_http_response *resp, char **challenge,
         struct skiff_error **err)
{
  if (c->curl == NULL)
    c->curl = skiff_curl.easy_init ();
  if (c->curl == NULL)
    return skiff_error_make (err, ENOMEM, "curl_easy_init");
  skiff_curl.easy_reset (c->curl);
  _cleanup_free_ char *url = request_url (c, req->path);
  struct transfer t = { .c = c, .req = req, .resp = resp };
  memset (resp, 0, sizeof *resp);
  char errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = request_headers (c, req, authorization);
  skiff_curl.easy_setopt (c->curl, CURLOPT_URL, url);
  skiff_curl.easy_setopt (c->curl, CURLOPT_HTTPHEADER, headers);
  skiff_curl.easy_setopt (c->curl, CURLOPT_ERRORBUFFER, errbuf);
  skiff_curl.easy_setopt (c->curl, CURLOPT_HEADERFUNCTION, on_header);
  skiff_curl.easy_setopt (c->curl, CURLOPT_HEADERDATA, &t);
  skiff_curl.easy_setopt (c->curl, CURLOPT_WRITEFUNCTION, on_body);
  skiff_curl.easy_setopt (c->curl, CURLOPT_WRITEDATA, &t);
  skiff_curl.easy_setopt (c->curl, CURLOPT_NOSIGNAL, 1L);
  skiff_curl.easy_setopt (c->curl, CURLOPT_CONNECTTIMEOUT, 30L);
  /* a stalled body fails instead of hanging: under 1 KiB/s for 30 s */
  skiff_curl.easy_setopt (c->curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  skiff_curl.easy_setopt (c->curl, CURLOPT_LOW_SPEED_TIME, 30L);
  skiff_curl.easy_setopt (c->curl, CURLOPT_FOLLOWLOCATION, 1L);
  skiff_curl.easy_setopt (c->curl, CURLOPT_MAXREDIRS, 10L);
  skiff_curl.easy_setopt (c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
  skiff_curl.easy_setopt (c->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  skiff_curl.easy_setopt (c->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  skiff_curl.easy_setopt (c->curl, CURLOPT_USERAGENT, "skiff/" SKIFF_VERSION);
  set_tls (c);
  set_method (c, req, &t);
  CURLcode cr = skiff_curl.easy_perform (c->curl);
  skiff_curl.slist_free_all (headers);
  skiff_curl.easy_getinfo (c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
  *challenge = t.www_authenticate;
  if (cr == CURLE_OK)
    return 0;
  if (t.sink_error)
    {
      skiff_http_response_clear (resp);
      return skiff_error_make (err, -t.sink_error, "%s %s", req->method ? req->method : "GET", url);
    }
  skiff_http_response_clear (resp);
  return skiff_error_make (err, 0, "%s %s: %s", req->method ? req->method : "GET", url,
                           *errbuf ? errbuf : skiff_curl.easy_strerror (cr));
}

static char *
base64 (const char *s)
{
  size_t n = strlen (s);
  char *out = xmalloc (4 * ((n + 2) / 3) + 1);
  EVP_EncodeBlock ((unsigned char *)out, (const unsigned char *)s, (int)n);
  return out;
}

static char *
basic_header (struct skiff_registry_client *c)
{
  _cleanup_free_ char *pair = xasprintf ("%s:%s", c->user, c->password);
  _cleanup_free_ char *b = base64 (pair);
  return xasprintf ("Authorization: Basic %s", b);
}

char *
skiff_registry_url_escape (const char *s)
{
  char *out = xmalloc (strlen (s) * 3 + 1);
  char *o = out;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
        || strchr ("-._~", *p))
      *o++ = (char)*p;
    else
      o += sprintf (o, "%%%02X", *p);
  *o = '\0';
  return out;
}

/* GET <realm>?service=&scope= (with Basic credentials when we have them) -> the token. */
static int
fetch_token (struct skiff_registry_client *c, const struct skiff_auth_challenge *ch,
             struct skiff_error **err)
{
  const char *realm = skiff_auth_challenge_param (ch, "realm");
  if (realm == NULL || (strncmp (realm, "https://", 8) != 0 && strncmp (realm, "http://", 7) != 0))
    return skiff_error_make (err, 0, "%s: the Bearer challenge has no usable realm", c->host);
  const char *service = skiff_auth_challenge_param (ch, "service");
  _cleanup_free_ char *scope
      = xasprintf ("repository:%s:%s", c->repo, c->push ? "pull,push" : "pull");
  _cleanup_free_ char *es = skiff_registry_url_escape (scope);
  _cleanup_free_ char *esvc = skiff_registry_url_escape (service ? service : "");
  _cleanup_free_ char *url
      = xasprintf ("%s%sservice=%s%s%s", realm, strchr (realm, '?') ? "&" : "?", esvc,
                   c->repo ? "&scope=" : "", c->repo ? es : "");
  _cleanup_free_ char *auth = c->user ? basic_header (c) : NULL;
  const struct skiff_http_request req = { .method = "GET", .path = url, .body_fd = -1 };
  struct skiff_http_response resp;
  _cleanup_free_ char *challenge = NULL;
  int r = perform (c, &req, auth, &resp, &challenge, err);
  if (r < 0)
    return skiff_error_prefix (err, "fetching a token for %s", c->host);
  if (resp.status == 401 || resp.status == 403)
    {
      skiff_http_response_clear (&resp);
      return skiff_error_make (err, 0, "%s: invalid username/password", c->host);
    }
  if (resp.status != 200 || resp.body == NULL)
    {
      r = skiff_registry_status_error (c, "fetching a token", &resp, err);
      skiff_http_response_clear (&resp);
      return r;
    }
  _cleanup_yajl_val_ yajl_val doc = NULL;
  _cleanup_free_ char *token = NULL, *access = NULL;
  r = skiff_json_parse (resp.body, "token response", &doc, err);
  skiff_http_response_clear (&resp);
  if (r == 0)
    r = skiff_json_get_string (doc, "token", "token response", &token, err);
  if (r == 0)
    r = skiff_json_get_string (doc, "access_token", "token response", &access, err);
  if (r < 0)
    return r;
  const char *t = token && *token ? token : access;
  if (t == NULL || *t == '\0' || strpbrk (t, "\r\n"))
    return skiff_error_make (err, 0, "%s: the token response has no usable token", c->host);
  free (c->authorization);
  c->authorization = xasprintf ("Authorization: Bearer %s", t);
  return 0;
}

/* Answers a 401's challenge: sets c->authorization. */
static int
authenticate (struct skiff_registry_client *c, const char *challenge, struct skiff_error **err)
{
  struct skiff_auth_challenge ch;
  int r = skiff_auth_challenge_parse (challenge, &ch, err);
  if (r < 0)
    return r;
  if (strcmp (ch.scheme, "bearer") == 0)
    r = fetch_token (c, &ch, err);
  else if (strcmp (ch.scheme, "basic") == 0 && c->user)
    {
      free (c->authorization);
      c->authorization = basic_header (c);
    }
  else if (strcmp (ch.scheme, "basic") == 0)
    r = skiff_error_make (err, 0, "%s: authentication required (skiff login %s)", c->host, c->host);
  else
    r = skiff_error_make (err, 0, "%s: unsupported authentication scheme %s", c->host, ch.scheme);
  skiff_auth_challenge_clear (&ch);
  return r;
}

int
skiff_registry_request (struct skiff_registry_client *c, const struct skiff_http_request *req,
                        struct skiff_http_response *resp, struct skiff_error **err)
{
  for (int attempt = 0;; attempt++)
    {
      _cleanup_free_ char *challenge = NULL;
      if (req->body_fd >= 0 && attempt > 0 && lseek (req->body_fd, 0, SEEK_SET) < 0)
        return skiff_error_make (err, errno, "rewind the upload");
      _cleanup_free_ char *url = request_url (c, req->path);
      if (!same_origin (c, url))
        {
          /* elsewhere: no credentials, and no authentication step */
          return perform (c, req, NULL, resp, &challenge, err);
        }
      int r = perform (c, req, c->authorization, resp, &challenge, err);
      if (r < 0 || resp->status != 401 || challenge == NULL || attempt > 0)
        {
          if (r == 0 && resp->status == 401 && attempt > 0 && c->user)
            {
              skiff_http_response_clear (resp);
              return skiff_error_make_status (err, 125, 0, "%s: invalid username/password",
                                              c->host);
            }
          return r;
        }
      skiff_http_response_clear (resp);
      r = authenticate (c, challenge, err);
      if (r < 0)
        return r;
    }
}

int
skiff_registry_status_error (struct skiff_registry_client *c, const char *what,
                             const struct skiff_http_response *resp, struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val doc = NULL;
  _cleanup_error_ struct skiff_error *pe = NULL;
  if (resp->body && resp->body_len == strlen (resp->body)
      && skiff_json_parse (resp->body, "error", &doc, &pe) == 0)
    {
      yajl_val errors = skiff_json_get (doc, "errors");
      if (errors && YAJL_IS_ARRAY (errors) && errors->u.array.len > 0)
        {
          yajl_val e = errors->u.array.values[0];
          _cleanup_free_ char *code = NULL, *message = NULL;
          if (skiff_json_get_string (e, "code", "error", &code, &pe) == 0
              && skiff_json_get_string (e, "message", "error", &message, &pe) == 0 && code)
            {
              for (char *p = code; *p; p++)
                *p = *p == '_' ? ' ' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
              sanitise (code);
              sanitise (message);
              return skiff_error_make (err, 0, "%s: %s: %s", what, code, message ? message : "");
            }
        }
    }
  return skiff_error_make (err, 0, "%s: %s answered HTTP status %ld", what, c->host, resp->status);
}

/* The cert dir's *.crt (then the system's CAs) as one PEM blob; *.cert + *.key: a client pair. */
static int
load_cert_dir (struct skiff_registry_client *c, const char *dir, bool explicit,
               struct skiff_error **err)
{
  _cleanup_closedir_ DIR *d = opendir (dir);
  if (d == NULL)
    return explicit ? skiff_error_make (err, errno, "open cert dir %s", dir) : 0;
  struct dirent *de;
  _cleanup_free_ char *pem = xstrdup ("");
  while ((de = readdir (d)) != NULL)
    {
      size_t n = strlen (de->d_name);
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      if (n > 4 && strcmp (de->d_name + n - 4, ".crt") == 0)
        {
          _cleanup_free_ char *text = NULL;
          int r = skiff_fs_read_file (path, &text, NULL, err);
          if (r < 0)
            return r;
          char *joined = xasprintf ("%s%s\n", pem, text);
          free (pem);
          pem = joined;
        }
      else if (n > 5 && strcmp (de->d_name + n - 5, ".cert") == 0)
        {
          free (c->client_cert);
          free (c->client_key);
          c->client_cert = xstrdup (path);
          c->client_key = xasprintf ("%.*s.key", (int)(strlen (path) - 5), path);
        }
    }
  if (*pem == '\0')
    return 0;
  _cleanup_free_ char *system = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  skiff_fs_read_file ("/etc/ssl/certs/ca-certificates.crt", &system, NULL, &e);
  c->ca_blob = xasprintf ("%s%s", pem, system ? system : "");
  c->ca_len = strlen (c->ca_blob);
  return 0;
}

static bool
host_insecure (const struct skiff_registry_opts *opts, const char *host)
{
  if (opts->tls_verify == 0)
    return true;
  if (opts->tls_verify == 1)
    return false;
  return skiff_strv_contains (opts->insecure, host);
}

/* GET /v2/ over HTTPS, and over plain HTTP when TLS checks are off (containers/image's ping). */
static int
ping (struct skiff_registry_client *c, bool insecure, struct skiff_error **err)
{
  const char *schemes[] = { "https", insecure ? "http" : NULL };
  _cleanup_error_ struct skiff_error *first = NULL;
  for (size_t i = 0; i < 2 && schemes[i]; i++)
    {
      free (c->base);
      c->base = xasprintf ("%s://%s", schemes[i], c->host);
      const struct skiff_http_request req = { .method = "GET", .path = "/v2/", .body_fd = -1 };
      struct skiff_http_response resp;
      _cleanup_free_ char *challenge = NULL;
      struct skiff_error *e = NULL;
      int r = perform (c, &req, NULL, &resp, &challenge, &e);
      if (r == 0 && resp.status == 401 && challenge)
        {
          skiff_http_response_clear (&resp);
          return c->user || strncasecmp (challenge, "bearer", 6) == 0
                     ? authenticate (c, challenge, err)
                     : 0;
        }
      if (r == 0 && resp.status >= 200 && resp.status < 300)
        {
          skiff_http_response_clear (&resp);
          return 0;
        }
      if (r == 0)
        {
          r = skiff_registry_status_error (c, "pinging container registry", &resp, &e);
          skiff_http_response_clear (&resp);
        }
      if (first == NULL)
        first = e;
      else
        skiff_error_free (e);
    }
  *err = steal_ptr (&first);
  return skiff_error_prefix (err, "pinging container registry %s", c->host);
}

/* containers/image's per-host cert dirs, the first that exists: the user's
 * ~/.config/containers/certs.d (rootless podman's place; root's home counts too), then
 * /etc/containers/certs.d and docker's /etc/docker/certs.d.  None: the /etc/containers one,
 * which load_cert_dir skips when missing. */
static char *
host_cert_dir (const char *host)
{
  const char *home = getenv ("HOME");
  char *dirs[3] = {
    home && *home == '/' ? xasprintf ("%s/.config/containers/certs.d/%s", home, host) : NULL,
    xasprintf ("/etc/containers/certs.d/%s", host),
    xasprintf ("/etc/docker/certs.d/%s", host),
  };
  char *found = NULL;
  struct stat st;
  for (size_t i = 0; i < 3 && found == NULL; i++)
    if (dirs[i] && stat (dirs[i], &st) == 0 && S_ISDIR (st.st_mode))
      found = steal_ptr (&dirs[i]);
  if (found == NULL)
    found = steal_ptr (&dirs[1]);
  for (size_t i = 0; i < 3; i++)
    free (dirs[i]);
  return found;
}

int
skiff_registry_client_new (const char *host, const char *repo, bool push,
                           const struct skiff_registry_opts *opts,
                           struct skiff_registry_client **out, struct skiff_error **err)
{
  int r = skiff_curl_load (err);
  if (r < 0)
    return r;
  _cleanup_registry_client_ struct skiff_registry_client *c = xzalloc (sizeof *c);
  c->host = xstrdup (host);
  c->repo = repo ? xstrdup (repo) : NULL;
  c->push = push;
  bool insecure = host_insecure (opts, host);
  c->verify = !insecure;
  _cleanup_free_ char *certs = opts->cert_dir ? xstrdup (opts->cert_dir) : host_cert_dir (host);
  r = load_cert_dir (c, certs, opts->cert_dir != NULL, err);
  if (r < 0)
    return r;
  if (opts->username)
    {
      c->user = xstrdup (opts->username);
      c->password = xstrdup (opts->password ? opts->password : "");
    }
  else if ((r = skiff_registry_credentials (opts->authfile, host, &c->user, &c->password, err)) < 0)
    return r;
  r = ping (c, insecure, err);
  if (r < 0)
    return r;
  *out = steal_ptr (&c);
  return 0;
}

void
skiff_registry_client_after_fork (struct skiff_registry_client *c)
{
  /* the parent's connection is not ours to use (nor to close): a new one */
  c->curl = NULL;
}

void
skiff_registry_client_free (struct skiff_registry_client *c)
{
  if (c == NULL)
    return;
  if (c->curl)
    skiff_curl.easy_cleanup (c->curl);
  free (c->host);
  free (c->repo);
  free (c->base);
  free (c->ca_blob);
  free (c->client_cert);
  free (c->client_key);
  free (c->user);
  if (c->password)
    explicit_bzero (c->password, strlen (c->password));
  free (c->password);
  free (c->authorization);
  free (c);
}
