/* The pure parts of skiff/resources.h: docker's value syntax of the resource flags, the
 * record's JSON round trip, and the checks that need no host state. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "skiff/error.h"
#include "skiff/resources.h"
#include "skiff/strv.h"

static void
bytes_ok (const char *text, int64_t want)
{
  int64_t v = -7;
  struct skiff_error *err = NULL;
  ck_assert_msg (skiff_resources_parse_bytes (text, &v, &err) == 0, "%s: %s", text,
                 err ? err->msg : "");
  ck_assert_msg (v == want, "%s: %lld, want %lld", text, (long long)v, (long long)want);
}

static void
bytes_bad (const char *text)
{
  int64_t v = 0;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_resources_parse_bytes (text, &v, &err), 0);
  char want[128];
  snprintf (want, sizeof want, "invalid size: '%s'", text);
  ck_assert_str_eq (err->msg, want);
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
}

START_TEST (sizes_as_go_units)
{
  bytes_ok ("1024", 1024);
  bytes_ok ("32m", 32 << 20);
  bytes_ok ("32M", 32 << 20);
  bytes_ok ("32mb", 32 << 20);
  bytes_ok ("32MiB", 32 << 20);
  bytes_ok ("1.5g", 3LL << 29);
  bytes_ok ("10 k", 10240);
  bytes_ok ("7b", 7);
  bytes_bad ("");
  bytes_bad ("abc");
  bytes_bad ("-1");
  bytes_bad ("1x");
  bytes_bad ("m");
  bytes_bad ("1.g");
  bytes_bad ("99999999999p");
}
END_TEST

static void
cpus (const char *text, int64_t want, const char *error)
{
  int64_t v = 0;
  struct skiff_error *err = NULL;
  int r = skiff_resources_parse_cpus (text, &v, &err);
  if (error == NULL)
    {
      ck_assert_msg (r == 0, "%s: %s", text, err ? err->msg : "");
      ck_assert_msg (v == want, "%s: %lld", text, (long long)v);
      return;
    }
  ck_assert_int_lt (r, 0);
  ck_assert_str_eq (err->msg, error);
  skiff_error_free (err);
}

START_TEST (cpus_as_rationals)
{
  cpus ("1", 1000000000, NULL);
  cpus ("0.5", 500000000, NULL);
  cpus ("1.25", 1250000000, NULL);
  cpus ("1/4", 250000000, NULL);
  cpus ("-1", -1000000000, NULL); /* the engine refuses it ("Range of CPUs...") */
  cpus ("x", 0, "failed to parse x as a rational number");
  cpus ("", 0, "failed to parse  as a rational number");
  cpus ("1e3", 0, "failed to parse 1e3 as a rational number");
  cpus ("0.0000000001", 0, "value is too precise");
}
END_TEST

static void
ulimit_ok (const char *text, int resource, int64_t soft, int64_t hard)
{
  int res = -1;
  int64_t s = 0, h = 0;
  struct skiff_error *err = NULL;
  ck_assert_msg (skiff_resources_parse_ulimit (text, &res, &s, &h, &err) == 0, "%s: %s", text,
                 err ? err->msg : "");
  ck_assert_int_eq (res, resource);
  ck_assert_int_eq (s, soft);
  ck_assert_int_eq (h, hard);
}

static void
ulimit_bad (const char *text, const char *msg)
{
  int res;
  int64_t s, h;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_resources_parse_ulimit (text, &res, &s, &h, &err), 0);
  ck_assert_str_eq (err->msg, msg);
  skiff_error_free (err);
}

START_TEST (ulimits_as_go_units)
{
  ulimit_ok ("nofile=1024:2048", RLIMIT_NOFILE, 1024, 2048);
  ulimit_ok ("nproc=500", RLIMIT_NPROC, 500, 500);
  ulimit_ok ("core=-1", RLIMIT_CORE, -1, -1);
  ulimit_ok ("stack=10:-1", RLIMIT_STACK, 10, -1);
  ulimit_bad ("nofile", "invalid ulimit argument: nofile");
  ulimit_bad ("files=1", "invalid ulimit type: files");
  ulimit_bad ("nofile=2:1", "ulimit soft limit must be less than or equal to hard limit: 2 > 1");
  ulimit_bad ("nofile=1:2:3",
              "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`");
  ulimit_bad ("nofile=x", "strconv.ParseInt: parsing \"x\": invalid syntax");
  ulimit_bad ("nofile=1:", "strconv.ParseInt: parsing \"\": invalid syntax");
}
END_TEST

