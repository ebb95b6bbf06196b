/* --device and --device-cgroup-rule as cgroup device rules: a host node's type and numbers,
 * with the permissions given. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

char **
skiff_container_device_rules (const struct skiff_resources *r, struct skiff_error **err)
{
  char **rules = NULL;
  for (size_t i = 0; r->devices && r->devices[i]; i++)
    {
      char *host = NULL, *ctr = NULL, perms[4];
      struct stat st;
      int ret = skiff_resources_parse_device (r->devices[i], &host, &ctr, perms, err);
      if (ret == 0 && stat (host, &st) < 0)
        ret = skiff_error_make (err, errno, "--device %s", host);
      else if (ret == 0 && !S_ISCHR (st.st_mode) && !S_ISBLK (st.st_mode))
        ret = skiff_error_make (err, 0, "--device %s: not a device node", host);
      if (ret == 0)
        skiff_strv_push_owned (&rules, xasprintf ("%c %u:%u %s", S_ISCHR (st.st_mode) ? 'c' : 'b',
                                                  major (st.st_rdev), minor (st.st_rdev), perms));
      free (host);
      free (ctr);
      if (ret < 0)
        {
          skiff_strv_free (rules);
          return NULL;
        }
    }
  for (size_t i = 0; r->device_cgroup_rules && r->device_cgroup_rules[i]; i++)
    skiff_strv_push (&rules, r->device_cgroup_rules[i]);
  return rules;
}
