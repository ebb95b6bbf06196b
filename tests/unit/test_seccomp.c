/* Seccomp profiles: the JSON parser's acceptance and its errors (file and key named), the
 * includes/excludes rules, kernel versions, the default table's shape, and that both compile
 * (libseccomp, in memory: nothing is loaded). */
#include <check.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/error.h"
#include "skiff/fs.h"

static char *
parse_error (const char *text)
{
  struct skiff_seccomp_profile *p = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_seccomp_profile_parse (text, "p.json", &p, &err), 0);
  ck_assert_ptr_null (p);
  ck_assert_ptr_nonnull (err);
  char *msg = strdup (err->msg);
  skiff_error_free (err);
  return msg;
}

#define ASSERT_ERROR(text, expected)                                                               \
  do                                                                                               \
    {                                                                                              \
      char *m_ = parse_error (text);                                                               \
      ck_assert_str_eq (m_, expected);                                                             \
      free (m_);                                                                                   \
    }                                                                                              \
  while (0)

START_TEST (profile_parses)
{
  const char *text
      = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
        "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":"
        "[\"SCMP_ARCH_X86\"]}],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
        "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"name\":\"personality\",\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
        "\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]},"
        "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":"
        "[\"CAP_SYS_ADMIN\"],\"minKernel\":\"4.8\"},\"excludes\":{\"arches\":[\"s390x\"]}}]}";
  struct skiff_seccomp_profile *p = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_seccomp_profile_parse (text, "p.json", &p, &err), 0);
  ck_assert_int_eq (p->default_action, SKIFF_SCMP_ERRNO);
  ck_assert_int_eq (p->default_errno, 38);
  ck_assert_int_eq (p->narchmap, 1);
  ck_assert_str_eq (p->archmap[0].sub[0], "SCMP_ARCH_X86");
  ck_assert_int_eq (p->nrules, 3);
  ck_assert_str_eq (p->rules[0].names[1], "write");
  ck_assert_str_eq (p->rules[1].names[0], "personality");
  ck_assert_uint_eq (p->rules[1].args[0].value, UINT64_MAX);
  ck_assert_uint_eq (p->rules[2].includes.caps, (uint64_t)1 << CAP_SYS_ADMIN);
  ck_assert_uint_eq (p->rules[2].includes.min_kernel, 4 << 16 | 8);
  ck_assert_str_eq (p->rules[2].excludes.arches[0], "s390x");
  struct skiff_seccomp_bpf bpf;
  ck_assert_int_eq (skiff_seccomp_compile (p, 0, &bpf, &err), 0);
  ck_assert_int_gt (bpf.len, 0);
  skiff_seccomp_bpf_clear (&bpf);
  skiff_seccomp_profile_free (p);
}
END_TEST

START_TEST (profile_errors)
{
  ASSERT_ERROR ("{\"syscalls\":[]}", "seccomp profile p.json: \"defaultAction\": missing");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_NOPE\"}",
                "seccomp profile p.json: \"defaultAction\": unknown action SCMP_ACT_NOPE");
  ASSERT_ERROR ("{\"defaultAction\":5}",
                "seccomp profile p.json: \"defaultAction\": must be a string");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\","
                "\"nosuchcall\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                "seccomp profile p.json: \"syscalls[0].names[1]\": unknown syscall nosuchcall");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,"
                "\"op\":\"SCMP_CMP_EQ\"}]}]}",
                "seccomp profile p.json: \"syscalls[0].args[0].index\": must be an unsigned "
                "integer");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_XX\"}]}]}",
                "seccomp profile p.json: \"syscalls[0].args[0].op\": unknown operator SCMP_CMP_XX");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"read\","
                "\"names\":[\"write\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                "seccomp profile p.json: \"syscalls[0]\": \"name\" and \"names\" together");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\"],"
                "\"archMap\":[]}",
                "seccomp profile p.json: \"archMap\": \"architectures\" and \"archMap\" together");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
                "seccomp profile p.json: \"architectures\": unknown architecture SCMP_ARCH_VAX");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                "\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"caps\":[\"CAP_NOPE\"]}}]}",
                "seccomp profile p.json: \"syscalls[0].includes.caps\": unknown capability "
                "CAP_NOPE");
  ASSERT_ERROR ("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}",
                "seccomp profile p.json: \"defaultAction\": SCMP_ACT_NOTIFY is not supported by "
                "skiff");
  ASSERT_ERROR ("[1]", "seccomp profile p.json: \"\": the profile must be a JSON object");
  char *m = parse_error ("{\"defaultAction\":");
  ck_assert_msg (strstr (m, "seccomp profile p.json") != NULL, "%s", m);
  free (m);
}
END_TEST

