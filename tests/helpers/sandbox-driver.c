/* Test driver for the sandbox: runs CMD in a throwaway overlay over LOWER (colon-separated
 * layer dirs, top first), like `skiff run --rm` minus the store.  Rootless when run by an
 * unprivileged user.  Usage:
 *   sandbox-driver [-u USER] [-w CWD] [-h HOSTNAME] [-e K=V]... [-H HOSTSFILE] [-n]
 *                  [-o OUTFILE] [-t] [-g GROUP]... [-a CAP]... [-d CAP]... [-P] [-N] [-c CGDIR]
 *                  SCRATCHDIR LOWER CMD [ARG...]
 * -g: --group-add.  -a/-d: --cap-add/--cap-drop.  -P: --privileged.  -N: no-new-privileges.
 * -c CGDIR: before_start hook moving the child into the (new) cgroup directory CGDIR.
 * -n: keep the host network.  -o: the command's stdout goes to OUTFILE.  -t: run on a pty and
 * copy its output to stdout.  Prints "Error: <msg>" and exits 125/126/127 on spawn failure,
 * else exits with the command's status (128+signal when killed). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/sandbox.h"
#include "skiff/strv.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

static int
fail (struct skiff_error *err)
{
  fprintf (stderr, "Error: %s\n", err->msg);
  int code = err->exit_code ? err->exit_code : 125;
  skiff_error_free (err);
  return code;
}

static int
join_cgroup (pid_t pid, void *data, struct skiff_error **err)
{
  const char *dir = data;
  if (mkdir (dir, 0755) < 0)
    return skiff_error_make (err, errno, "mkdir %s", dir);
  _cleanup_free_ char *procs = skiff_path_join (dir, "cgroup.procs");
  _cleanup_free_ char *text = xasprintf ("%d", (int)pid);
  int fd = open (procs, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, text, strlen (text)) < 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      return skiff_error_make (err, e, "write %s", procs);
    }
  close (fd);
  return 0;
}

int
main (int argc, char **argv)
{
  struct skiff_sandbox_config cfg
      = { .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1, .hostname = "sandbox", .cwd = "/" };
  _cleanup_strv_ char **env = NULL, **groups = NULL, **cap_add = NULL, **cap_drop = NULL;
  int c;
  while ((c = getopt (argc, argv, "+u:w:h:e:H:no:tg:a:d:PNc:")) != -1)
    switch (c)
      {
      case 'u':
        cfg.user = optarg;
        break;
      case 'w':
        cfg.cwd = optarg;
        break;
      case 'h':
        cfg.hostname = optarg;
        break;
      case 'e':
        skiff_strv_push (&env, optarg);
        break;
      case 'H':
        cfg.hosts_file = optarg;
        break;
      case 'n':
        cfg.host_network = true;
        break;
      case 't':
        cfg.terminal = true;
        break;
      case 'a':
        skiff_strv_push (&cap_add, optarg);
        break;
      case 'd':
        skiff_strv_push (&cap_drop, optarg);
        break;
      case 'N':
        cfg.no_new_privileges = true;
        break;
      case 'c':
        cfg.before_start = join_cgroup;
        cfg.before_start_data = optarg;
        break;
      case 'P':
        cfg.privileged = true;
        break;
      case 'g':
        skiff_strv_push (&groups, optarg);
        break;
      case 'o':
        cfg.stdout_fd = open (optarg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (cfg.stdout_fd < 0)
          {
            perror (optarg);
            return 2;
          }
        break;
      default:
        return 2;
      }
  if (argc - optind < 3)
    {
      fprintf (stderr, "usage: %s [opts] SCRATCHDIR LOWER CMD [ARG...]\n", argv[0]);
      return 2;
    }
  struct skiff_error *err = NULL;
  if (skiff_userns_enter (&err) < 0)
    return fail (err);
  skiff_strv_push (&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  _cleanup_free_ char *dir = xasprintf ("%s/sb.XXXXXX", argv[optind]);
  if (mkdtemp (dir) == NULL)
    {
      perror ("mkdtemp");
      return 125;
    }
  _cleanup_free_ char *up = skiff_path_join (dir, "upper"), *wk = skiff_path_join (dir, "work"),
                      *mg = skiff_path_join (dir, "merged"), *lower = xstrdup (argv[optind + 1]);
  _cleanup_strv_ char **lowers = NULL;
  char *save = NULL;
  for (char *t = strtok_r (lower, ":", &save); t != NULL; t = strtok_r (NULL, ":", &save))
    skiff_strv_push (&lowers, t);
  if (mkdir (up, 0755) < 0 || mkdir (wk, 0700) < 0 || mkdir (mg, 0755) < 0)
    {
      perror ("mkdir");
      return 125;
    }
  cfg.lowerdirs = lowers;
  cfg.upperdir = up;
  cfg.workdir = wk;
  cfg.mergeddir = mg;
  cfg.userxattr = skiff_userns_is_rootless ();
  cfg.argv = argv + optind + 2;
  cfg.env = env;
  cfg.group_add = groups;
  cfg.cap_add = cap_add;
  cfg.cap_drop = cap_drop;
  pid_t pid;
  int code, master = -1;
  cfg.terminal_master = &master;
  if (skiff_sandbox_spawn (&cfg, &pid, &err) < 0)
    code = fail (err);
  else
    {
      char buf[4096];
      ssize_t n;
      /* EIO once the last slave fd is closed */
      while (master >= 0 && (n = read (master, buf, sizeof buf)) > 0)
        if (write (1, buf, (size_t)n) < 0)
          break;
      int st = 0;
      while (waitpid (pid, &st, 0) < 0)
        ;
      code = skiff_sandbox_exit_code (st);
    }
  if (cfg.before_start != NULL)
    rmdir (cfg.before_start_data);
  err = NULL;
  if (skiff_fs_rm_rf (dir, &err) < 0)
    fail (err);
  return code;
}
