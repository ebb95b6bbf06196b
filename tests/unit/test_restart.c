#include <check.h>
#include <stdlib.h>

#include "skiff/error.h"
#include "skiff/restart.h"

static void
parse_ok (const char *text, enum skiff_restart_mode mode, int max)
{
  struct skiff_restart_policy p = { SKIFF_RESTART_ALWAYS, 99 };
  struct skiff_error *err = NULL;
  ck_assert_msg (skiff_restart_policy_parse (text, &p, &err) == 0, "%s: %s", text,
                 err ? err->msg : "");
  ck_assert_int_eq (p.mode, mode);
  ck_assert_int_eq (p.max_retries, max);
}

static void
parse_bad (const char *text, const char *msg)
{
  struct skiff_restart_policy p;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_restart_policy_parse (text, &p, &err), 0);
  ck_assert_str_eq (err->msg, msg);
  skiff_error_free (err);
}

START_TEST (parse_policies)
{
  parse_ok ("no", SKIFF_RESTART_NO, 0);
  parse_ok ("", SKIFF_RESTART_NO, 0);
  parse_ok ("never", SKIFF_RESTART_NO, 0);
  parse_ok ("always", SKIFF_RESTART_ALWAYS, 0);
  parse_ok ("unless-stopped", SKIFF_RESTART_UNLESS_STOPPED, 0);
  parse_ok ("on-failure", SKIFF_RESTART_ON_FAILURE, 0);
  parse_ok ("on-failure:3", SKIFF_RESTART_ON_FAILURE, 3);
  parse_ok ("on-failure:", SKIFF_RESTART_ON_FAILURE, 0);
  parse_ok ("always:0", SKIFF_RESTART_ALWAYS, 0);
  ck_assert_str_eq (skiff_restart_mode_name (SKIFF_RESTART_UNLESS_STOPPED), "unless-stopped");
}
END_TEST

START_TEST (parse_errors)
{
  parse_bad (":3", "invalid restart policy format: no policy provided before colon");
  parse_bad ("on-failure:x",
             "invalid restart policy format: maximum retry count must be an integer");
  parse_bad ("on-failure:1.5",
             "invalid restart policy format: maximum retry count must be an integer");
  parse_bad ("always:2",
             "invalid restart policy: maximum retry count can only be used with 'on-failure'");
  parse_bad ("no:1",
             "invalid restart policy: maximum retry count can only be used with 'on-failure'");
  parse_bad ("unless-stopped:-1", "invalid restart policy: maximum retry count can only be used "
                                  "with 'on-failure' and cannot be negative");
  parse_bad ("on-failure:-1", "invalid restart policy: maximum retry count cannot be negative");
  parse_bad ("sometimes", "invalid restart policy: unknown policy 'sometimes'; use one of 'no', "
                          "'always', 'on-failure', or 'unless-stopped'");
}
END_TEST

START_TEST (rm_conflict)
{
  struct skiff_restart_policy no = { SKIFF_RESTART_NO, 0 }, al = { SKIFF_RESTART_ALWAYS, 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_restart_check_rm (&no, true, &err), 0);
  ck_assert_int_eq (skiff_restart_check_rm (&al, false, &err), 0);
  ck_assert_int_lt (skiff_restart_check_rm (&al, true, &err), 0);
  ck_assert_str_eq (err->msg, "conflicting options: cannot specify both --restart and --rm");
  skiff_error_free (err);
}
END_TEST

/* Crash loop of short runs: 0.1, 0.2, ... 51.2, 60, 60 s. */
START_TEST (backoff_sequence)
{
  struct skiff_restart_policy p = { SKIFF_RESTART_ALWAYS, 0 };
  struct skiff_restart_state st;
  skiff_restart_state_reset (&st);
  const int64_t want[]
      = { 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000 };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    {
      ck_assert (skiff_restart_should (&p, &st, 1, 500));
      ck_assert_int_eq (st.delay_ms, want[i]);
      ck_assert_int_eq (st.restart_count, (int)i + 1);
    }
  /* a run of >= 10 s resets the delay to 100 ms; 9.999 s does not */
  ck_assert (skiff_restart_should (&p, &st, 0, 10000));
  ck_assert_int_eq (st.delay_ms, 100);
  ck_assert (skiff_restart_should (&p, &st, 0, 9999));
  ck_assert_int_eq (st.delay_ms, 200);
}
END_TEST

