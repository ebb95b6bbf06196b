#pragma once
/* Allocation that aborts on out-of-memory: a container engine cannot do anything sensible
 * after a failed small allocation, and checking every one hides the real error paths. */

#include <stddef.h>

void *xmalloc (size_t size);
void *xzalloc (size_t size);
void *xrealloc (void *ptr, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
