/* Statically linked libcrypto: nothing ran its CPU feature detection, so without this the
 * SHA256_* functions fall back to plain C (3.7x slower here than SHA-NI). */
#include "image-internal.h"

#include <pthread.h>

/* Exported by libcrypto.a (crypto/cpuid.c) but not declared in its public headers. */
void OPENSSL_cpuid_setup (void);

void
skiff_crypto_cpu_setup (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, OPENSSL_cpuid_setup);
}
