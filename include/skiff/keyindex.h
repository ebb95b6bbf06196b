#pragma once
/* A hash index from string keys to positions, for "last one wins" and "replace in place"
 * over input of any size in linear time.  Keys are borrowed (pointer and length): they must
 * outlive the index. */

#include <stddef.h>
#include <stdint.h>

#define SKIFF_KEY_INDEX_NONE SIZE_MAX

struct skiff_key_index_slot
{
  const char *key; /* NULL: the slot is free */
  size_t len;
  size_t pos;
};

struct skiff_key_index
{
  struct skiff_key_index_slot *slots;
  size_t n, cap; /* cap is 0 or a power of two */
};

/* Position recorded for key, or SKIFF_KEY_INDEX_NONE. */
size_t skiff_key_index_find (const struct skiff_key_index *ix, const char *key, size_t len);
/* Records pos for key (replacing what it had); returns the previous position or
 * SKIFF_KEY_INDEX_NONE.  pos may be SKIFF_KEY_INDEX_NONE to mark the key removed. */
size_t skiff_key_index_set (struct skiff_key_index *ix, const char *key, size_t len, size_t pos);
void skiff_key_index_clear (struct skiff_key_index *ix);
#define _cleanup_key_index_ __attribute__ ((cleanup (skiff_key_index_clear)))
