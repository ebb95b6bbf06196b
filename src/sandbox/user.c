/* "user[:group]" resolution against the container's /etc/passwd and /etc/group, with the
 * semantics and error texts of moby/sys/user GetExecUser (run-semantics.md §4). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

#define MAX_ID 2147483647L

/* Go's strconv.Atoi on a field: optional sign, digits only. */
static bool
parse_num (const char *s, long *out)
{
  if (s == NULL || *s == '\0')
    return false;
  char *end = NULL;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno != 0 || *end != '\0' || s[0] == ' ' || s[0] == '\t')
    return false;
  *out = v;
  return true;
}

/* Splits line in place on ':' into at most n fields; missing ones become "". */
static void
split_fields (char *line, char **f, size_t n)
{
  size_t i = 0;
  char *p = line;
  for (; i < n && p != NULL; i++)
    {
      f[i] = p;
      p = strchr (p, ':');
      if (p != NULL)
        *p++ = '\0';
    }
  for (; i < n; i++)
    f[i] = (char *)"";
}

/* Strips surrounding whitespace; returns NULL for blank lines. */
static char *
trim_line (char *line)
{
  while (*line == ' ' || *line == '\t')
    line++;
  size_t len = strlen (line);
  while (len > 0 && strchr (" \t\r\n", line[len - 1]) != NULL)
    line[--len] = '\0';
  return len > 0 ? line : NULL;
}

static int
open_db (const char *path, FILE **f, struct skiff_error **err)
{
  *f = fopen (path, "re");
  if (*f == NULL && errno != ENOENT)
    return skiff_error_make (err, errno, "open %s", path);
  return 0;
}

struct passwd_match
{
  bool found;
  char *name;
  long uid, gid;
  char *home;
};

/* First passwd entry matching: uid 0 for an empty spec, the uid for a numeric one, else the
 * name. */
static void
find_passwd (FILE *f, const char *user, bool numeric, long uid, struct passwd_match *m)
{
  _cleanup_free_ char *buf = NULL;
  size_t cap = 0;
  while (f != NULL && getline (&buf, &cap, f) >= 0)
    {
      char *line = trim_line (buf), *fl[7];
      long fuid, fgid;
      if (line == NULL)
        continue;
      split_fields (line, fl, 7);
      if (!parse_num (fl[2], &fuid))
        fuid = 0;
      if (!parse_num (fl[3], &fgid))
        fgid = 0;
      bool hit = numeric ? fuid == uid : strcmp (fl[0], user) == 0;
      if (hit)
        {
          m->found = true;
          m->name = xstrdup (fl[0]);
          m->uid = fuid;
          m->gid = fgid;
          m->home = xstrdup (fl[5]);
          return;
        }
    }
}

static bool
list_has (char *list, const char *name)
{
  char *save = NULL;
  for (char *t = strtok_r (list, ",", &save); t != NULL; t = strtok_r (NULL, ",", &save))
    if (strcmp (t, name) == 0)
      return true;
  return false;
}

/* With group != NULL: the first group matching it (numeric = by gid) -> *gid, returns 1.
 * With group == NULL: appends every group listing member to u->groups. */
static int
scan_groups (FILE *f, const char *group, bool numeric, long want, const char *member, long *gid,
             struct skiff_exec_user *u)
{
  _cleanup_free_ char *buf = NULL;
  size_t cap = 0;
  while (f != NULL && getline (&buf, &cap, f) >= 0)
    {
      char *line = trim_line (buf), *fl[4];
      long fgid;
      if (line == NULL)
        continue;
      split_fields (line, fl, 4);
      if (!parse_num (fl[2], &fgid))
        fgid = 0;
      if (group != NULL)
        {
          if (numeric ? fgid == want : strcmp (fl[0], group) == 0)
            {
              *gid = fgid;
              return 1;
            }
        }
      else if (list_has (fl[3], member))
        {
          u->groups = xrealloc (u->groups, (u->ngroups + 1) * sizeof *u->groups);
          u->groups[u->ngroups++] = (gid_t)fgid;
        }
    }
  return 0;
}

static int
range_error (struct skiff_error **err)
{
  return skiff_error_make (err, 0, "uids and gids must be in range 0-%ld", MAX_ID);
}

static int
resolve_group (const char *group_path, const char *group, const struct passwd_match *pw, long *gid,
               struct skiff_exec_user *u, struct skiff_error **err)
{
  _cleanup_fclose_ FILE *f = NULL;
  int r = open_db (group_path, &f, err);
  if (r < 0)
    return r;
  if (group == NULL)
    {
      scan_groups (f, NULL, false, 0, pw->name, NULL, u);
      return 0;
    }
  long num = 0;
  bool numeric = parse_num (group, &num);
  if (scan_groups (f, group, numeric, num, NULL, gid, u) > 0)
    return 0;
  if (!numeric)
    return skiff_error_make (err, 0, "unable to find group %s: no matching entries in group file",
                             group);
  if (num < 0 || num > MAX_ID)
    return range_error (err);
  *gid = num;
  return 0;
}

