/* Pure parts of the sandbox: subid ranges, user spec resolution, PATH lookup, exec error
 * texts and exit codes. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/sandbox.h"
#include "skiff/xalloc.h"

static char tmpdir[] = "/tmp/skiff-sandbox-test-XXXXXX";

static void
setup (void)
{
  strcpy (tmpdir, "/tmp/skiff-sandbox-test-XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (tmpdir));
}

static void
teardown (void)
{
  struct skiff_error *err = NULL;
  skiff_fs_rm_rf (tmpdir, &err);
  skiff_error_free (err);
}

/* Writes text to <tmpdir>/<name> and returns the malloc'ed path. */
static char *
tmpfile_with (const char *name, const char *text, mode_t mode)
{
  char *path = skiff_path_join (tmpdir, name);
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_fs_write_atomic (path, text, strlen (text), mode, 0, &err), 0);
  return path;
}

START_TEST (subid_all_matching_lines)
{
  const char *text = "# comment\n"
                     "alice:100000:65536\n"
                     "bob:200000:65536\n"
                     "  1000:300000:10  \n"
                     "alice:400000:5\n"
                     "alice:bad:5\n"
                     "alice:500000\n"
                     "alice:600000:0\n"
                     "alicex:700000:1";
  _cleanup_free_ struct skiff_subid_range *r = NULL;
  size_t n = skiff_subid_parse (text, "alice", 1000, &r);
  ck_assert_uint_eq (n, 3);
  ck_assert_uint_eq (r[0].start, 100000);
  ck_assert_uint_eq (r[0].count, 65536);
  ck_assert_uint_eq (r[1].start, 300000);
  ck_assert_uint_eq (r[1].count, 10);
  ck_assert_uint_eq (r[2].start, 400000);
  ck_assert_uint_eq (r[2].count, 5);
}
END_TEST

START_TEST (subid_none_and_missing_file)
{
  _cleanup_free_ struct skiff_subid_range *r = NULL;
  ck_assert_uint_eq (skiff_subid_parse ("bob:1:2\n", "alice", 1000, &r), 0);
  ck_assert_ptr_null (r);
  struct skiff_error *err = NULL;
  size_t n = 99;
  _cleanup_free_ char *missing = skiff_path_join (tmpdir, "nosuch");
  ck_assert_int_eq (skiff_subid_read (missing, "alice", 1000, &r, &n, &err), 0);
  ck_assert_uint_eq (n, 0);
  _cleanup_free_ char *f = tmpfile_with ("subuid", "alice:10:20\n", 0644);
  ck_assert_int_eq (skiff_subid_read (f, "alice", 1000, &r, &n, &err), 0);
  ck_assert_uint_eq (n, 1);
  ck_assert_uint_eq (r[0].start, 10);
}
END_TEST

static const char *passwd_text = "root:x:0:0:root:/root:/bin/sh\n"
                                 "\n"
                                 "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
                                 "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                                 "nohome:x:70:70::\n";
static const char *group_text = "root:x:0:\n"
                                "daemon:x:1:nobody\n"
                                "wheel:x:10:root,nobody\n"
                                "staff:x:50:daemon\n"
                                "nogroup:x:65534:\n";

struct resolved
{
  struct skiff_exec_user u;
  struct skiff_error *err;
  int r;
};

static struct resolved
resolve_with (const char *spec, char *const *extra, bool with_files)
{
  _cleanup_free_ char *pw = with_files ? tmpfile_with ("passwd", passwd_text, 0644)
                                       : skiff_path_join (tmpdir, "no-passwd");
  _cleanup_free_ char *gr = with_files ? tmpfile_with ("group", group_text, 0644)
                                       : skiff_path_join (tmpdir, "no-group");
  struct resolved res = { 0 };
  res.r = skiff_user_resolve (spec, extra, pw, gr, &res.u, &res.err);
  return res;
}

static struct resolved
resolve (const char *spec, bool with_files)
{
  return resolve_with (spec, NULL, with_files);
}

