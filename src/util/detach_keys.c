/* Detach keys: docker's --detach-keys syntax and a streaming matcher. */
#include "skiff/detach_keys.h"

#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"
#include "skiff/xalloc.h"

/* Index = the control code (moby/term ascii.go). */
static const char *const ctrl_names[] = {
  "ctrl-@", "ctrl-a", "ctrl-b", "ctrl-c", "ctrl-d",  "ctrl-e", "ctrl-f", "ctrl-g",
  "ctrl-h", "ctrl-i", "ctrl-j", "ctrl-k", "ctrl-l",  "ctrl-m", "ctrl-n", "ctrl-o",
  "ctrl-p", "ctrl-q", "ctrl-r", "ctrl-s", "ctrl-t",  "ctrl-u", "ctrl-v", "ctrl-w",
  "ctrl-x", "ctrl-y", "ctrl-z", "ctrl-[", "ctrl-\\", "ctrl-]", "ctrl-^", "ctrl-_",
};

static int
key_code (const char *key, size_t len)
{
  if (len == 1)
    return (unsigned char)key[0];
  for (size_t i = 0; i < sizeof ctrl_names / sizeof ctrl_names[0]; i++)
    if (strlen (ctrl_names[i]) == len && memcmp (ctrl_names[i], key, len) == 0)
      return (int)i;
  if (len == 3 && memcmp (key, "DEL", 3) == 0)
    return 127;
  return -1;
}

int
skiff_detach_keys_parse (const char *text, struct skiff_detach_keys *out, struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  if (*text == '\0')
    return 0;
  unsigned char *seq = xmalloc (strlen (text));
  size_t n = 0;
  for (const char *p = text;; p++)
    {
      const char *comma = strchrnul (p, ',');
      int code = key_code (p, (size_t)(comma - p));
      if (code < 0)
        {
          free (seq);
          return skiff_error_make (err, 0, "invalid detach keys (%s): Unknown character: '%.*s'",
                                   text, (int)(comma - p), p);
        }
      seq[n++] = (unsigned char)code;
      if (*comma == '\0')
        break;
      p = comma;
    }
  out->seq = seq;
  out->len = n;
  return 0;
}

void
skiff_detach_keys_free (struct skiff_detach_keys *keys)
{
  free (keys->seq);
  memset (keys, 0, sizeof *keys);
}

/* After a mismatch, held bytes seq[0, held) + c: keep the longest tail that still starts the
 * sequence and forward the bytes before it. */
static void
mismatch (struct skiff_detach_keys *k, unsigned char c, char *out, size_t *o)
{
  size_t total = k->held + 1;
  for (size_t s = 1; s <= total; s++)
    {
      size_t keep = total - s;
      bool ok = keep == 0 || (memcmp (k->seq + s, k->seq, keep - 1) == 0 && k->seq[keep - 1] == c);
      if (ok)
        {
          /* forward the s dropped bytes: they are seq[0, s) (c only when s == total) */
          for (size_t i = 0; i < s; i++)
            out[(*o)++] = (char)(i < k->held ? k->seq[i] : c);
          k->held = keep;
          return;
        }
    }
}

bool
skiff_detach_keys_feed (struct skiff_detach_keys *k, const char *in, size_t len, char *out,
                        size_t *out_len)
{
  size_t o = 0;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)in[i];
      if (k->len == 0)
        out[o++] = (char)c;
      else if (c == k->seq[k->held])
        {
          if (++k->held == k->len)
            {
              k->held = 0;
              *out_len = o;
              return true;
            }
        }
      else
        mismatch (k, c, out, &o);
    }
  *out_len = o;
  return false;
}

size_t
skiff_detach_keys_flush (struct skiff_detach_keys *k, char *out)
{
  size_t n = k->held;
  if (n > 0)
    memcpy (out, k->seq, n);
  k->held = 0;
  return n;
}

size_t
skiff_detach_keys_filter (struct skiff_detach_keys *keys, const char *in, size_t len, char *out,
                          bool *detached)
{
  size_t olen = len;
  *detached = false;
  if (len == 0)
    return keys ? skiff_detach_keys_flush (keys, out) : 0;
  if (keys)
    *detached = skiff_detach_keys_feed (keys, in, len, out, &olen);
  else
    memcpy (out, in, len);
  return olen;
}
