#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/detach_keys.h"
#include "skiff/error.h"

static void
parse_ok (const char *text, const char *want, size_t want_len)
{
  struct skiff_detach_keys k;
  struct skiff_error *err = NULL;
  ck_assert_msg (skiff_detach_keys_parse (text, &k, &err) == 0, "%s: %s", text,
                 err ? err->msg : "");
  ck_assert_uint_eq (k.len, want_len);
  ck_assert (want_len == 0 || memcmp (k.seq, want, want_len) == 0);
  skiff_detach_keys_free (&k);
}

static void
parse_bad (const char *text, const char *msg)
{
  struct skiff_detach_keys k;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_detach_keys_parse (text, &k, &err), 0);
  ck_assert_str_eq (err->msg, msg);
  ck_assert_ptr_null (k.seq);
  skiff_error_free (err);
}

START_TEST (parse_keys)
{
  parse_ok (SKIFF_DETACH_KEYS_DEFAULT, "\x10\x11", 2);
  parse_ok ("ctrl-a", "\x01", 1);
  parse_ok ("ctrl-@", "\0", 1);
  parse_ok ("ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_", "\x1b\x1c\x1d\x1e\x1f", 5);
  parse_ok ("ctrl-z,DEL", "\x1a\x7f", 2);
  parse_ok ("a,b", "ab", 2);
}
END_TEST

START_TEST (parse_errors)
{
  parse_bad ("ctrl-P", "invalid detach keys (ctrl-P): Unknown character: 'ctrl-P'");
  parse_bad ("ctrl-p,foo", "invalid detach keys (ctrl-p,foo): Unknown character: 'foo'");
  parse_bad ("del", "invalid detach keys (del): Unknown character: 'del'");
  parse_bad ("ctrl-p,", "invalid detach keys (ctrl-p,): Unknown character: ''");
  parse_ok ("", "", 0);
}
END_TEST

/* Feeds chunks, returns the forwarded text; *detached says whether the sequence matched. */
static char *
run (const char *keys, const char *const *chunks, bool *detached)
{
  struct skiff_detach_keys k;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_detach_keys_parse (keys, &k, &err), 0);
  char *all = calloc (1, 256);
  size_t used = 0;
  *detached = false;
  for (size_t i = 0; chunks[i] && !*detached; i++)
    {
      char out[64];
      size_t n;
      *detached = skiff_detach_keys_feed (&k, chunks[i], strlen (chunks[i]), out, &n);
      memcpy (all + used, out, n);
      used += n;
    }
  if (!*detached)
    used += skiff_detach_keys_flush (&k, all + used);
  skiff_detach_keys_free (&k);
  return all;
}

START_TEST (match_stream)
{
  bool det;
  char *o;
  o = run ("ctrl-p,ctrl-q", (const char *[]){ "ab\x10\x11zz", NULL }, &det);
  ck_assert (det);
  ck_assert_str_eq (o, "ab");
  free (o);
  /* split across reads */
  o = run ("ctrl-p,ctrl-q", (const char *[]){ "ab\x10", "\x11", NULL }, &det);
  ck_assert (det);
  ck_assert_str_eq (o, "ab");
  free (o);
  /* failed partial match: the held byte is forwarded with what broke it */
  o = run ("ctrl-p,ctrl-q", (const char *[]){ "a\x10", "x\x10y", NULL }, &det);
  ck_assert (!det);
  ck_assert_str_eq (o, "a\x10x\x10y");
  free (o);
  /* ctrl-p ctrl-p ctrl-q: the second ctrl-p restarts the match */
  o = run ("ctrl-p,ctrl-q", (const char *[]){ "\x10\x10", "\x11", NULL }, &det);
  ck_assert (det);
  ck_assert_str_eq (o, "\x10");
  free (o);
  /* overlapping prefix: keys "aab", input "aaab" */
  o = run ("a,a,b", (const char *[]){ "a", "a", "a", "b", NULL }, &det);
  ck_assert (det);
  ck_assert_str_eq (o, "a");
  free (o);
  /* held bytes at EOF are flushed */
  o = run ("ctrl-p,ctrl-q", (const char *[]){ "x\x10", NULL }, &det);
  ck_assert (!det);
  ck_assert_str_eq (o, "x\x10");
  free (o);
  /* disabled: everything passes */
  o = run ("", (const char *[]){ "\x10\x11", NULL }, &det);
  ck_assert (!det);
  ck_assert_str_eq (o, "\x10\x11");
  free (o);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("detach_keys");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, parse_keys);
  tcase_add_test (tc, parse_errors);
  tcase_add_test (tc, match_stream);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
