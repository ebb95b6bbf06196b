#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"
#include "skiff/health.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static void
duration_ok (const char *text, int64_t ns)
{
  int64_t v = -42;
  struct skiff_error *err = NULL;
  ck_assert_msg (skiff_health_parse_duration (text, &v, &err) == 0, "%s: %s", text,
                 err ? err->msg : "");
  ck_assert_msg (v == ns, "%s: %lld, expected %lld", text, (long long)v, (long long)ns);
}

static void
duration_bad (const char *text, const char *msg)
{
  int64_t v;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_health_parse_duration (text, &v, &err), 0);
  ck_assert_str_eq (err->msg, msg);
  skiff_error_free (err);
}

START_TEST (go_durations)
{
  duration_ok ("0", 0);
  duration_ok ("1s", 1000000000);
  duration_ok ("200ms", 200000000);
  duration_ok ("1m30s", 90000000000);
  duration_ok ("1.5h", 5400000000000);
  duration_ok ("3us", 3000);
  duration_ok ("-2s", -2000000000);
  duration_ok (".5s", 500000000);
  duration_bad ("", "time: invalid duration \"\"");
  duration_bad ("5", "time: missing unit in duration \"5\"");
  duration_bad ("1x", "time: unknown unit \"x\" in duration \"1x\"");
  duration_bad ("1e3s", "time: unknown unit \"e\" in duration \"1e3s\"");
  duration_bad ("1..2s", "time: invalid duration \"1..2s\"");
  duration_bad ("s", "time: invalid duration \"s\"");
  duration_bad ("9999999999h", "time: invalid duration \"9999999999h\"");
}
END_TEST

static struct skiff_health_result
result (int code)
{
  return (struct skiff_health_result){
    .start = xstrdup ("s"), .end = xstrdup ("e"), .exit_code = code, .output = xstrdup ("out")
  };
}

/* docker's handleProbeResult: retries failures in a row make it unhealthy, one success
 * healthy; in the start period failures do not count while it is starting */
START_TEST (probe_results)
{
  struct skiff_health_config h = { .retries = 2 };
  struct skiff_health_state st = { 0 };
  struct skiff_health_result r = result (1);
  ck_assert (!skiff_health_state_record (&st, &h, &r, true));
  ck_assert_int_eq (st.failing_streak, 0);
  ck_assert_int_eq (st.status, SKIFF_HEALTH_STARTING);
  r = result (1);
  ck_assert (!skiff_health_state_record (&st, &h, &r, false));
  ck_assert_int_eq (st.failing_streak, 1);
  r = result (0);
  ck_assert (skiff_health_state_record (&st, &h, &r, false));
  ck_assert_int_eq (st.status, SKIFF_HEALTH_HEALTHY);
  ck_assert_int_eq (st.failing_streak, 0);
  /* healthy: the start period no longer shields failures */
  r = result (1);
  ck_assert (!skiff_health_state_record (&st, &h, &r, true));
  r = result (2);
  ck_assert (skiff_health_state_record (&st, &h, &r, false));
  ck_assert_int_eq (st.status, SKIFF_HEALTH_UNHEALTHY);
  ck_assert_int_eq (st.failing_streak, 2);
  for (int i = 0; i < 4; i++)
    {
      r = result (10 + i);
      skiff_health_state_record (&st, &h, &r, false);
    }
  ck_assert_uint_eq (st.n_log, SKIFF_HEALTH_LOG_MAX);
  ck_assert_int_eq (st.log[0].exit_code, 2);
  ck_assert_int_eq (st.log[4].exit_code, 13);
  skiff_health_state_clear (&st);
}
END_TEST

START_TEST (probe_commands)
{
  struct skiff_health_config h = { 0 };
  ck_assert_ptr_null (skiff_health_argv (&h));
  skiff_strv_push (&h.test, "CMD-SHELL");
  skiff_strv_push (&h.test, "exit 3");
  char **argv = skiff_health_argv (&h);
  ck_assert_str_eq (argv[0], "/bin/sh");
  ck_assert_str_eq (argv[1], "-c");
  ck_assert_str_eq (argv[2], "exit 3");
  ck_assert_ptr_null (argv[3]);
  free (argv);
  skiff_health_config_clear (&h);
  skiff_strv_push (&h.test, "CMD");
  skiff_strv_push (&h.test, "true");
  skiff_strv_push (&h.test, "x");
  argv = skiff_health_argv (&h);
  ck_assert_str_eq (argv[0], "true");
  ck_assert_str_eq (argv[1], "x");
  ck_assert_ptr_null (argv[2]);
  free (argv);
  skiff_health_config_clear (&h);
  skiff_strv_push (&h.test, "NONE");
  ck_assert_ptr_null (skiff_health_argv (&h));
  ck_assert_int_eq (skiff_health_interval_ns (&h), SKIFF_HEALTH_DEFAULT_INTERVAL_NS);
  ck_assert_int_eq (skiff_health_retries (&h), 3);
  skiff_health_config_clear (&h);
  ck_assert_int_eq (skiff_health_action_parse ("restart"), SKIFF_HEALTH_ACTION_RESTART);
  ck_assert_int_eq (skiff_health_action_parse ("reboot"), -1);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("health");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, go_durations);
  tcase_add_test (tc, probe_results);
  tcase_add_test (tc, probe_commands);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
