/* Runs against the real cgroup tree: creates a cgroup, moves a busy child in, freezes/thaws it,
 * reads stats and removes it.  Where creation is refused (unprivileged, no delegation) it checks
 * the -EPERM "run without a cgroup" signal instead; real root must get the full run. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/strv.h"

#include "real-root.h"

static char name[64];

static void
setup (void)
{
  snprintf (name, sizeof name, "skiff-test/%d", (int)getpid ());
}

START_TEST (detect_layout)
{
  enum skiff_cgroup_layout l;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_cgroup_detect (&l, &err), 0);
  struct stat st;
  /* what this repository's CI machines have; a pure v2 host has no unified/ subdir */
  if (stat ("/sys/fs/cgroup/unified", &st) == 0)
    ck_assert_str_eq (skiff_cgroup_layout_name (l), "hybrid");
  else if (stat ("/sys/fs/cgroup/cgroup.controllers", &st) == 0)
    ck_assert_str_eq (skiff_cgroup_layout_name (l), "v2");
  else
    ck_assert_str_eq (skiff_cgroup_layout_name (l), "v1");
}
END_TEST

/* The child spins, counting in shared memory, so freezing is visible as a stopped counter. */
static volatile unsigned long *counter;

static pid_t
spawn_spinner (void)
{
  counter = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ck_assert (counter != MAP_FAILED);
  pid_t pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL); /* no stray spinner if an assertion fails */
      for (;;)
        {
          /* charge memory once inside the cgroup: v1 does not move existing charges */
          if (counter[1] == 1 && (counter[1] = 2))
            {
              /* fresh pages (malloc may have touched them already, see MALLOC_PERTURB_) */
              char *mem = mmap (NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                                -1, 0);
              if (mem != MAP_FAILED)
                memset (mem, 1, 8 << 20);
            }
          (*counter)++;
          if ((*counter & 0xfffff) == 0)
            usleep (100);
        }
    }
  return pid;
}

static unsigned long
progress_over_ms (int ms)
{
  unsigned long a = *counter;
  usleep (ms * 1000);
  return *counter - a;
}

/* Whether the spinner advances within ms: on a loaded machine it may not get a CPU for a
 * while, so wait for the condition instead of sampling one short interval. */
static bool
progresses_within_ms (int ms)
{
  unsigned long a = *counter;
  for (int waited = 0; waited < ms; waited += 10)
    {
      usleep (10 * 1000);
      if (*counter != a)
        return true;
    }
  return false;
}

