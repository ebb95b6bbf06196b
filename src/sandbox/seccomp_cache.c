/* Compiled seccomp filters kept in the store (<root>/seccomp/<key>.bpf): libseccomp takes a few
 * milliseconds of CPU to build docker's profile, more than the rest of a container's start-up
 * costs in user time.  The key is the sha256 of the profile's canonical form (every field the
 * compiler reads) and of what it is resolved against: the bounding set, the native architecture,
 * the kernel version and libseccomp's version.  A file carries the sha256 of its program; one
 * that does not match (torn by a crash: the cache is written without fsync) is rebuilt. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <openssl/sha.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sandbox/seccomp-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/log.h"
#include "skiff/xalloc.h"

#define MAGIC "SKIFFBPF"
/* part of every key: change it with any change to seccomp.c's output for the same input */
#define COMPILER_VERSION "skiff-seccomp-3"

struct header
{
  char magic[8];
  uint32_t flags, len;
  unsigned char sum[SHA256_DIGEST_LENGTH];
};

/* OpenSSL 3's one-shot SHA256() goes through EVP: its first call loads openssl.cnf and the
 * providers, which costs every start a millisecond; the low-level calls do not. */
static void
sha256_once (const void *p, size_t n, unsigned char sum[SHA256_DIGEST_LENGTH])
{
  SHA256_CTX h;
  SHA256_Init (&h);
  SHA256_Update (&h, p, n);
  SHA256_Final (sum, &h);
}

static void
put (SHA256_CTX *h, const void *p, size_t n)
{
  SHA256_Update (h, p, n);
}

static void
put_u64 (SHA256_CTX *h, uint64_t v)
{
  put (h, &v, sizeof v);
}

static void
put_strv (SHA256_CTX *h, const char *const *v)
{
  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    put (h, v[i], strlen (v[i]) + 1);
  put (h, "\n", 1);
}

static void
put_cond (SHA256_CTX *h, const struct skiff_seccomp_cond *c)
{
  put_u64 (h, c->caps);
  put_strv (h, c->arches);
  put_u64 (h, c->min_kernel);
}

static void
put_rule (SHA256_CTX *h, const struct skiff_seccomp_rule *r)
{
  put_strv (h, r->names);
  put_u64 (h, (uint64_t)r->action << 32 | (uint32_t)r->errno_ret);
  put_u64 (h, r->nargs);
  for (size_t i = 0; i < r->nargs; i++)
    {
      put_u64 (h, r->args[i].index << 8 | r->args[i].op);
      put_u64 (h, r->args[i].value);
      put_u64 (h, r->args[i].value_two);
    }
  put_cond (h, &r->includes);
  put_cond (h, &r->excludes);
}

/* 64 hex digits of what the filter depends on */
static void
cache_key (const struct skiff_seccomp_profile *p, uint64_t caps, char key[65])
{
  SHA256_CTX h;
  struct utsname u;
  const struct scmp_version *v = seccomp_version ();
  SHA256_Init (&h);
  put (&h, COMPILER_VERSION, sizeof COMPILER_VERSION);
  put_u64 (&h, (uint64_t)p->default_action << 32 | (uint32_t)p->default_errno);
  put_strv (&h, p->architectures);
  for (size_t i = 0; i < p->narchmap; i++)
    {
      put (&h, p->archmap[i].arch, strlen (p->archmap[i].arch) + 1);
      put_strv (&h, p->archmap[i].sub);
    }
  put_u64 (&h, p->flags);
  for (size_t i = 0; i < p->nrules; i++)
    put_rule (&h, &p->rules[i]);
  put_u64 (&h, caps);
  put_u64 (&h, seccomp_arch_native ());
  if (uname (&u) == 0)
    put (&h, u.release, strlen (u.release) + 1);
  put_u64 (&h, (uint64_t)v->major << 32 | v->minor << 16 | v->micro);
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final (md, &h);
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
    {
      key[2 * i] = "0123456789abcdef"[md[i] >> 4];
      key[2 * i + 1] = "0123456789abcdef"[md[i] & 0xf];
    }
  key[64] = '\0';
}

/* 0 and *out filled, or -1: missing, unreadable or damaged (then rebuilt) */
static int
cache_load (const char *path, struct skiff_seccomp_bpf *out)
{
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  _cleanup_error_ struct skiff_error *ignored = NULL;
  if (skiff_fs_read_file (path, &data, &len, &ignored) < 0 || len < sizeof (struct header))
    return -1;
  struct header hd;
  memcpy (&hd, data, sizeof hd);
  size_t size = len - sizeof hd;
  unsigned char sum[SHA256_DIGEST_LENGTH];
  if (memcmp (hd.magic, MAGIC, 8) != 0 || hd.len == 0 || hd.len > BPF_MAXINSNS
      || size != hd.len * sizeof (struct sock_filter))
    return -1;
  sha256_once ((const unsigned char *)data + sizeof hd, size, sum);
  if (memcmp (sum, hd.sum, sizeof sum) != 0)
    return -1;
  out->insns = xmalloc (size);
  memcpy (out->insns, data + sizeof hd, size);
  out->len = (unsigned short)hd.len;
  out->flags = hd.flags;
  return 0;
}

/* best effort: a failure costs the next start a compile, nothing else */
static void
cache_store (const char *dir, const char *path, const struct skiff_seccomp_bpf *b)
{
  struct skiff_error *err = NULL;
  size_t size = b->len * sizeof (struct sock_filter);
  struct header hd = { .flags = b->flags, .len = b->len };
  memcpy (hd.magic, MAGIC, 8);
  sha256_once (b->insns, size, hd.sum);
  _cleanup_free_ char *data = xmalloc (sizeof hd + size);
  memcpy (data, &hd, sizeof hd);
  memcpy (data + sizeof hd, b->insns, size);
  if (skiff_fs_mkdir_p (dir, 0700, &err) < 0
      || skiff_fs_write_atomic (path, data, sizeof hd + size, 0600, 0, &err) < 0)
    skiff_error_log_dropf (&err, SKIFF_LOG_WARN, "cache the seccomp filter in %s", dir);
}

int
skiff_seccomp_compile_cached (const struct skiff_seccomp_profile *p, uint64_t caps,
                              const char *cache_dir, struct skiff_seccomp_bpf *out,
                              struct skiff_error **err)
{
  if (cache_dir == NULL)
    return skiff_seccomp_compile (p, caps, out, err);
  char key[65];
  cache_key (p, caps, key);
  _cleanup_free_ char *name = xasprintf ("%s.bpf", key);
  _cleanup_free_ char *path = skiff_path_join (cache_dir, name);
  memset (out, 0, sizeof *out);
  if (cache_load (path, out) == 0)
    return 0;
  int r = skiff_seccomp_compile (p, caps, out, err);
  if (r == 0)
    cache_store (cache_dir, path, out);
  return r;
}
