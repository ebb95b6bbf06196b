/* The symlinks a layer unpack has created so far.  The layer dir starts empty and only the
 * unpack writes into it, so "does this path pass through a symlink" is answered from memory
 * instead of libarchive's SECURE_SYMLINKS, which lstat()s and opens every component of every
 * entry (7x the syscalls of tar -x on a Debian layer). */
#include "image-internal.h"

#include <stdlib.h>
#include <string.h>

#include "skiff/xalloc.h"

struct link_node
{
  struct link_node *next;
  size_t len;
  char path[];
};

struct skiff_link_set
{
  struct link_node **buckets;
  size_t n_buckets; /* a power of two */
  size_t n;
};

static size_t
hash (const char *s, size_t len)
{
  size_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return h;
}

struct skiff_link_set *
skiff_link_set_new (void)
{
  struct skiff_link_set *s = xzalloc (sizeof *s);
  s->n_buckets = 64;
  s->buckets = xzalloc (s->n_buckets * sizeof *s->buckets);
  return s;
}

void
skiff_link_set_free (struct skiff_link_set *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->n_buckets; i++)
    for (struct link_node *n = s->buckets[i], *next; n; n = next)
      {
        next = n->next;
        free (n);
      }
  free (s->buckets);
  free (s);
}

static struct link_node **
find (const struct skiff_link_set *s, const char *path, size_t len)
{
  struct link_node **p = &s->buckets[hash (path, len) & (s->n_buckets - 1)];
  while (*p && !((*p)->len == len && memcmp ((*p)->path, path, len) == 0))
    p = &(*p)->next;
  return p;
}

bool
skiff_link_set_has (const struct skiff_link_set *s, const char *path)
{
  return *find (s, path, strlen (path)) != NULL;
}

static void
grow (struct skiff_link_set *s)
{
  size_t nb = s->n_buckets * 2;
  struct link_node **b = xzalloc (nb * sizeof *b);
  for (size_t i = 0; i < s->n_buckets; i++)
    for (struct link_node *n = s->buckets[i], *next; n; n = next)
      {
        next = n->next;
        size_t h = hash (n->path, n->len) & (nb - 1);
        n->next = b[h];
        b[h] = n;
      }
  free (s->buckets);
  s->buckets = b;
  s->n_buckets = nb;
}

void
skiff_link_set_add (struct skiff_link_set *s, const char *path)
{
  size_t len = strlen (path);
  struct link_node **p = find (s, path, len);
  if (*p)
    return;
  struct link_node *n = xmalloc (sizeof *n + len + 1);
  n->next = NULL;
  n->len = len;
  memcpy (n->path, path, len + 1);
  *p = n;
  if (++s->n > s->n_buckets)
    grow (s);
}

bool
skiff_link_set_remove (struct skiff_link_set *s, const char *path)
{
  struct link_node **p = find (s, path, strlen (path));
  struct link_node *n = *p;
  if (n == NULL)
    return false;
  *p = n->next;
  free (n);
  s->n--;
  return true;
}

size_t
skiff_link_set_through (const struct skiff_link_set *s, const char *path)
{
  if (s->n == 0)
    return 0;
  for (const char *slash = strchr (path, '/'); slash; slash = strchr (slash + 1, '/'))
    if (*find (s, path, (size_t)(slash - path)))
      return (size_t)(slash - path);
  return 0;
}
