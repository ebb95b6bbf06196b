/* libcurl, loaded with dlopen the first time a command talks to a registry: linked, its ~20
 * libraries (TLS, HTTP/2, IDN, ...) would be loaded by every command, and start-up time is a
 * feature (see the static_deps note in meson.build). */
#include "registry-internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "skiff/error.h"

struct skiff_curl_api skiff_curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256];

#define LOAD(sym)                                                                                  \
  do                                                                                               \
    {                                                                                              \
      *(void **)&skiff_curl.sym = dlsym (h, "curl_" #sym);                                         \
      if (skiff_curl.sym == NULL)                                                                  \
        {                                                                                          \
          snprintf (load_error, sizeof load_error, "libcurl lacks curl_%s", #sym);                 \
          return;                                                                                  \
        }                                                                                          \
    }                                                                                              \
  while (0)

static void
load (void)
{
  void *h = dlopen ("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    {
      snprintf (load_error, sizeof load_error, "load libcurl.so.4 (needed for registries): %s",
                dlerror ());
      return;
    }
  LOAD (global_init);
  LOAD (easy_init);
  LOAD (easy_setopt);
  LOAD (easy_perform);
  LOAD (easy_getinfo);
  LOAD (easy_cleanup);
  LOAD (easy_strerror);
  LOAD (easy_reset);
  LOAD (slist_append);
  LOAD (slist_free_all);
  if (skiff_curl.global_init (CURL_GLOBAL_ALL) != CURLE_OK)
    {
      snprintf (load_error, sizeof load_error, "libcurl initialisation failed");
      return;
    }
  skiff_curl.loaded = true;
}

int
skiff_curl_load (struct skiff_error **err)
{
  pthread_once (&load_once, load);
  if (!skiff_curl.loaded)
    return skiff_error_make (err, 0, "%s", load_error);
  return 0;
}