#define check_ok(call, err)                                                                        \
  do                                                                                               \
    {                                                                                              \
      int ret_ = (call);                                                                           \
      ck_assert_msg (ret_ == 0, "%s = %d: %s", #call, ret_, (err) ? (err)->msg : "(no error)");    \
    }                                                                                              \
  while (0)

static void exercise (struct skiff_cgroup *cg);

START_TEST (lifecycle)
{
  struct skiff_cgroup *cg = NULL;
  struct skiff_error *err = NULL;
  int ret = skiff_cgroup_create (name, &cg, &err);
  if (ret == -EPERM && !is_real_root ())
    {
      /* rootless: the "run without a cgroup" signal is what there is to check */
      ck_assert_ptr_null (cg);
      ck_assert_ptr_nonnull (strstr (err->msg, "create cgroup /sys/fs/cgroup/"));
      printf ("cgroup lifecycle: not run: unprivileged (create failed with -EPERM as expected)\n");
      skiff_error_free (err);
      return;
    }
  check_ok (ret, err);
  exercise (cg);
}
END_TEST

static bool
has_file (const char *dir, const char *file)
{
  _cleanup_free_ char *path = skiff_path_join (dir, file);
  return access (path, F_OK) == 0;
}

/* Join, list, freeze/thaw (seen by another handle), stats, remove; frees cg. */
static void
exercise (struct skiff_cgroup *cg)
{
  struct skiff_error *err = NULL;
  bool v2 = cg->layout == SKIFF_CGROUP_V2;
  pid_t pid = spawn_spinner ();
  check_ok (skiff_cgroup_add_pid (cg, pid, &err), err);
  counter[1] = 1;

  pid_t *pids = NULL;
  size_t n = 0;
  check_ok (skiff_cgroup_pids (cg, &pids, &n, &err), err);
  ck_assert_uint_eq (n, 1);
  ck_assert_int_eq (pids[0], pid);
  free (pids);

  /* another process's view: open by name */
  struct skiff_cgroup *other = NULL;
  check_ok (skiff_cgroup_open (name, &other, &err), err);
  ck_assert (progresses_within_ms (10000));
  check_ok (skiff_cgroup_freeze (other, &err), err);
  bool frozen = false;
  check_ok (skiff_cgroup_is_frozen (cg, &frozen, &err), err);
  ck_assert (frozen);
  ck_assert_uint_eq (progress_over_ms (100), 0);
  check_ok (skiff_cgroup_thaw (other, &err), err);
  check_ok (skiff_cgroup_is_frozen (cg, &frozen, &err), err);
  ck_assert (!frozen);
  ck_assert (progresses_within_ms (10000));
  skiff_cgroup_free (other);

  struct skiff_cgroup_stats st;
  check_ok (skiff_cgroup_stats (cg, &st, &err), err);
  ck_assert_uint_gt (st.cpu_usage_ns, 10000000); /* it spun for > 100 ms */
  if (has_file (cg->memory, v2 ? "memory.current" : "memory.usage_in_bytes"))
    {
      ck_assert_uint_ge (st.memory_usage, 8 << 20);
      ck_assert_uint_eq (st.memory_limit, 0);
    }
  if (has_file (cg->pids, "pids.current"))
    ck_assert_uint_eq (st.pids_current, 1);

  /* once the task is gone the cgroup can be removed */
  kill (pid, SIGKILL);
  ck_assert_int_eq (waitpid (pid, NULL, 0), pid);
  check_ok (skiff_cgroup_remove (cg, &err), err);
  for (char **d = cg->dirs; *d; d++)
    ck_assert (!skiff_fs_exists (*d));
  check_ok (skiff_cgroup_remove (cg, &err), err); /* idempotent */
  ck_assert_int_eq (skiff_cgroup_open (name, &other, &err), -ENOENT);
  ck_assert_ptr_nonnull (strstr (err->msg, "No such file or directory"));
  for (char **d = cg->dirs; *d; d++)
    rmdir (dirname (*d)); /* the skiff-test parent */
  skiff_error_free (err);
  skiff_cgroup_free (cg);
}
END_TEST

/* The v2 code path on a hybrid host: in a private mount namespace, the cgroup2 tree (the one at
 * /sys/fs/cgroup/unified) is mounted over /sys/fs/cgroup, so detection says v2. */
START_TEST (lifecycle_v2_in_mount_namespace)
{
  enum skiff_cgroup_layout l;
  struct skiff_error *err = NULL;
  check_ok (skiff_cgroup_detect (&l, &err), err);
  if (l == SKIFF_CGROUP_V2 || !is_real_root ())
    {
      printf ("cgroup v2 in a mount namespace: not run: %s\n",
              l == SKIFF_CGROUP_V2 ? "the host is v2 (lifecycle covers it)" : "unprivileged");
      return;
    }
  if (l == SKIFF_CGROUP_V1)
    {
      printf ("cgroup v2 in a mount namespace: SKIPPED: the kernel has no cgroup2 mounted\n");
      return;
    }
  ck_assert_int_eq (unshare (CLONE_NEWNS), 0);
  ck_assert_int_eq (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
  ck_assert_int_eq (mount ("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL), 0);
  check_ok (skiff_cgroup_detect (&l, &err), err);
  ck_assert_str_eq (skiff_cgroup_layout_name (l), "v2");
  struct skiff_cgroup *cg = NULL;
  check_ok (skiff_cgroup_create (name, &cg, &err), err);
  ck_assert_uint_eq (skiff_strv_len (cg->dirs), 1);
  exercise (cg);
}
END_TEST

/* After all tests, in the runner: a failed test exits before removing its cgroups (its spinner
 * died with it through PDEATHSIG), so remove what is left of skiff-test/. */
static void
remove_leftovers (void)
{
  glob_t g;
  if (glob ("/sys/fs/cgroup/*/skiff-test/[0-9]*", GLOB_ONLYDIR, NULL, &g) == 0)
    {
      for (size_t i = 0; i < g.gl_pathc; i++)
        rmdir (g.gl_pathv[i]);
      globfree (&g);
    }
  if (glob ("/sys/fs/cgroup/*/skiff-test", GLOB_ONLYDIR, NULL, &g) == 0)
    {
      for (size_t i = 0; i < g.gl_pathc; i++)
        rmdir (g.gl_pathv[i]);
      globfree (&g);
    }
}

/* A fake v2 cgroup: one directory of empty files standing in for the controllers' files. */
static char *
fake_v2_dir (void)
{
  char tmpl[] = "/tmp/skiff-cg-v2-XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (tmpl));
  static const char *const files[] = { "memory.max", "memory.swap.max", "memory.low", "cpu.max",
                                       "cpu.weight", "cpuset.cpus",     "pids.max" };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      _cleanup_free_ char *p = skiff_path_join (tmpl, files[i]);
      FILE *f = fopen (p, "w");
      ck_assert_ptr_nonnull (f);
      fclose (f);
    }
  return strdup (tmpl);
}

static void
assert_file (const char *dir, const char *file, const char *want)
{
  _cleanup_free_ char *p = skiff_path_join (dir, file), *text = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_fs_read_file (p, &text, NULL, &err), 0);
  ck_assert_msg (strcmp (text, want) == 0, "%s: '%s', expected '%s'", file, text, want);
}

/* The v2 code path of the limits, whatever the host's layout: file names and value formats
 * (memory.max, memory.swap.max = swap beyond memory, memory.low, cpu.max "QUOTA PERIOD",
 * cpu.weight from shares as crun converts them, pids.max). */
START_TEST (limits_v2_files)
{
  _cleanup_free_ char *dir = fake_v2_dir ();
  struct skiff_cgroup cg = { .layout = SKIFF_CGROUP_V2, .name = "skiff/fake" };
  cg.memory = cg.cpu = cg.cpuset = cg.pids = dir;
  struct skiff_cgroup_limits l = { .memory = 32 << 20,
                                   .memory_swap = 64 << 20,
                                   .memory_reservation = 16 << 20,
                                   .cpu_quota_us = 150000,
                                   .cpu_shares = 512,
                                   .cpuset_cpus = "0",
                                   .pids_max = 20 };
  struct skiff_error *err = NULL;
  ck_assert_msg (skiff_cgroup_set_limits (&cg, &l, &err) == 0, "%s", err ? err->msg : "");
  assert_file (dir, "memory.max", "33554432");
  assert_file (dir, "memory.swap.max", "33554432");
  assert_file (dir, "memory.low", "16777216");
  assert_file (dir, "cpu.max", "150000 100000");
  assert_file (dir, "cpu.weight", "20");
  assert_file (dir, "cpuset.cpus", "0");
  assert_file (dir, "pids.max", "20");
  /* unlimited swap; a controller that is not there is ENOTSUP naming it */
  _cleanup_free_ char *swap = skiff_path_join (dir, "memory.swap.max");
  ck_assert_int_eq (truncate (swap, 0), 0); /* a plain file keeps what a longer write left */
  struct skiff_cgroup_limits unlimited = { .memory = 1 << 20, .memory_swap = -1 };
  ck_assert_int_eq (skiff_cgroup_set_limits (&cg, &unlimited, &err), 0);
  assert_file (dir, "memory.swap.max", "max");
  cg.pids = NULL;
  struct skiff_cgroup_limits pids = { .pids_max = 5 };
  ck_assert_int_eq (skiff_cgroup_set_limits (&cg, &pids, &err), -ENOTSUP);
  ck_assert_ptr_nonnull (strstr (err->msg, "the pids controller is not available"));
  skiff_error_free (err);
  _cleanup_error_ struct skiff_error *e = NULL;
  ck_assert_int_eq (skiff_fs_rm_rf (dir, &e), 0);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("cgroup");
  TCase *tc = tcase_create ("core");
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_add_unchecked_fixture (tc, NULL, remove_leftovers);
  tcase_add_test (tc, detect_layout);
  tcase_add_test (tc, lifecycle);
  tcase_add_test (tc, limits_v2_files);
  tcase_add_test (tc, lifecycle_v2_in_mount_namespace); /* last: it changes mount namespace */
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
