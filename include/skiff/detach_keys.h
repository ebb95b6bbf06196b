#pragma once
/* Detach key sequences (--detach-keys, default "ctrl-p,ctrl-q") and a matcher that finds them
 * in the stream of bytes typed at an attached terminal. */

#include <stdbool.h>
#include <stddef.h>

struct skiff_error;

#define SKIFF_DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"

struct skiff_detach_keys
{
  unsigned char *seq; /* the byte sequence; NULL when detaching is disabled */
  size_t len;
  size_t held; /* matcher state: seq[0, held) was typed and is held back */
};

/* Parses docker's syntax (moby/term ToBytes): a comma list of single characters, "ctrl-@",
 * "ctrl-a".."ctrl-z", "ctrl-[", "ctrl-\", "ctrl-]", "ctrl-^", "ctrl-_" or "DEL".  An empty
 * string disables detaching (podman).  Error: `invalid detach keys (TEXT): Unknown character:
 * 'KEY'`. */
int skiff_detach_keys_parse (const char *text, struct skiff_detach_keys *out,
                             struct skiff_error **err);
void skiff_detach_keys_free (struct skiff_detach_keys *keys);

/* Scans in[0, len).  Bytes to forward go to out (room for len + keys->len bytes), their count
 * to *out_len.  Bytes that may start the sequence are held back across calls; when the match
 * fails they are forwarded.  Returns true when the whole sequence was typed: out then holds
 * what preceded it, and the rest of in is dropped (the user detached). */
bool skiff_detach_keys_feed (struct skiff_detach_keys *keys, const char *in, size_t len, char *out,
                             size_t *out_len);

/* At EOF of the input: the held bytes (a partial match), to forward.  Returns their count. */
size_t skiff_detach_keys_flush (struct skiff_detach_keys *keys, char *out);

/* One read of input through feed/flush for a relay: len > 0 bytes of in, or len 0 at EOF
 * (gives up the held bytes).  keys NULL: copied as is.  out needs room for len + keys->len.
 * Returns the count to forward; *detached tells whether the sequence was completed. */
size_t skiff_detach_keys_filter (struct skiff_detach_keys *keys, const char *in, size_t len,
                                 char *out, bool *detached);
