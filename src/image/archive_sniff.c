/* Recognises a tar stream (or a compressed one) from its first bytes, before anything is
 * spooled or unpacked: libarchive's "raw" reader takes any bytes at all, so without this
 * `import /dev/zero` reads forever and `load -i /dev/zero` spools until the disk is full. */
#include "image-internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "skiff/error.h"
#include "skiff/interrupt.h"

struct magic
{
  size_t offset;
  const char *bytes;
  size_t len;
};

static const struct magic magics[] = {
  { 0, "\x1f\x8b", 2 },         /* gzip */
  { 0, "\x28\xb5\x2f\xfd", 4 }, /* zstd */
  { 0,
    "\xfd"
    "7zXZ\0",
    6 },               /* xz */
  { 0, "BZh", 3 },     /* bzip2 */
  { 257, "ustar", 5 }, /* tar: POSIX "ustar\0", GNU "ustar  " */
};

int
skiff_archive_sniff (const void *head, size_t len, bool whole, const char *what,
                     struct skiff_error **err)
{
  const unsigned char *h = head;
  for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
    if (len >= magics[i].offset + magics[i].len
        && memcmp (h + magics[i].offset, magics[i].bytes, magics[i].len) == 0)
      return 0;
  /* an empty tar (docker's empty layer) is zero blocks only, and ends soon */
  bool zeros = len > 0;
  for (size_t i = 0; zeros && i < len; i++)
    zeros = h[i] == 0;
  if (zeros && whole && len % 512 == 0)
    return 0;
  if (len == 0)
    return skiff_error_make (err, 0, "%s: the file is empty", what);
  return skiff_error_make (err, 0,
                           "%s: not a tar archive (nor a gzip, zstd, xz or bzip2 "
                           "compressed one)",
                           what);
}

int
skiff_archive_read_head (int fd, const char *what, char *buf, size_t *len, bool *whole,
                         struct skiff_error **err)
{
  *len = 0;
  *whole = false;
  while (*len < SKIFF_SNIFF_LEN)
    {
      if (skiff_interrupted ())
        return skiff_error_make (err, EINTR, "%s: read", what);
      ssize_t n = read (fd, buf + *len, SKIFF_SNIFF_LEN - *len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "%s: read", what);
      if (n == 0)
        {
          *whole = true;
          break;
        }
      *len += (size_t)n;
    }
  return 0;
}
