#include "skiff/userns.h"

#include <errno.h>
#include <unistd.h>

#include "skiff/error.h"

/* Placeholder until the rootless mapping lands: root only. */
static uid_t host_uid = (uid_t) -1;

static void
init_ids (void)
{
  if (host_uid == (uid_t) -1)
    host_uid = geteuid ();
}

int
skiff_userns_enter (struct skiff_error **err)
{
  init_ids ();
  if (host_uid != 0)
    return skiff_error_make (err, ENOSYS, "rootless mode is not implemented yet");
  return 0;
}

bool
skiff_userns_is_rootless (void)
{
  init_ids ();
  return host_uid != 0;
}

uid_t
skiff_userns_host_uid (void)
{
  init_ids ();
  return host_uid;
}

gid_t
skiff_userns_host_gid (void)
{
  return getegid ();
}

unsigned long
skiff_userns_mapped_ids (void)
{
  return 1;
}