/* --group-add: each a group name or gid of the rootfs, or a number used as is. */
static int
add_groups (const char *group_path, char *const *extra, struct skiff_exec_user *u,
            struct skiff_error **err)
{
  _cleanup_fclose_ FILE *f = NULL;
  int r = open_db (group_path, &f, err);
  if (r < 0)
    return r;
  for (size_t i = 0; extra[i] != NULL; i++)
    {
      long num = 0, gid = 0;
      bool numeric = parse_num (extra[i], &num);
      if (f != NULL)
        rewind (f);
      if (scan_groups (f, extra[i], numeric, num, NULL, &gid, u) == 0)
        {
          if (!numeric)
            return skiff_error_make (
                err, 0, "Unable to find group %s: no matching entries in group file", extra[i]);
          if (num < 0 || num > MAX_ID)
            return range_error (err);
          gid = num;
        }
      u->groups = xrealloc (u->groups, (u->ngroups + 1) * sizeof *u->groups);
      u->groups[u->ngroups++] = (gid_t)gid;
    }
  return 0;
}

int
skiff_user_resolve (const char *spec, char *const *group_add, const char *passwd_path,
                    const char *group_path, struct skiff_exec_user *out, struct skiff_error **err)
{
  _cleanup_free_ char *copy = xstrdup (spec ? spec : "");
  char *user = copy, *group = strchr (copy, ':');
  if (group != NULL)
    {
      *group++ = '\0';
      char *extra = strchr (group, ':'); /* "u:g:x" -> group "g", like moby's parseLine */
      if (extra != NULL)
        *extra = '\0';
      if (*group == '\0')
        group = NULL;
    }
  long uid = 0;
  bool numeric = *user == '\0' || parse_num (user, &uid);

  struct passwd_match pw = { 0 };
  _cleanup_fclose_ FILE *f = NULL;
  int r = open_db (passwd_path, &f, err);
  if (r < 0)
    return r;
  find_passwd (f, user, numeric, uid, &pw);
  _cleanup_free_ char *pw_name = pw.name, *pw_home = pw.home;

  long gid = 0;
  memset (out, 0, sizeof *out);
  if (pw.found)
    uid = pw.uid, gid = pw.gid;
  else if (!numeric)
    return skiff_error_make (err, 0, "unable to find user %s: no matching entries in passwd file",
                             user);
  else if (uid < 0 || uid > MAX_ID)
    return range_error (err);

  /* the primary gid goes first; its slot is filled once the group is known */
  out->groups = xmalloc (sizeof *out->groups);
  out->ngroups = 1;
  if (((group != NULL || pw.found)
       && (r = resolve_group (group_path, group, &pw, &gid, out, err)) < 0)
      || (group_add != NULL && (r = add_groups (group_path, group_add, out, err)) < 0))
    {
      skiff_exec_user_clear (out);
      return r;
    }
  out->uid = (uid_t)uid;
  out->gid = (gid_t)gid;
  out->groups[0] = (gid_t)gid;
  out->home = xstrdup (pw.found && *pw.home != '\0' ? pw.home : "/");
  return 0;
}

int
skiff_user_check_mapped (const struct skiff_exec_user *u, unsigned long uids, unsigned long gids,
                         struct skiff_error **err)
{
  bool uid_ok = (unsigned long)u->uid < uids, gid_ok = (unsigned long)u->gid < gids;
  if (uid_ok && gid_ok)
    return 0;
  const char *what = !uid_ok ? "uid" : "gid";
  unsigned id = !uid_ok ? (unsigned)u->uid : (unsigned)u->gid;
  unsigned long n = !uid_ok ? uids : gids;
  if (n == 1)
    return skiff_error_make (err, 0,
                             "%s %u is not mapped: without a subuid/subgid range the user "
                             "namespace maps a single ID, so only ID 0 exists inside (add a "
                             "range to /etc/subuid and /etc/subgid, or run as user 0)",
                             what, id);
  return skiff_error_make (err, 0,
                           "%s %u is not mapped: the user namespace maps IDs 0-%lu only (see "
                           "/etc/subuid and /etc/subgid)",
                           what, id, n - 1);
}

void
skiff_exec_user_clear (struct skiff_exec_user *u)
{
  free (u->groups);
  free (u->home);
  memset (u, 0, sizeof *u);
}
