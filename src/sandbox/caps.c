/* Capabilities: docker's default set tweaked by --cap-add/--cap-drop the way moby's
 * TweakCapabilities does (security-defaults.md §1), and applying it in the child: the bounding
 * set is cut before the user switch; root keeps exactly the set as permitted and effective,
 * any other user ends with none (the kernel clears them at setuid, as with docker). */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

SKIFF_DEFINE_CLEANUP (cap_freep, cap_t, cap_free)
#define _cleanup_cap_ __attribute__ ((cleanup (cap_freep)))

static const cap_value_t default_caps[] = {
  CAP_CHOWN,      CAP_DAC_OVERRIDE, CAP_FOWNER,      CAP_FSETID,           CAP_KILL,
  CAP_SETGID,     CAP_SETUID,       CAP_SETPCAP,     CAP_NET_BIND_SERVICE, CAP_NET_RAW,
  CAP_SYS_CHROOT, CAP_MKNOD,        CAP_AUDIT_WRITE, CAP_SETFCAP,
};

/* Everything we can still grant: the kernel's capabilities that are in our bounding set (on
 * a host without e.g. CAP_SYS_RESOURCE, --privileged cannot have it either). */
uint64_t
skiff_caps_all (void)
{
  uint64_t set = 0;
  int n = cap_max_bits ();
  for (int c = 0; c < n && c < 64; c++)
    if (prctl (PR_CAPBSET_READ, c, 0, 0, 0) == 1)
      set |= (uint64_t)1 << c;
  return set;
}

uint64_t
skiff_caps_default (void)
{
  uint64_t set = 0;
  for (size_t i = 0; i < sizeof default_caps / sizeof default_caps[0]; i++)
    set |= (uint64_t)1 << default_caps[i];
  return set;
}

/* ORs the caps named in list into *mask; *all is set when "ALL" is among them. */
static int
parse_caps (char *const *list, uint64_t *mask, bool *all, struct skiff_error **err)
{
  for (size_t i = 0; list != NULL && list[i] != NULL; i++)
    {
      const char *s = list[i];
      while (isspace ((unsigned char)*s))
        s++;
      _cleanup_free_ char *up = xstrdup (s);
      for (char *p = up; *p; p++)
        *p = (char)toupper ((unsigned char)*p);
      for (size_t n = strlen (up); n > 0 && isspace ((unsigned char)up[n - 1]); n--)
        up[n - 1] = '\0';
      if (strcmp (up, "ALL") == 0 || strcmp (up, "CAP_ALL") == 0)
        {
          *all = true;
          continue;
        }
      _cleanup_free_ char *name
          = strncmp (up, "CAP_", 4) == 0 ? xstrdup (up) : xasprintf ("CAP_%s", up);
      cap_value_t v;
      if (cap_from_name (name, &v) < 0 || v < 0 || v >= 64 || v >= cap_max_bits ())
        return skiff_error_make (err, 0, "unknown capability: \"%s\"", name);
      *mask |= (uint64_t)1 << v;
    }
  return 0;
}

int
skiff_caps_compute (char *const *add, char *const *drop, bool privileged, uint64_t *out,
                    struct skiff_error **err)
{
  uint64_t a = 0, d = 0;
  bool add_all = false, drop_all = false;
  if (privileged)
    {
      *out = skiff_caps_all ();
      return 0;
    }
  int r = parse_caps (add, &a, &add_all, err);
  if (r == 0)
    r = parse_caps (drop, &d, &drop_all, err);
  if (r < 0)
    return r;
  if (add_all)
    *out = skiff_caps_all () & ~d;
  else if (drop_all)
    *out = a;
  else
    *out = (skiff_caps_default () & ~d) | a;
  return 0;
}

int
skiff_caps_limit_bounding (uint64_t set, struct skiff_error **err)
{
  int n = cap_max_bits ();
  for (int c = 0; c < n; c++)
    if (!(set & ((uint64_t)1 << c)) && prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      return skiff_error_make (err, errno, "drop capability %d from the bounding set", c);
  return 0;
}

int
skiff_caps_set_root (uint64_t set, struct skiff_error **err)
{
  cap_t caps = cap_init ();
  if (caps == NULL)
    return skiff_error_make (err, errno, "cap_init");
  int n = cap_max_bits (), r = 0;
  for (cap_value_t c = 0; c < n && r == 0; c++)
    if (set & ((uint64_t)1 << c))
      r = cap_set_flag (caps, CAP_PERMITTED, 1, &c, CAP_SET) < 0
                  || cap_set_flag (caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0
              ? -1
              : 0;
  if (r == 0 && cap_set_proc (caps) < 0)
    r = -1;
  int e = errno;
  cap_free (caps);
  return r < 0 ? skiff_error_make (err, e, "set capabilities") : 0;
}

int
skiff_caps_user (char *const *add, uint64_t set, uint64_t *out, struct skiff_error **err)
{
  uint64_t a = 0;
  bool all = false;
  int r = parse_caps (add, &a, &all, err);
  if (r < 0)
    return r;
  *out = (all ? set : a) & set;
  return 0;
}

int
skiff_caps_set_user (uint64_t set, struct skiff_error **err)
{
  _cleanup_cap_ cap_t caps = cap_init ();
  if (caps == NULL)
    return skiff_error_make (err, errno, "cap_init");
  int n = cap_max_bits ();
  for (cap_value_t c = 0; c < n; c++)
    if ((set & ((uint64_t)1 << c))
        && (cap_set_flag (caps, CAP_PERMITTED, 1, &c, CAP_SET) < 0
            || cap_set_flag (caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0
            || cap_set_flag (caps, CAP_INHERITABLE, 1, &c, CAP_SET) < 0))
      return skiff_error_make (err, errno, "set capability %d", c);
  if (cap_set_proc (caps) < 0)
    return skiff_error_make (err, errno, "set the user's capabilities");
  /* ambient: what a non-root user keeps over execve (the kernel needs P and I first) */
  for (cap_value_t c = 0; c < n; c++)
    if ((set & ((uint64_t)1 << c)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
      return skiff_error_make (err, errno, "raise ambient capability %d", c);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return skiff_error_make (err, errno, "clear keepcaps");
  return 0;
}
