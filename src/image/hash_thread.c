/* sha256 on a second thread: load hashes every byte of a layer (its blob digest), which costs
 * as much CPU as unpacking it; on a second core that time overlaps the unpack.  The reader fills
 * the buffers of a small ring in turn and hands each over; a buffer is reused only once hashed,
 * and the reader's consumer (libarchive) is done with a buffer by the next read. */
#include "image-internal.h"

#include <pthread.h>
#include <stdlib.h>

#include "skiff/xalloc.h"

#define RING 4

struct skiff_hash_thread
{
  struct skiff_sha256 *hash;
  char *bufs[RING];
  size_t lens[RING];
  size_t submitted, hashed; /* counts of buffers */
  bool done;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  pthread_t thread;
  bool started;
};

static void *
run (void *arg)
{
  struct skiff_hash_thread *h = arg;
  pthread_mutex_lock (&h->mu);
  for (;;)
    {
      while (h->hashed == h->submitted && !h->done)
        pthread_cond_wait (&h->cond, &h->mu);
      if (h->hashed == h->submitted)
        break;
      size_t slot = h->hashed % RING;
      pthread_mutex_unlock (&h->mu);
      skiff_sha256_update (h->hash, h->bufs[slot], h->lens[slot]);
      pthread_mutex_lock (&h->mu);
      h->hashed++;
      pthread_cond_broadcast (&h->cond);
    }
  pthread_mutex_unlock (&h->mu);
  return NULL;
}

struct skiff_hash_thread *
skiff_hash_thread_new (size_t buf_size)
{
  struct skiff_hash_thread *h = xzalloc (sizeof *h);
  h->hash = skiff_sha256_new ();
  for (size_t i = 0; i < RING; i++)
    h->bufs[i] = xmalloc (buf_size);
  pthread_mutex_init (&h->mu, NULL);
  pthread_cond_init (&h->cond, NULL);
  /* without a thread (EAGAIN) the hashing happens inline in submit */
  h->started = pthread_create (&h->thread, NULL, run, h) == 0;
  return h;
}

char *
skiff_hash_thread_buffer (struct skiff_hash_thread *h)
{
  pthread_mutex_lock (&h->mu);
  while (h->submitted - h->hashed >= RING)
    pthread_cond_wait (&h->cond, &h->mu);
  pthread_mutex_unlock (&h->mu);
  return h->bufs[h->submitted % RING];
}

void
skiff_hash_thread_submit (struct skiff_hash_thread *h, size_t len)
{
  size_t slot = h->submitted % RING;
  h->lens[slot] = len;
  if (!h->started)
    {
      skiff_sha256_update (h->hash, h->bufs[slot], len);
      h->submitted++;
      h->hashed++;
      return;
    }
  pthread_mutex_lock (&h->mu);
  h->submitted++;
  pthread_cond_broadcast (&h->cond);
  pthread_mutex_unlock (&h->mu);
}

static void
stop (struct skiff_hash_thread *h)
{
  if (!h->started)
    return;
  pthread_mutex_lock (&h->mu);
  h->done = true;
  pthread_cond_broadcast (&h->cond);
  pthread_mutex_unlock (&h->mu);
  pthread_join (h->thread, NULL);
  h->started = false;
}

void
skiff_hash_thread_free (struct skiff_hash_thread *h)
{
  if (h == NULL)
    return;
  stop (h);
  skiff_sha256_free (h->hash);
  for (size_t i = 0; i < RING; i++)
    free (h->bufs[i]);
  pthread_mutex_destroy (&h->mu);
  pthread_cond_destroy (&h->cond);
  free (h);
}

char *
skiff_hash_thread_finish (struct skiff_hash_thread *h)
{
  stop (h);
  char *digest = skiff_sha256_finish (h->hash);
  h->hash = NULL;
  skiff_hash_thread_free (h);
  return digest;
}