START_TEST (decide_no)
{
  struct skiff_restart_policy p = { SKIFF_RESTART_NO, 0 };
  struct skiff_restart_state st;
  skiff_restart_state_reset (&st);
  ck_assert (!skiff_restart_should (&p, &st, 1, 0));
  ck_assert_int_eq (st.restart_count, 0);
  ck_assert_int_eq (st.delay_ms, 0);
}
END_TEST

START_TEST (decide_always_and_unless_stopped)
{
  struct skiff_restart_policy al = { SKIFF_RESTART_ALWAYS, 0 };
  struct skiff_restart_policy us = { SKIFF_RESTART_UNLESS_STOPPED, 0 };
  struct skiff_restart_state st;
  skiff_restart_state_reset (&st);
  ck_assert (skiff_restart_should (&al, &st, 0, 0));
  ck_assert (skiff_restart_should (&us, &st, 0, 0));
  st.manually_stopped = true;
  ck_assert (skiff_restart_should (&al, &st, 0, 0)); /* moby: only a cancel stops "always" */
  ck_assert (!skiff_restart_should (&us, &st, 0, 0));
  st.cancelled = true;
  ck_assert (!skiff_restart_should (&al, &st, 0, 0));
  skiff_restart_state_reset (&st);
  ck_assert (!st.cancelled && !st.manually_stopped && st.restart_count == 0);
  ck_assert (skiff_restart_should (&us, &st, 0, 0));
}
END_TEST

START_TEST (decide_on_failure)
{
  struct skiff_restart_policy p = { SKIFF_RESTART_ON_FAILURE, 2 };
  struct skiff_restart_state st;
  skiff_restart_state_reset (&st);
  ck_assert (!skiff_restart_should (&p, &st, 0, 0));
  ck_assert_int_eq (st.delay_ms, 100); /* the delay advanced although no restart */
  ck_assert (skiff_restart_should (&p, &st, 1, 0));
  ck_assert (skiff_restart_should (&p, &st, 137, 0));
  ck_assert_int_eq (st.restart_count, 2);
  ck_assert (!skiff_restart_should (&p, &st, 1, 0)); /* max 2 reached */
  ck_assert_int_eq (st.restart_count, 2);
  struct skiff_restart_policy unl = { SKIFF_RESTART_ON_FAILURE, 0 };
  st.restart_count = 1000;
  ck_assert (skiff_restart_should (&unl, &st, 1, 0));
}
END_TEST

START_TEST (boot_start)
{
  struct skiff_restart_state st;
  skiff_restart_state_reset (&st);
  struct skiff_restart_policy al = { SKIFF_RESTART_ALWAYS, 0 };
  struct skiff_restart_policy us = { SKIFF_RESTART_UNLESS_STOPPED, 0 };
  struct skiff_restart_policy of = { SKIFF_RESTART_ON_FAILURE, 1 };
  struct skiff_restart_policy no = { SKIFF_RESTART_NO, 0 };
  st.manually_stopped = true;
  ck_assert (skiff_restart_on_boot (&al, &st, 0));
  ck_assert (!skiff_restart_on_boot (&us, &st, 0));
  ck_assert (!skiff_restart_on_boot (&no, &st, 1));
  st.manually_stopped = false;
  ck_assert (skiff_restart_on_boot (&us, &st, 0));
  ck_assert (skiff_restart_on_boot (&of, &st, 3));
  ck_assert (!skiff_restart_on_boot (&of, &st, 0));
  st.restart_count = 1;
  ck_assert (!skiff_restart_on_boot (&of, &st, 3));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("restart");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, parse_policies);
  tcase_add_test (tc, parse_errors);
  tcase_add_test (tc, rm_conflict);
  tcase_add_test (tc, backoff_sequence);
  tcase_add_test (tc, decide_no);
  tcase_add_test (tc, decide_always_and_unless_stopped);
  tcase_add_test (tc, decide_on_failure);
  tcase_add_test (tc, boot_start);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