static void
check_user (const char *spec, uid_t uid, gid_t gid, const char *groups, const char *home)
{
  struct resolved res = resolve (spec, true);
  ck_assert_msg (res.r == 0, "%s: %s", spec, res.err ? res.err->msg : "?");
  ck_assert_uint_eq (res.u.uid, uid);
  ck_assert_uint_eq (res.u.gid, gid);
  char buf[256] = "";
  for (size_t i = 0; i < res.u.ngroups; i++)
    snprintf (buf + strlen (buf), sizeof buf - strlen (buf), "%s%u", i ? "," : "",
              (unsigned)res.u.groups[i]);
  ck_assert_str_eq (buf, groups);
  ck_assert_str_eq (res.u.home, home);
  skiff_exec_user_clear (&res.u);
}

START_TEST (user_names_and_numbers)
{
  check_user (NULL, 0, 0, "0,10", "/root");
  check_user ("", 0, 0, "0,10", "/root");
  check_user ("root", 0, 0, "0,10", "/root");
  check_user ("nobody", 65534, 65534, "65534,1,10", "/nonexistent");
  check_user ("65534", 65534, 65534, "65534,1,10", "/nonexistent");
  check_user ("daemon", 1, 1, "1,50", "/usr/sbin");
  /* numeric uid without an entry: as is, gid 0, home / */
  check_user ("1234", 1234, 0, "0", "/");
  /* explicit group: primary gid, no supplementary groups */
  check_user ("nobody:wheel", 65534, 10, "10", "/nonexistent");
  check_user ("nobody:4321", 65534, 4321, "4321", "/nonexistent");
  check_user ("1234:staff", 1234, 50, "50", "/");
  check_user ("0:10", 0, 10, "10", "/root");
  check_user ("nohome", 70, 70, "70", "/");
}
END_TEST

static void
check_error (const char *spec, bool with_files, const char *msg)
{
  struct resolved res = resolve (spec, with_files);
  ck_assert_int_lt (res.r, 0);
  ck_assert_ptr_nonnull (res.err);
  ck_assert_str_eq (res.err->msg, msg);
  ck_assert_ptr_null (res.u.groups);
  skiff_error_free (res.err);
}

START_TEST (user_errors)
{
  check_error ("bob", true, "unable to find user bob: no matching entries in passwd file");
  check_error ("nobody:nosuch", true,
               "unable to find group nosuch: no matching entries in group file");
  check_error ("-1", true, "uids and gids must be in range 0-2147483647");
  check_error ("2147483648", true, "uids and gids must be in range 0-2147483647");
  check_error ("0:-5", true, "uids and gids must be in range 0-2147483647");
  check_error ("bob", false, "unable to find user bob: no matching entries in passwd file");
  check_error ("1:grp", false, "unable to find group grp: no matching entries in group file");
}
END_TEST

START_TEST (user_missing_files_numeric)
{
  struct resolved res = resolve ("100:200", false);
  ck_assert_int_eq (res.r, 0);
  ck_assert_uint_eq (res.u.uid, 100);
  ck_assert_uint_eq (res.u.gid, 200);
  ck_assert_uint_eq (res.u.ngroups, 1);
  ck_assert_str_eq (res.u.home, "/");
  skiff_exec_user_clear (&res.u);
  res = resolve (NULL, false);
  ck_assert_int_eq (res.r, 0);
  ck_assert_uint_eq (res.u.uid, 0);
  ck_assert_uint_eq (res.u.gid, 0);
  skiff_exec_user_clear (&res.u);
}
END_TEST

