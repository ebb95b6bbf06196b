/* Rootless mode: the unprivileged CLI becomes root of a user namespace of its own, without
 * re-exec.  A helper child, still outside, maps the parent with the setuid newuidmap/newgidmap
 * tools (ranges from /etc/subuid, /etc/subgid); without ranges the parent writes a single-id
 * map itself, as podman does (security-defaults.md §6). */
#include "skiff/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static bool ids_known, entered;
static uid_t host_uid;
static gid_t host_gid;
static unsigned long mapped_ids = 1, mapped_gids = 1;

static unsigned long count_mapped_ids (const char *map);

/* The user's id from the environment skiff_engine_unshare set, or 0. */
static unsigned long
unshare_id (const char *name)
{
  const char *v = getenv (name);
  char *end;
  errno = 0;
  unsigned long id = v && *v ? strtoul (v, &end, 10) : 0;
  return v && *v && *end == '\0' && errno == 0 && id < 4294967295UL ? id : 0;
}

static void
init_ids (void)
{
  if (ids_known)
    return;
  host_uid = getuid ();
  host_gid = getgid ();
  ids_known = true;
  /* inside `skiff unshare`: root of the namespace skiff made for the user named in the
   * environment (never in the initial namespace, whose map is the whole id space) */
  if (host_uid != 0)
    return;
  unsigned long uid = unshare_id ("_SKIFF_ROOTLESS_UID"), gid = unshare_id ("_SKIFF_ROOTLESS_GID");
  if (uid == 0 || gid == 0)
    return;
  unsigned long ids = count_mapped_ids ("/proc/self/uid_map");
  if (ids >= 4294967295UL)
    return;
  host_uid = (uid_t)uid;
  host_gid = (gid_t)gid;
  mapped_ids = ids;
  mapped_gids = count_mapped_ids ("/proc/self/gid_map");
  entered = true;
}

static int
write_proc_file (const char *path, const char *text, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  size_t len = strlen (text);
  if (write (fd, text, len) != (ssize_t)len)
    return skiff_error_make (err, errno, "write %s", path);
  return 0;
}

static int
enter_single_mapping (const char *name, struct skiff_error **err)
{
  log_warn ("cannot find UID/GID for user %s: no subuid ranges found for user \"%s\" in "
            "/etc/subuid - check rootless mode in man pages.",
            name, name);
  log_warn ("Using rootless single mapping into the namespace. This might break some images. "
            "Check /etc/subuid and /etc/subgid for adding sub*ids if not using a network user");
  if (unshare (CLONE_NEWUSER) < 0)
    return skiff_error_make (err, errno, "create a user namespace");
  char map[64];
  int r = write_proc_file ("/proc/self/setgroups", "deny", err);
  snprintf (map, sizeof map, "0 %u 1\n", (unsigned)host_uid);
  if (r == 0)
    r = write_proc_file ("/proc/self/uid_map", map, err);
  snprintf (map, sizeof map, "0 %u 1\n", (unsigned)host_gid);
  if (r == 0)
    r = write_proc_file ("/proc/self/gid_map", map, err);
  mapped_ids = mapped_gids = 1;
  return r;
}

/* argv of new[ug]idmap: <tool> <pid> 0 <id> 1 1 <start> <count> ... (container ids follow on
 * from one range to the next).  *total = ids mapped. */
static char **
map_argv (const char *tool, pid_t pid, unsigned id, const struct skiff_subid_range *rg, size_t n,
          unsigned long *total)
{
  char **v = NULL;
  skiff_strv_push (&v, tool);
  skiff_strv_push_owned (&v, xasprintf ("%d", (int)pid));
  skiff_strv_push (&v, "0");
  skiff_strv_push_owned (&v, xasprintf ("%u", id));
  skiff_strv_push (&v, "1");
  unsigned long next = 1;
  for (size_t i = 0; i < n; i++)
    {
      skiff_strv_push_owned (&v, xasprintf ("%lu", next));
      skiff_strv_push_owned (&v, xasprintf ("%lu", rg[i].start));
      skiff_strv_push_owned (&v, xasprintf ("%lu", rg[i].count));
      next += rg[i].count;
    }
  *total = next;
  return v;
}

