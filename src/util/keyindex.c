/* Open addressing with linear probing; the table doubles at half full.  Nothing is ever
 * deleted (a removed key keeps its slot with SKIFF_KEY_INDEX_NONE), so no tombstones. */
#include "skiff/keyindex.h"

#include <stdlib.h>
#include <string.h>

#include "skiff/xalloc.h"

static size_t
hash_key (const char *key, size_t len)
{
  uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)key[i]) * 0x100000001b3u;
  h ^= h >> 32; /* spread FNV's weak low bits, which pick the slot */
  h *= 0x9e3779b97f4a7c15u;
  return (size_t)(h ^ (h >> 29));
}

static struct skiff_key_index_slot *
lookup (const struct skiff_key_index *ix, const char *key, size_t len)
{
  size_t mask = ix->cap - 1;
  for (size_t i = hash_key (key, len) & mask;; i = (i + 1) & mask)
    {
      struct skiff_key_index_slot *s = &ix->slots[i];
      if (s->key == NULL || (s->len == len && memcmp (s->key, key, len) == 0))
        return s;
    }
}

size_t
skiff_key_index_find (const struct skiff_key_index *ix, const char *key, size_t len)
{
  if (ix->cap == 0)
    return SKIFF_KEY_INDEX_NONE;
  const struct skiff_key_index_slot *s = lookup (ix, key, len);
  return s->key ? s->pos : SKIFF_KEY_INDEX_NONE;
}

static void
grow (struct skiff_key_index *ix)
{
  struct skiff_key_index old = *ix;
  ix->cap = old.cap ? 2 * old.cap : 16;
  ix->slots = xzalloc (ix->cap * sizeof *ix->slots);
  for (size_t i = 0; i < old.cap; i++)
    if (old.slots[i].key)
      *lookup (ix, old.slots[i].key, old.slots[i].len) = old.slots[i];
  free (old.slots);
}

size_t
skiff_key_index_set (struct skiff_key_index *ix, const char *key, size_t len, size_t pos)
{
  if (2 * (ix->n + 1) > ix->cap)
    grow (ix);
  struct skiff_key_index_slot *s = lookup (ix, key, len);
  size_t prev = s->key ? s->pos : SKIFF_KEY_INDEX_NONE;
  if (s->key == NULL)
    {
      *s = (struct skiff_key_index_slot){ .key = key, .len = len };
      ix->n++;
    }
  s->pos = pos;
  return prev;
}

void
skiff_key_index_clear (struct skiff_key_index *ix)
{
  free (ix->slots);
  *ix = (struct skiff_key_index){ 0 };
}
