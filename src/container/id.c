/* Container IDs: 64 hex chars from 32 random bytes, as docker makes them. */
#include <errno.h>
#include <stdbool.h>
#include <sys/random.h>

#include "skiff/container.h"
#include "skiff/error.h"

static bool
short_id_all_digits (const char *id)
{
  for (int i = 0; i < SKIFF_CONTAINER_SHORT_ID_LEN; i++)
    if (id[i] < '0' || id[i] > '9')
      return false;
  return true;
}

int
skiff_container_new_id (char out[SKIFF_CONTAINER_ID_LEN + 1], struct skiff_error **err)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char buf[SKIFF_CONTAINER_ID_LEN / 2];
  do
    {
      size_t got = 0;
      while (got < sizeof buf)
        {
          ssize_t n = getrandom (buf + got, sizeof buf - got, 0);
          if (n < 0)
            {
              if (errno == EINTR)
                continue;
              return skiff_error_make (err, errno, "getrandom");
            }
          got += (size_t)n;
        }
      for (size_t i = 0; i < sizeof buf; i++)
        {
          out[2 * i] = hex[buf[i] >> 4];
          out[2 * i + 1] = hex[buf[i] & 0xf];
        }
      out[SKIFF_CONTAINER_ID_LEN] = '\0';
    }
  /* A short ID that looks like a number would be ambiguous with numeric names (docker). */
  while (short_id_all_digits (out));
  return 0;
}