START_TEST (user_group_add)
{
  char *extra[] = { "staff", "4000", "10", NULL };
  struct resolved res = resolve_with ("nobody:nogroup", extra, true);
  ck_assert_int_eq (res.r, 0);
  ck_assert_uint_eq (res.u.ngroups, 4);
  ck_assert_uint_eq (res.u.groups[0], 65534);
  ck_assert_uint_eq (res.u.groups[1], 50);
  ck_assert_uint_eq (res.u.groups[2], 4000);
  ck_assert_uint_eq (res.u.groups[3], 10);
  skiff_exec_user_clear (&res.u);

  char *bad[] = { "nosuch", NULL };
  res = resolve_with ("root", bad, true);
  ck_assert_int_lt (res.r, 0);
  ck_assert_str_eq (res.err->msg, "Unable to find group nosuch: no matching entries in group file");
  ck_assert_ptr_null (res.u.groups);
  skiff_error_free (res.err);

  /* numbers need no group file */
  char *num[] = { "7", NULL };
  res = resolve_with ("5", num, false);
  ck_assert_int_eq (res.r, 0);
  ck_assert_uint_eq (res.u.ngroups, 2);
  ck_assert_uint_eq (res.u.groups[1], 7);
  skiff_exec_user_clear (&res.u);
}
END_TEST

START_TEST (user_mapped_ids)
{
  struct skiff_exec_user u = { .uid = 1005, .gid = 1005 };
  struct skiff_error *err = NULL;
  /* a single-ID map: only 0 exists, and the message says so */
  ck_assert_int_lt (skiff_user_check_mapped (&u, 1, 1, &err), 0);
  ck_assert_ptr_nonnull (strstr (err->msg, "uid 1005 is not mapped"));
  ck_assert_ptr_nonnull (strstr (err->msg, "only ID 0 exists inside"));
  skiff_error_free (err);
  err = NULL;
  u.uid = 0;
  ck_assert_int_lt (skiff_user_check_mapped (&u, 1, 1, &err), 0);
  ck_assert_ptr_nonnull (strstr (err->msg, "gid 1005 is not mapped"));
  skiff_error_free (err);
  err = NULL;
  /* a range: IDs below the count are fine, the first past it is not */
  u.uid = 65536;
  u.gid = 0;
  ck_assert_int_eq (skiff_user_check_mapped (&u, 65537, 65537, &err), 0);
  u.uid = 65537;
  ck_assert_int_lt (skiff_user_check_mapped (&u, 65537, 65537, &err), 0);
  ck_assert_str_eq (err->msg, "uid 65537 is not mapped: the user namespace maps IDs 0-65536 only "
                              "(see /etc/subuid and /etc/subgid)");
  skiff_error_free (err);
  err = NULL;
  u.uid = 0;
  ck_assert_int_eq (skiff_user_check_mapped (&u, 1, 1, &err), 0);
  ck_assert_ptr_null (err);
}
END_TEST

START_TEST (path_lookup)
{
  _cleanup_free_ char *a = skiff_path_join (tmpdir, "a");
  _cleanup_free_ char *b = skiff_path_join (tmpdir, "b");
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_fs_mkdir_p (a, 0755, &err), 0);
  ck_assert_int_eq (skiff_fs_mkdir_p (b, 0755, &err), 0);
  free (tmpfile_with ("a/noexec", "x", 0644));
  free (tmpfile_with ("b/noexec", "x", 0755));
  free (tmpfile_with ("b/tool", "x", 0755));
  _cleanup_free_ char *sub = skiff_path_join (tmpdir, "a/dir");
  ck_assert_int_eq (skiff_fs_mkdir_p (sub, 0755, &err), 0);
  _cleanup_free_ char *path = xasprintf ("%s:%s", a, b);

  _cleanup_free_ char *tool = skiff_exec_lookup ("tool", path);
  _cleanup_free_ char *want_tool = skiff_path_join (b, "tool");
  ck_assert_str_eq (tool, want_tool);
  /* not executable in a: skipped, b's is found */
  _cleanup_free_ char *noexec = skiff_exec_lookup ("noexec", path);
  _cleanup_free_ char *want_noexec = skiff_path_join (b, "noexec");
  ck_assert_str_eq (noexec, want_noexec);
  /* directories are never commands */
  ck_assert_ptr_null (skiff_exec_lookup ("dir", path));
  ck_assert_ptr_null (skiff_exec_lookup ("nosuch", path));
  ck_assert_ptr_null (skiff_exec_lookup ("", path));
  /* a slash means no lookup */
  _cleanup_free_ char *abs = skiff_exec_lookup ("/no/such", path);
  ck_assert_str_eq (abs, "/no/such");
}
END_TEST

