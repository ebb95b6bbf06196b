/* sha256 through libcrypto, and image-spec ChainIDs.
 *
 * The one-algorithm SHA256_* functions (deprecated in OpenSSL 3, still supported) instead of
 * EVP: with static_deps, EVP_sha256() drags the whole provider machinery into the binary
 * (~400 KiB of relocated data that every skiff process, monitors included, must dirty at
 * start), while SHA256_* pulls 25 KiB.  The assembly (SHA-NI/AVX2) is chosen from CPU
 * features that libcrypto.so detects in its init code; a static link has no such hook, so
 * skiff_crypto_cpu_setup() (sha256_cpu_static.c / sha256_cpu_shared.c) covers it. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "image-internal.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct skiff_sha256
{
  SHA256_CTX ctx;
};

struct skiff_sha256 *
skiff_sha256_new (void)
{
  skiff_crypto_cpu_setup ();
  struct skiff_sha256 *h = xzalloc (sizeof *h);
  if (SHA256_Init (&h->ctx) != 1)
    abort (); /* cannot fail: no allocation */
  return h;
}

void
skiff_sha256_update (struct skiff_sha256 *h, const void *data, size_t len)
{
  if (len > 0 && SHA256_Update (&h->ctx, data, len) != 1)
    abort ();
}

void
skiff_sha256_free (struct skiff_sha256 *h)
{
  free (h);
}

char *
skiff_sha256_finish (struct skiff_sha256 *h)
{
  unsigned char md[SHA256_DIGEST_LENGTH];
  const unsigned int n = SHA256_DIGEST_LENGTH;
  if (SHA256_Final (md, &h->ctx) != 1)
    abort ();
  skiff_sha256_free (h);
  char *out = xmalloc (7 + 64 + 1);
  memcpy (out, "sha256:", 7);
  for (unsigned i = 0; i < n; i++)
    {
      out[7 + 2 * i] = "0123456789abcdef"[md[i] >> 4];
      out[7 + 2 * i + 1] = "0123456789abcdef"[md[i] & 0xf];
    }
  out[7 + 64] = '\0';
  return out;
}

char *
skiff_sha256_digest (const void *data, size_t len)
{
  struct skiff_sha256 *h = skiff_sha256_new ();
  skiff_sha256_update (h, data, len);
  return skiff_sha256_finish (h);
}

char *
skiff_chain_id (const char *parent_chain, const char *diff_id)
{
  if (parent_chain == NULL)
    return xstrdup (diff_id);
  char *text = xasprintf ("%s %s", parent_chain, diff_id);
  char *r = skiff_sha256_digest (text, strlen (text));
  free (text);
  return r;
}

char **
skiff_chain_ids (char *const *diff_ids)
{
  char **out = NULL;
  const char *parent = NULL;
  for (size_t i = 0; diff_ids && diff_ids[i]; i++)
    {
      char *c = skiff_chain_id (parent, diff_ids[i]);
      skiff_strv_push_owned (&out, c);
      parent = c;
    }
  return out;
}

const char *
skiff_digest_hex (const char *digest)
{
  return strncmp (digest, "sha256:", 7) == 0 ? digest + 7 : digest;
}
