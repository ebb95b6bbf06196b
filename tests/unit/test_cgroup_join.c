/* exec's cgroup join: finding a hierarchy's cgroup directory from mountinfo. */
#include <check.h>
#include <stdlib.h>

#include "sandbox/sandbox-internal.h"

/* The CI machines' hybrid layout (v1 controllers + a v2 tree holding only hugetlb). */
static const char hybrid[]
    = "22 28 0:21 / /proc rw,nosuid - proc proc rw\n"
      "30 21 0:26 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
      "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
      "32 30 0:28 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
      "35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw shared:14 - cgroup cgroup rw,cpu,cpuacct\n"
      "36 30 0:32 / /sys/fs/cgroup/memory rw shared:15 - cgroup cgroup rw,memory\n"
      "37 30 0:33 / /sys/fs/cgroup/cpuset rw shared:16 - cgroup cgroup rw,cpuset\n";

static void
expect (const char *mountinfo, const char *ctl, const char *path, const char *want)
{
  char *got = skiff_sandbox_cgroup_dir (mountinfo, ctl, path);
  if (want == NULL)
    ck_assert_msg (got == NULL, "%s:%s -> %s, expected none", ctl, path, got);
  else
    {
      ck_assert_msg (got != NULL, "%s:%s -> none, expected %s", ctl, path, want);
      ck_assert_str_eq (got, want);
    }
  free (got);
}

START_TEST (hybrid_layout)
{
  expect (hybrid, "memory", "/skiff/abc", "/sys/fs/cgroup/memory/skiff/abc");
  expect (hybrid, "cpu,cpuacct", "/x", "/sys/fs/cgroup/cpu,cpuacct/x");
  expect (hybrid, "name=systemd", "/user.slice", "/sys/fs/cgroup/systemd/user.slice");
  expect (hybrid, "", "/", "/sys/fs/cgroup/unified/");
  /* "cpu" alone must not match the cpuset mount, nor "cpu,cpuacct" a partial one */
  expect (hybrid, "cpu", "/y", "/sys/fs/cgroup/cpu,cpuacct/y");
  expect (hybrid, "pids", "/z", NULL);
}
END_TEST

START_TEST (v2_and_bind_mounted_subtrees)
{
  const char v2[] = "40 1 0:40 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  expect (v2, "", "/user.slice/a", "/sys/fs/cgroup/user.slice/a");
  expect (v2, "memory", "/a", NULL);
  /* a mount showing only part of the hierarchy (e.g. inside another container) */
  const char sub[] = "41 1 0:40 /lxc/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  expect (sub, "", "/lxc/c1/child", "/sys/fs/cgroup/child");
  expect (sub, "", "/lxc/c10", NULL);
  expect (sub, "", "/other", NULL);
  /* optional fields before the separator, and junk lines */
  const char opt[] = "garbage\n42 1 0:41 / /cg rw shared:3 master:2 - cgroup cg rw,pids\n";
  expect (opt, "pids", "/p", "/cg/p");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("cgroup_join");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, hybrid_layout);
  tcase_add_test (tc, v2_and_bind_mounted_subtrees);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
