/* Shared libcrypto detects the CPU's features in its own init code: nothing to do. */
#include "image-internal.h"

void
skiff_crypto_cpu_setup (void)
{
}