START_TEST (env_path_default)
{
  char *env1[] = { "A=1", "PATH=/x:/y", NULL };
  char *env2[] = { "PATHX=1", NULL };
  ck_assert_str_eq (skiff_env_path (env1), "/x:/y");
  ck_assert_str_eq (skiff_env_path (env2),
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  ck_assert_str_eq (skiff_env_path (NULL),
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}
END_TEST

static void
check_exec_error (const char *cmd, int e, int code, const char *msg)
{
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_exec_error (&err, cmd, e), 0);
  ck_assert_int_eq (err->exit_code, code);
  ck_assert_str_eq (err->msg, msg);
  skiff_error_free (err);
}

START_TEST (exec_errors)
{
  check_exec_error ("nosuch", 0, 127, "exec: \"nosuch\": executable file not found in $PATH");
  check_exec_error ("/no/such/command", ENOENT, 127,
                    "exec: \"/no/such/command\": /no/such/command: no such file or directory");
  check_exec_error ("/etc", EACCES, 126, "exec: \"/etc\": permission denied");
  check_exec_error ("/x", ENOEXEC, 126, "exec: \"/x\": exec format error");
}
END_TEST

static uint64_t
bit (int c)
{
  return (uint64_t)1 << c;
}

START_TEST (caps_tweaks)
{
  struct skiff_error *err = NULL;
  uint64_t set = 0;
  ck_assert_int_eq (skiff_caps_compute (NULL, NULL, false, &set, &err), 0);
  ck_assert_uint_eq (set, 0xa80425fbULL); /* docker's default bounding set */
  char *add[] = { " sys_admin ", "CAP_NET_ADMIN", NULL };
  char *drop[] = { "chown", "net_admin", NULL };
  ck_assert_int_eq (skiff_caps_compute (add, drop, false, &set, &err), 0);
  /* default - chown + sys_admin + net_admin (a cap in both lists is added) */
  ck_assert_uint_eq (set, (0xa80425fbULL & ~bit (0)) | bit (21) | bit (12));
  char *all[] = { "ALL", NULL };
  ck_assert_int_eq (skiff_caps_compute (all, drop, false, &set, &err), 0);
  ck_assert_uint_eq (set, skiff_caps_all () & ~(bit (0) | bit (12)));
  char *kill_only[] = { "kill", NULL };
  ck_assert_int_eq (skiff_caps_compute (kill_only, all, false, &set, &err), 0);
  ck_assert_uint_eq (set, bit (5));
  ck_assert_int_eq (skiff_caps_compute (NULL, NULL, true, &set, &err), 0);
  ck_assert_uint_eq (set, skiff_caps_all ());
  char *bad[] = { "foo", NULL };
  ck_assert_int_lt (skiff_caps_compute (bad, NULL, false, &set, &err), 0);
  ck_assert_str_eq (err->msg, "unknown capability: \"CAP_FOO\"");
  skiff_error_free (err);
}
END_TEST

START_TEST (exit_codes)
{
  ck_assert_int_eq (skiff_sandbox_exit_code (0), 0);
  ck_assert_int_eq (skiff_sandbox_exit_code (32 << 8), 32);
  ck_assert_int_eq (skiff_sandbox_exit_code (SIGKILL), 137);
  ck_assert_int_eq (skiff_sandbox_exit_code (SIGTERM), 143);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("sandbox");
  TCase *tc = tcase_create ("core");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, subid_all_matching_lines);
  tcase_add_test (tc, subid_none_and_missing_file);
  tcase_add_test (tc, user_names_and_numbers);
  tcase_add_test (tc, user_errors);
  tcase_add_test (tc, user_missing_files_numeric);
  tcase_add_test (tc, user_group_add);
  tcase_add_test (tc, user_mapped_ids);
  tcase_add_test (tc, path_lookup);
  tcase_add_test (tc, env_path_default);
  tcase_add_test (tc, exec_errors);
  tcase_add_test (tc, caps_tweaks);
  tcase_add_test (tc, exit_codes);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
