/* `system check` of networks: leases whose holder is gone (a SIGKILLed monitor), lease files
 * of networks that are gone, and bridges named like a user network's (skiffN) that no
 * definition has any more; --repair frees, removes and deletes them. */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netdef-internal.h"
#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static bool
defined (const struct skiff_netdef *all, const char *name, const char *bridge)
{
  for (size_t i = 0; all[i].name[0]; i++)
    if ((name && strcmp (all[i].name, name) == 0)
        || (bridge && strcmp (all[i].bridge, bridge) == 0))
      return true;
  return false;
}

/* networks/NAME.leases without NAME.json (a removal that did not finish) */
static int
orphan_leases (struct skiff_store *store, const struct skiff_netdef *all, bool repair,
               char ***problems, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "networks");
  DIR *d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : skiff_error_make (err, errno, "open %s", dir);
  int r = 0;
  for (struct dirent *de; r == 0 && (de = readdir (d)) != NULL;)
    {
      size_t n = strlen (de->d_name);
      if (n <= 7 || strcmp (de->d_name + n - 7, ".leases") != 0)
        continue;
      _cleanup_free_ char *name = xstrndup (de->d_name, n - 7);
      if (!skiff_netdef_name_valid (name) || defined (all, name, NULL))
        continue;
      skiff_strv_push_owned (problems,
                             xasprintf ("network %s: address leases of a removed network", name));
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      if (repair && unlink (path) < 0 && errno != ENOENT)
        r = skiff_error_make (err, errno, "remove %s", path);
    }
  closedir (d);
  return r;
}

/* skiffN (N >= 1) in this network namespace, marked as made by this store, that no
 * definition names */
static int
orphan_bridges (struct skiff_store *store, const struct skiff_netdef *all, bool repair,
                char ***problems, struct skiff_error **err)
{
  if (store->rootless)
    return 0; /* rootless networks have no bridges */
  struct if_nameindex *ifs = if_nameindex ();
  if (ifs == NULL)
    return skiff_error_make (err, errno, "list the network interfaces");
  struct skiff_nl nl = { 0 };
  _cleanup_free_ char *mark = skiff_network_bridge_mark (store);
  int r = 0;
  for (struct if_nameindex *i = ifs; r == 0 && i->if_index != 0; i++)
    {
      const char *name = i->if_name;
      char alias[256];
      if (strncmp (name, "skiff", 5) != 0 || name[5] < '1' || name[5] > '9'
          || strspn (name + 5, "0123456789") != strlen (name + 5) || defined (all, NULL, name))
        continue;
      if (nl.sock == NULL && (r = skiff_nl_open (&nl, err)) < 0)
        break;
      if ((r = skiff_nl_link_alias_get (&nl, name, alias, sizeof alias, err)) < 0)
        break;
      if (strcmp (alias, mark) != 0)
        continue; /* another store's, or not skiff's at all */
      skiff_strv_push_owned (problems, xasprintf ("bridge %s of a removed network is left", name));
      if (repair)
        r = skiff_nl_link_del (&nl, name, i->if_index, err);
    }
  skiff_nl_close (&nl);
  if_freenameindex (ifs);
  return r;
}

int
skiff_network_check (struct skiff_store *store, bool repair, char ***problems,
                     struct skiff_error **err)
{
  struct skiff_netdef *all = NULL;
  int r = skiff_netdef_list (store, &all, err);
  for (size_t i = 0; r == 0 && all[i].name[0]; i++)
    r = skiff_network_check_leases (store, all[i].name, repair, problems, err);
  if (r == 0)
    r = orphan_leases (store, all, repair, problems, err);
  if (r == 0)
    r = orphan_bridges (store, all, repair, problems, err);
  skiff_netdefs_free (all);
  return r;
}
