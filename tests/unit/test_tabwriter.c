#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/tabwriter.h"

static void
check (const char *in, struct skiff_tabwriter_opts o, const char *want)
{
  _cleanup_free_ char *got = skiff_tabwriter_format (in, strlen (in), &o);
  ck_assert_msg (strcmp (got, want) == 0, "input [%s]: got [%s], want [%s]", in, got, want);
}

START_TEST (docker_table)
{
  check ("CONTAINER ID\tIMAGE\tCOMMAND\n"
         "abc\tbusybox\t\"sh\"\n",
         SKIFF_TABWRITER_DOCKER,
         "CONTAINER ID   IMAGE     COMMAND\n"
         "abc            busybox   \"sh\"\n");
  /* minwidth 10 includes the padding; a 7-char cell + 3 = 10 */
  check ("DRIVER\tVOLUME NAME\nlocal\tdata\n", SKIFF_TABWRITER_DOCKER,
         "DRIVER    VOLUME NAME\nlocal     data\n");
}
END_TEST

START_TEST (column_blocks)
{
  /* the second line has fewer cells, so column 1 of lines 1 and 3 are separate blocks */
  check ("a\tb\tc\n"
         "dd\te\n"
         "f\tgggggggggggg\th\n",
         SKIFF_TABWRITER_DOCKER,
         "a         b         c\n"
         "dd        e\n"
         "f         gggggggggggg   h\n");
  /* a line without tabs ends every block */
  check ("x\ty\nnocells\nlonger text\tz\n", SKIFF_TABWRITER_DOCKER,
         "x         y\nnocells\nlonger text   z\n");
}
END_TEST

START_TEST (edge_cases)
{
  check ("", SKIFF_TABWRITER_DOCKER, "");
  check ("a\tb", SKIFF_TABWRITER_DOCKER, "a         b");
  check ("\tx\n", SKIFF_TABWRITER_DOCKER, "          x\n");
  check ("a\tb\t\n", SKIFF_TABWRITER_DOCKER, "a         b         \n");
  /* width counts runes, not bytes */
  check ("\xc3\xa9\tx\nab\ty\n", SKIFF_TABWRITER_DOCKER, "\xc3\xa9         x\nab        y\n");
  check ("plain\n\n", SKIFF_TABWRITER_DOCKER, "plain\n\n");
}
END_TEST

START_TEST (other_settings)
{
  check ("NAME\tID\naveryveryverylongname\t1\n", SKIFF_TABWRITER_PODMAN,
         "NAME                   ID\naveryveryverylongname  1\n");
  struct skiff_tabwriter_opts tabs = { 0, 8, 1, '\t' };
  check ("a\tb\nabcdefghij\tc\n", tabs, "a\t\tb\nabcdefghij\tc\n");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("tabwriter");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, docker_table);
  tcase_add_test (tc, column_blocks);
  tcase_add_test (tc, edge_cases);
  tcase_add_test (tc, other_settings);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
