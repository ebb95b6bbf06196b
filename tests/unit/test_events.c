#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"
#include "skiff/events.h"

static const char *record
    = "{\"Status\":\"die\",\"ID\":\"abcdef0123\",\"From\":\"busybox\",\"Type\":\"container\","
      "\"Action\":\"die\",\"Actor\":{\"ID\":\"abcdef0123\",\"Attributes\":{\"image\":\"busybox\","
      "\"name\":\"web\",\"exitCode\":\"3\",\"tier\":\"front\"}},\"Scope\":\"local\","
      "\"Time\":100,\"TimeNano\":100000000500}";

static bool
match (char *const *filters)
{
  yajl_val rec = yajl_tree_parse (record, NULL, 0);
  ck_assert_ptr_nonnull (rec);
  struct skiff_events_query q = { .filters = filters };
  bool m = skiff_events_match (rec, &q);
  yajl_tree_free (rec);
  return m;
}

START_TEST (filters)
{
  ck_assert (match (NULL));
  ck_assert (match ((char *[]){ "type=container", NULL }));
  ck_assert (!match ((char *[]){ "type=image", NULL }));
  ck_assert (match ((char *[]){ "container=web", NULL }));
  ck_assert (match ((char *[]){ "container=abc", NULL }));              /* an ID prefix */
  ck_assert (!match ((char *[]){ "container=we", NULL }));              /* not a name prefix */
  ck_assert (match ((char *[]){ "event=start", "event=die", NULL }));   /* ORed */
  ck_assert (!match ((char *[]){ "event=die", "container=db", NULL })); /* ANDed */
  ck_assert (match ((char *[]){ "image=busybox", NULL }));
  ck_assert (match ((char *[]){ "label=tier", NULL }));
  ck_assert (match ((char *[]){ "label=tier=front", NULL }));
  ck_assert (!match ((char *[]){ "label=tier=back", NULL }));
}
END_TEST

START_TEST (time_bounds)
{
  yajl_val rec = yajl_tree_parse (record, NULL, 0);
  struct skiff_events_query q = { .has_since = true, .since = { 100, 500 } };
  ck_assert (skiff_events_match (rec, &q)); /* inclusive */
  q.since.tv_nsec = 501;
  ck_assert (!skiff_events_match (rec, &q));
  q = (struct skiff_events_query){ .has_until = true, .until = { 100, 499 } };
  ck_assert (!skiff_events_match (rec, &q));
  q.until.tv_sec = 101;
  ck_assert (skiff_events_match (rec, &q));
  yajl_tree_free (rec);
  /* a damaged record matches nothing */
  rec = yajl_tree_parse ("{\"Type\":\"container\"}", NULL, 0);
  ck_assert (!skiff_events_match (rec, &q));
  yajl_tree_free (rec);
}
END_TEST

START_TEST (filter_check)
{
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_events_check_filters ((char *[]){ "event=die", "label=a=b", NULL }, &err),
                    0);
  ck_assert_int_lt (skiff_events_check_filters ((char *[]){ "colour=red", NULL }, &err), 0);
  ck_assert_str_eq (err->msg, "invalid filter 'colour'");
  ck_assert_int_eq (err->exit_code, 1);
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_events_check_filters ((char *[]){ "event", NULL }, &err), 0);
  ck_assert_str_eq (err->msg, "bad format of filter (expected name=value)");
  skiff_error_free (err);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("events");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, filters);
  tcase_add_test (tc, time_bounds);
  tcase_add_test (tc, filter_check);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
