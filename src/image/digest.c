/* sha256 through libcrypto's EVP interface, and image-spec ChainIDs. */
#include "image-internal.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct skiff_sha256
{
  EVP_MD_CTX *ctx;
};

struct skiff_sha256 *
skiff_sha256_new (void)
{
  struct skiff_sha256 *h = xzalloc (sizeof *h);
  h->ctx = EVP_MD_CTX_new ();
  if (h->ctx == NULL || EVP_DigestInit_ex (h->ctx, EVP_sha256 (), NULL) != 1)
    abort (); /* only fails on OOM, as xmalloc would */
  return h;
}

void
skiff_sha256_update (struct skiff_sha256 *h, const void *data, size_t len)
{
  if (len > 0 && EVP_DigestUpdate (h->ctx, data, len) != 1)
    abort ();
}

void
skiff_sha256_free (struct skiff_sha256 *h)
{
  if (h == NULL)
    return;
  EVP_MD_CTX_free (h->ctx);
  free (h);
}

char *
skiff_sha256_finish (struct skiff_sha256 *h)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex (h->ctx, md, &n) != 1 || n != 32)
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
