#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/format.h"
#include "skiff/json.h"

static const char *rows_json
    = "[{\"ID\":\"abc\",\"Image\":\"busybox\",\"Names\":\"web\"},"
      "{\"ID\":\"def0123456789\",\"Image\":\"alpine:3\",\"Names\":\"db\"}]";
static const char *header_json
    = "{\"ID\":\"CONTAINER ID\",\"Image\":\"IMAGE\",\"Names\":\"NAMES\"}";
static const char *default_table = "table {{.ID}}\\t{{.Image}}\\t{{.Names}}";

static yajl_val
parse (const char *json)
{
  yajl_val v = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_json_parse (json, "test", &v, &err), 0);
  return v;
}

/* Runs skiff_format_print over rows_json (first nrows rows); returns the output, and the
 * error (message and status) in *err. */
static char *
print_rows (const char *format, size_t nrows, struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val rows = parse (rows_json);
  _cleanup_yajl_val_ yajl_val header = parse (header_json);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  int r = skiff_format_print (f, format, default_table, header, rows->u.array.values, nrows, err);
  fclose (f);
  ck_assert_int_eq (r < 0, *err != NULL);
  return buf;
}

static void
check_print (const char *format, size_t nrows, const char *want)
{
  struct skiff_error *err = NULL;
  _cleanup_free_ char *got = print_rows (format, nrows, &err);
  ck_assert_msg (err == NULL, "format %s: error %s", format, err ? err->msg : "");
  ck_assert_msg (strcmp (got, want) == 0, "format %s: got [%s], want [%s]", format, got, want);
}

static void
check_print_error (const char *format, const char *want_msg)
{
  struct skiff_error *err = NULL;
  _cleanup_free_ char *got = print_rows (format, 2, &err);
  ck_assert_ptr_nonnull (err);
  ck_assert_str_eq (err->msg, want_msg);
  ck_assert_int_eq (err->exit_code, 1);
  ck_assert_str_eq (got, "");
  skiff_error_free (err);
}

static const char *default_out = "CONTAINER ID    IMAGE      NAMES\n"
                                 "abc             busybox    web\n"
                                 "def0123456789   alpine:3   db\n";

START_TEST (tables)
{
  check_print (NULL, 2, default_out);
  check_print ("", 2, default_out);
  check_print ("table", 2, default_out);
  check_print ("table {{.Names}}\\t{{.ID}}", 2,
               "NAMES     CONTAINER ID\nweb       abc\ndb        def0123456789\n");
  /* a real tab works too; header functions leave the header alone */
  check_print ("table {{.Names | upper}}\t{{.Image}}", 1, "NAMES     IMAGE\nWEB       busybox\n");
  check_print (NULL, 0, "CONTAINER ID   IMAGE     NAMES\n");
}
END_TEST

START_TEST (raw_and_json)
{
  check_print ("{{.Names}}", 2, "web\ndb\n");
  check_print ("{{.ID}}\\t{{.Names}}", 2, "abc\tweb\ndef0123456789\tdb\n");
  check_print ("{{.ID}}\\n", 1, "abc\n\n");
  check_print ("{{.Names}}", 0, "");
  check_print ("json", 2,
               "{\"ID\":\"abc\",\"Image\":\"busybox\",\"Names\":\"web\"}\n"
               "{\"ID\":\"def0123456789\",\"Image\":\"alpine:3\",\"Names\":\"db\"}\n");
}
END_TEST

START_TEST (print_errors)
{
  check_print_error ("{{.Nope}}", "template parsing error: template: :1:2: executing \"\" at "
                                  "<.Nope>: map has no entry for key \"Nope\"");
  check_print_error ("table {{.ID", "template parsing error: template: :1: unclosed action");
}
END_TEST

static char *
inspect (const char *format, const char *objs_json, struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val objs = parse (objs_json);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  skiff_format_inspect (f, format, objs->u.array.values, objs->u.array.len, err);
  fclose (f);
  return buf;
}

START_TEST (inspect_json)
{
  struct skiff_error *err = NULL;
  _cleanup_free_ char *out
      = inspect (NULL, "[{\"a\":1,\"b\":[1,2],\"c\":{},\"e\":[]},{\"d\":\"x<y\"}]", &err);
  ck_assert_ptr_null (err);
  ck_assert_str_eq (out, "[\n"
                         "    {\n"
                         "        \"a\": 1,\n"
                         "        \"b\": [\n"
                         "            1,\n"
                         "            2\n"
                         "        ],\n"
                         "        \"c\": {},\n"
                         "        \"e\": []\n"
                         "    },\n"
                         "    {\n"
                         "        \"d\": \"x<y\"\n"
                         "    }\n"
                         "]\n");
  _cleanup_free_ char *empty = inspect ("", "[]", &err);
  ck_assert_ptr_null (err);
  ck_assert_str_eq (empty, "[]\n");
}
END_TEST

START_TEST (inspect_template)
{
  struct skiff_error *err = NULL;
  _cleanup_free_ char *out
      = inspect ("{{.Name}}", "[{\"Name\":\"a\"},{\"Other\":\"b\"},{\"Name\":\"c\"}]", &err);
  /* the objects that work are printed; the failure is reported with status 1 */
  ck_assert_str_eq (out, "a\nc\n");
  ck_assert_ptr_nonnull (err);
  ck_assert_int_eq (err->exit_code, 1);
  ck_assert_str_eq (err->msg, "template parsing error: template: :1:2: executing \"\" at "
                              "<.Name>: map has no entry for key \"Name\"");
  skiff_error_free (err);
  err = NULL;
  _cleanup_free_ char *bad = inspect ("{{.Name", "[{\"Name\":\"a\"}]", &err);
  ck_assert_str_eq (bad, "");
  ck_assert_int_eq (err->exit_code, 64);
  ck_assert_str_eq (err->msg, "template parsing error: template: :1: unclosed action");
  skiff_error_free (err);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("format");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, tables);
  tcase_add_test (tc, raw_and_json);
  tcase_add_test (tc, print_errors);
  tcase_add_test (tc, inspect_json);
  tcase_add_test (tc, inspect_template);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