START_TEST (cpusets_and_device_rules)
{
  unsigned max;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_resources_parse_cpuset ("0-3,5", &max, &err), 0);
  ck_assert_uint_eq (max, 5);
  ck_assert_int_eq (skiff_resources_parse_cpuset ("1", &max, &err), 0);
  ck_assert_uint_eq (max, 1);
  static const char *const bad_sets[] = { "", "a", "1-", "3-1", "1,", ",1", "1 2" };
  for (size_t i = 0; i < sizeof bad_sets / sizeof bad_sets[0]; i++)
    {
      ck_assert_int_lt (skiff_resources_parse_cpuset (bad_sets[i], &max, &err), 0);
      skiff_error_free (err);
      err = NULL;
    }
  char type, access[4];
  int64_t major, minor;
  ck_assert_int_eq (
      skiff_resources_parse_device_rule ("c 10:229 rwm", &type, &major, &minor, access, &err), 0);
  ck_assert (type == 'c' && major == 10 && minor == 229 && !strcmp (access, "rwm"));
  ck_assert_int_eq (
      skiff_resources_parse_device_rule ("b *:* m", &type, &major, &minor, access, &err), 0);
  ck_assert (type == 'b' && major == -1 && minor == -1 && !strcmp (access, "m"));
  ck_assert_int_eq (skiff_resources_parse_device_rule ("a", &type, &major, &minor, access, &err),
                    0);
  ck_assert (type == 'a');
  static const char *const bad_rules[]
      = { "x 1:2 r", "c 1:2", "c 1:2 rr", "c 1:2 x", "c a:2 r", "c 1: r", "c  1:2 r", "" };
  for (size_t i = 0; i < sizeof bad_rules / sizeof bad_rules[0]; i++)
    {
      ck_assert_int_lt (
          skiff_resources_parse_device_rule (bad_rules[i], &type, &major, &minor, access, &err), 0);
      skiff_error_free (err);
      err = NULL;
    }
}
END_TEST

static void
device (const char *spec, const char *host, const char *ctr, const char *perms)
{
  char *h = NULL, *c = NULL, p[4] = "";
  struct skiff_error *err = NULL;
  int r = skiff_resources_parse_device (spec, &h, &c, p, &err);
  if (host == NULL)
    {
      ck_assert_int_lt (r, 0);
      skiff_error_free (err);
      return;
    }
  ck_assert_msg (r == 0, "%s", spec);
  ck_assert_str_eq (h, host);
  ck_assert_str_eq (c, ctr);
  ck_assert_str_eq (p, perms);
  free (h);
  free (c);
}

START_TEST (device_specs)
{
  device ("/dev/fuse", "/dev/fuse", "/dev/fuse", "rwm");
  device ("/dev/sda:/dev/xvda", "/dev/sda", "/dev/xvda", "rwm");
  device ("/dev/sda:r", "/dev/sda", "/dev/sda", "r");
  device ("/dev/sda:/dev/x:rw", "/dev/sda", "/dev/x", "rw");
  device ("dev/sda", NULL, NULL, NULL);
  device ("/dev/sda:/dev/x:q", NULL, NULL, NULL);
  device ("/dev/sda:x", NULL, NULL, NULL);
  device ("/a:/b:r:w", NULL, NULL, NULL);
}
END_TEST

static void
check_fails (struct skiff_resources *r, const char *msg)
{
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_resources_check (r, &err), 0);
  ck_assert_str_eq (err->msg, msg);
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  memset (r, 0, sizeof *r);
}

START_TEST (checks_as_dockers_daemon)
{
  struct skiff_resources r = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_resources_check (&r, &err), 0);
  r.memory = 1 << 20;
  check_fails (&r, "Minimum memory limit allowed is 6MB");
  r.memory = 64 << 20, r.memory_swap = 32 << 20;
  check_fails (&r, "Minimum memoryswap limit should be larger than memory limit, see usage");
  r.memory_swap = 32 << 20;
  check_fails (&r, "You should always set the Memory limit when using Memoryswap limit, see usage");
  r.memory = 32 << 20, r.memory_reservation = 64 << 20;
  check_fails (&r, "Minimum memory limit can not be less than memory reservation limit, see usage");
  r.shm_size = -1;
  check_fails (&r, "SHM size can not be less than 0");
  char *sysctls[] = { "kernel.domainname=x", NULL };
  r.sysctls = sysctls;
  check_fails (&r, "sysctl 'kernel.domainname=x' is not allowed");
  char *dotted[] = { "net..x=1", NULL };
  r.sysctls = dotted;
  check_fails (&r, "sysctl 'net..x=1' is not allowed");
  char *ipc[] = { "kernel.shmmax=1", NULL };
  r.sysctls = ipc, r.ipc = "host";
  check_fails (&r, "sysctl 'kernel.shmmax' is not allowed with --ipc=host: it would change the "
                   "host's");
  r.pid = "container:";
  check_fails (&r, "--pid: invalid PID mode");
  r.ipc = "shareable", r.uts = "private", r.cgroupns = "container:x", r.pid = "host";
  ck_assert_int_eq (skiff_resources_check (&r, &err), 0);
  r.cgroups = SKIFF_CGROUPS_DISABLED, r.pids_limit = 5, r.pids_limit_set = true;
  check_fails (&r, "cannot set resource limits with --cgroups=disabled: the container gets no "
                   "cgroup");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("resources");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, sizes_as_go_units);
  tcase_add_test (tc, cpus_as_rationals);
  tcase_add_test (tc, ulimits_as_go_units);
  tcase_add_test (tc, cpusets_and_device_rules);
  tcase_add_test (tc, device_specs);
  tcase_add_test (tc, checks_as_dockers_daemon);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