/* Finds a setuid helper in $PATH (the CLI's own, falling back to /usr/bin). */
static char *
find_tool (const char *name, struct skiff_error **err)
{
  const char *path = getenv ("PATH");
  char *found = skiff_exec_lookup (name, path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
  if (found == NULL)
    skiff_error_make (err, 0,
                      "command required for rootless mode with multiple IDs: exec: \"%s\": "
                      "executable file not found in $PATH",
                      name);
  return found;
}

static int
check_ranges (const char *file, const struct skiff_subid_range *rg, size_t n, unsigned long id,
              struct skiff_error **err)
{
  for (size_t i = 0; i < n; i++)
    if (id >= rg[i].start && id - rg[i].start < rg[i].count)
      return skiff_error_make (err, 0,
                               "invalid configuration: the specified mapping %lu:%lu in \"%s\" "
                               "includes the user UID",
                               rg[i].start, rg[i].count, file);
  return 0;
}

/* Helper child: waits until the parent has unshared (one byte per helper; EOF = give up), then
 * execs the mapping tool on it. */
static void __attribute__ ((noreturn)) mapper_child (int syncfd, char **tool_argv)
{
  char c;
  if (read (syncfd, &c, 1) != 1)
    _exit (3);
  execv (tool_argv[0], tool_argv);
  _exit (127);
}

/* Reaps a helper; true when it succeeded. */
static bool
mapper_ok (pid_t pid)
{
  int st = 0;
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return false;
  return WIFEXITED (st) && WEXITSTATUS (st) == 0;
}

/* Two helpers, newuidmap and newgidmap, run in parallel once the parent has unshared. */
static int
run_mappers (char **uidmap, char **gidmap, struct skiff_error **err)
{
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  char **tools[2] = { uidmap, gidmap };
  pid_t kids[2] = { -1, -1 };
  int r = 0;
  for (int i = 0; i < 2 && r == 0; i++)
    {
      kids[i] = fork ();
      if (kids[i] < 0)
        r = skiff_error_make (err, errno, "fork");
      else if (kids[i] == 0)
        {
          close (fds[1]);
          mapper_child (fds[0], tools[i]);
        }
    }
  close (fds[0]);
  if (r == 0 && unshare (CLONE_NEWUSER) < 0)
    r = skiff_error_make (err, errno, "create a user namespace");
  if (r == 0 && write (fds[1], "xx", 2) != 2)
    r = skiff_error_make (err, errno, "write to the id mapping helpers");
  close (fds[1]);
  for (int i = 0; i < 2; i++)
    if (kids[i] > 0 && !mapper_ok (kids[i]) && r == 0)
      r = skiff_error_make (err, 0,
                            "cannot set up namespace using \"%s\": should have setuid or have "
                            "filecaps setuid",
                            tools[i][0]);
  return r;
}

static int
enter_with_ranges (const struct skiff_subid_range *ur, size_t nu,
                   const struct skiff_subid_range *gr, size_t ng, struct skiff_error **err)
{
  int r = check_ranges ("/etc/subuid", ur, nu, host_uid, err);
  if (r == 0)
    r = check_ranges ("/etc/subgid", gr, ng, host_gid, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *uidtool = find_tool ("newuidmap", err);
  if (uidtool == NULL)
    return -ENOENT;
  _cleanup_free_ char *gidtool = find_tool ("newgidmap", err);
  if (gidtool == NULL)
    return -ENOENT;
  unsigned long nuids, ngids;
  _cleanup_strv_ char **uidmap = map_argv (uidtool, getpid (), host_uid, ur, nu, &nuids);
  _cleanup_strv_ char **gidmap = map_argv (gidtool, getpid (), host_gid, gr, ng, &ngids);
  r = run_mappers (uidmap, gidmap, err);
  if (r < 0)
    return r;
  mapped_ids = nuids;
  mapped_gids = ngids;
  return 0;
}

/* After the maps are written: become 0:0 in the namespace and drop the host's supplementary
 * groups (refused, harmlessly, under a single mapping where setgroups is denied). */
static int
become_root (struct skiff_error **err)
{
  if (setresgid (0, 0, 0) < 0)
    return skiff_error_make (err, errno, "setresgid 0");
  if (setresuid (0, 0, 0) < 0)
    return skiff_error_make (err, errno, "setresuid 0");
  if (setgroups (0, NULL) < 0 && errno != EPERM)
    return skiff_error_make (err, errno, "setgroups");
  return 0;
}

int
skiff_userns_enter (struct skiff_error **err)
{
  init_ids ();
  if (host_uid == 0 || entered)
    return 0;
  struct passwd *pw = getpwuid (host_uid);
  _cleanup_free_ char *name = pw ? xstrdup (pw->pw_name) : xasprintf ("%u", (unsigned)host_uid);
  _cleanup_free_ struct skiff_subid_range *ur = NULL, *gr = NULL;
  size_t nu = 0, ng = 0;
  int r = skiff_subid_read ("/etc/subuid", name, host_uid, &ur, &nu, err);
  if (r == 0)
    r = skiff_subid_read ("/etc/subgid", name, host_uid, &gr, &ng, err);
  if (r < 0)
    return r;
  r = nu && ng ? enter_with_ranges (ur, nu, gr, ng, err) : enter_single_mapping (name, err);
  if (r < 0)
    return skiff_error_prefix (err, "rootless mode");
  if ((r = become_root (err)) < 0)
    return r;
  /* a mount namespace owned by the user namespace, so the CLI itself may mount */
  if (unshare (CLONE_NEWNS) < 0)
    return skiff_error_make (err, errno, "create a mount namespace");
  entered = true;
  return 0;
}

/* Ids mapped in the current namespace: the sum of the counts in /proc/self/[ug]id_map. */
static unsigned long
count_mapped_ids (const char *map)
{
  _cleanup_fclose_ FILE *f = fopen (map, "re");
  unsigned long inside, outside, count, total = 0;
  while (f != NULL && fscanf (f, "%lu %lu %lu", &inside, &outside, &count) == 3)
    total += count;
  return total ? total : 1;
}

static int nested_fd = -1;

/* The user namespace owning pid's mount namespace when it is not user_fd's, else -1. */
static int
mount_ns_owner (pid_t pid, int user_fd)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
  _cleanup_close_ int mnt = open (path, O_RDONLY | O_CLOEXEC);
  int owner = mnt < 0 ? -1 : ioctl (mnt, NS_GET_USERNS);
  struct stat a, b;
  if (owner < 0 || fstat (owner, &a) < 0 || fstat (user_fd, &b) < 0
      || (a.st_dev == b.st_dev && a.st_ino == b.st_ino))
    {
      if (owner >= 0)
        close (owner);
      return -1;
    }
  return owner;
}

int
skiff_userns_join_nested (struct skiff_error **err)
{
  if (nested_fd < 0)
    return 0;
  if (setns (nested_fd, CLONE_NEWUSER) < 0)
    return skiff_error_make (err, errno, "join the container's user namespace");
  skiff_closep (&nested_fd);
  return become_root (err);
}

int
skiff_userns_join (pid_t pid, struct skiff_error **err)
{
  init_ids ();
  if (host_uid == 0)
    return 0;
  if (entered)
    return skiff_error_make (err, EBUSY, "join the user namespace of process %d", (int)pid);
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/user", (int)pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  int owner = mount_ns_owner (pid, fd);
  if (owner >= 0)
    {
      /* --userns=keep-id|nomap: PID 1's namespace is nested in the one that owns its mount
       * namespace; that one first (for setns of the others), the nested one last */
      nested_fd = steal_fd (&fd);
      fd = owner;
    }
  if (setns (fd, CLONE_NEWUSER) < 0)
    return skiff_error_make (err, errno, "join the user namespace of process %d", (int)pid);
  int r = become_root (err);
  if (r < 0)
    return r;
  mapped_ids = count_mapped_ids ("/proc/self/uid_map");
  mapped_gids = count_mapped_ids ("/proc/self/gid_map");
  entered = true;
  return 0;
}

bool
skiff_userns_entered (void)
{
  return entered;
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
  init_ids ();
  return host_gid;
}

unsigned long
skiff_userns_mapped_ids (void)
{
  init_ids ();
  return host_uid == 0 ? 4294967295UL : mapped_ids;
}

unsigned long
skiff_userns_mapped_gids (void)
{
  init_ids ();
  return host_uid == 0 ? 4294967295UL : mapped_gids;
}