START_TEST (rule_conditions)
{
  const char *const s390[] = { "s390", "s390x", NULL };
  struct skiff_seccomp_rule r = { 0 };
  ck_assert (skiff_seccomp_rule_applies (&r, "amd64", 0, 0));
  r.includes.caps = (uint64_t)1 << CAP_SYS_ADMIN;
  ck_assert (!skiff_seccomp_rule_applies (&r, "amd64", 0, 6 << 16));
  ck_assert (skiff_seccomp_rule_applies (&r, "amd64", ~(uint64_t)0, 6 << 16));
  r = (struct skiff_seccomp_rule){ .excludes.caps = (uint64_t)1 << CAP_SYS_ADMIN };
  ck_assert (skiff_seccomp_rule_applies (&r, "amd64", 1, 0));
  ck_assert (!skiff_seccomp_rule_applies (&r, "amd64", (uint64_t)1 << CAP_SYS_ADMIN, 0));
  r = (struct skiff_seccomp_rule){ .includes.arches = s390 };
  ck_assert (!skiff_seccomp_rule_applies (&r, "amd64", 0, 0));
  ck_assert (skiff_seccomp_rule_applies (&r, "s390x", 0, 0));
  r = (struct skiff_seccomp_rule){ .excludes.arches = s390 };
  ck_assert (skiff_seccomp_rule_applies (&r, "amd64", 0, 0));
  r = (struct skiff_seccomp_rule){ .includes.min_kernel = 4 << 16 | 8 };
  ck_assert (!skiff_seccomp_rule_applies (&r, "amd64", 0, 4 << 16 | 7));
  ck_assert (skiff_seccomp_rule_applies (&r, "amd64", 0, 4 << 16 | 8));
  unsigned k;
  ck_assert_int_eq (skiff_seccomp_parse_kernel ("6.18.0-1-amd64", &k), 0);
  ck_assert_uint_eq (k, 6 << 16 | 18);
  ck_assert_int_lt (skiff_seccomp_parse_kernel ("6", &k), 0);
  ck_assert_int_lt (skiff_seccomp_parse_kernel ("4.8x", &k), 0);
}
END_TEST

/* docker's list: 361 unconditional names, none of the calls the escape tests rely on */
START_TEST (default_profile)
{
  const struct skiff_seccomp_profile *p = &skiff_seccomp_default_profile;
  size_t n = 0;
  for (; p->rules[0].names[n] != NULL; n++)
    {
      static const char *const denied[]
          = { "keyctl",     "add_key",         "request_key", "unshare", "mount",  "reboot",
              "kexec_load", "perf_event_open", "personality", "clone",   "clone3", "setns",
              "bpf" };
      for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        ck_assert_str_ne (p->rules[0].names[n], denied[i]);
    }
  ck_assert_uint_eq (n, 361);
  ck_assert_int_eq (p->default_action, SKIFF_SCMP_ERRNO);
  ck_assert_int_eq (p->default_errno, 1);
  struct skiff_seccomp_bpf a, b;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_seccomp_compile (p, 0xa80425fb, &a, &err), 0);
  ck_assert_int_eq (skiff_seccomp_compile (p, (uint64_t)1 << CAP_SYS_ADMIN | 0xa80425fb, &b, &err),
                    0);
  /* CAP_SYS_ADMIN unlocks rules: a different program */
  ck_assert (a.len != b.len || memcmp (a.insns, b.insns, a.len * sizeof (struct sock_filter)) != 0);
  skiff_seccomp_bpf_clear (&a);
  skiff_seccomp_bpf_clear (&b);
}
END_TEST

START_TEST (cache_round_trip)
{
  char dir[] = "/tmp/skiff-seccomp-test-XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  struct skiff_seccomp_bpf a, b, c;
  struct skiff_error *err = NULL;
  const struct skiff_seccomp_profile *p = &skiff_seccomp_default_profile;
  ck_assert_int_eq (skiff_seccomp_compile (p, 0xa80425fb, &a, &err), 0);
  ck_assert_int_eq (skiff_seccomp_compile_cached (p, 0xa80425fb, dir, &b, &err), 0);
  ck_assert_int_eq (skiff_seccomp_compile_cached (p, 0xa80425fb, dir, &c, &err), 0);
  ck_assert_int_eq (a.len, c.len);
  ck_assert_int_eq (memcmp (a.insns, c.insns, a.len * sizeof (struct sock_filter)), 0);
  skiff_seccomp_bpf_clear (&a);
  skiff_seccomp_bpf_clear (&b);
  skiff_seccomp_bpf_clear (&c);
  ck_assert_int_eq (skiff_fs_rm_rf (dir, &err), 0);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("seccomp");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, profile_parses);
  tcase_add_test (tc, profile_errors);
  tcase_add_test (tc, rule_conditions);
  tcase_add_test (tc, default_profile);
  tcase_add_test (tc, cache_round_trip);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
