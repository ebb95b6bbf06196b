#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/json.h"
#include "skiff/keyindex.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

START_TEST (error_make_and_prefix)
{
  struct skiff_error *err = NULL;
  int r = skiff_error_make (&err, ENOENT, "open %s", "/x");
  ck_assert_int_eq (r, -ENOENT);
  ck_assert_str_eq (err->msg, "open /x: No such file or directory");
  skiff_error_prefix (&err, "load %s", "img");
  ck_assert_str_eq (err->msg, "load img: open /x: No such file or directory");
  skiff_error_free (err);

  /* no errno: a negative value that no errno comparison matches (it used to be -1, -EPERM) */
  err = NULL;
  r = skiff_error_make (&err, 0, "bad name");
  ck_assert_int_lt (r, 0);
  ck_assert_int_ne (r, -EPERM);
  ck_assert_int_eq (r, skiff_error_ret (err));
  ck_assert_int_eq (skiff_error_prefix (&err, "create"), r);
  ck_assert_str_eq (err->msg, "create: bad name");
  skiff_error_free (err);
}
END_TEST

/* A second set of an error is a bug at the call site: debug builds abort, release builds
 * keep the first error (it says what failed first). */
START_TEST (error_set_twice)
{
  struct skiff_error *err = NULL;
  skiff_error_make (&err, ENOENT, "first");
  skiff_error_make (&err, EINVAL, "second");
  ck_assert_str_eq (err->msg, "first: No such file or directory");
  skiff_error_free (err);
}
END_TEST

/* Runs fn with stderr sent to a temp file; returns what it wrote. */
static char *
capture_stderr (void (*fn) (void))
{
  char path[] = "/tmp/skiff-test-stderr.XXXXXX";
  int fd = mkstemp (path);
  ck_assert_int_ge (fd, 0);
  unlink (path);
  fflush (stderr);
  int saved = dup (STDERR_FILENO);
  dup2 (fd, STDERR_FILENO);
  fn ();
  fflush (stderr);
  dup2 (saved, STDERR_FILENO);
  close (saved);
  char *text = xzalloc (4096);
  ck_assert_int_ge (pread (fd, text, 4095, 0), 0);
  close (fd);
  return text;
}

static void
log_drop_calls (void)
{
  skiff_log_set_level (SKIFF_LOG_WARN);
  struct skiff_error *e = NULL;
  skiff_error_make (&e, ENOENT, "rm %s", "/t");
  errno = EBUSY;
  skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  ck_assert_ptr_null (e);
  ck_assert_int_eq (errno, EBUSY);
  skiff_error_make (&e, 0, "bad");
  skiff_error_log_dropf (&e, SKIFF_LOG_WARN, "restart %s", "web");
  ck_assert_ptr_null (e);
  skiff_error_make (&e, 0, "quiet");
  skiff_error_log_drop (&e, SKIFF_LOG_DEBUG); /* below the level: dropped, not printed */
  ck_assert_ptr_null (e);
  skiff_error_log_drop (&e, SKIFF_LOG_ERROR); /* no error: nothing */
  skiff_error_make (&e, 0, "failed");
  skiff_error_log_drop (&e, SKIFF_LOG_ERROR);
}

START_TEST (error_log_drop)
{
  _cleanup_free_ char *text = capture_stderr (log_drop_calls);
  ck_assert_str_eq (text, "skiff: warning: rm /t: No such file or directory\n"
                          "skiff: warning: restart web: bad\n"
                          "Error: failed\n");
}
END_TEST

START_TEST (cleanup_keeps_errno)
{
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  {
    _cleanup_close_ int scoped = fd;
    _cleanup_free_ char *mem = xstrdup ("x");
    char *words[] = { "a", "b", NULL };
    _cleanup_strv_ char **v = skiff_strv_dup (words);
    _cleanup_error_ struct skiff_error *e = NULL;
    skiff_error_make (&e, 0, "x");
    ck_assert (scoped >= 0 && mem && v);
    errno = ENOSPC;
  }
  ck_assert_int_eq (errno, ENOSPC);
  ck_assert_int_lt (fcntl (fd, F_GETFD), 0); /* closed by the cleanup */
}
END_TEST

START_TEST (strv_ops)
{
  _cleanup_strv_ char **v = NULL;
  skiff_strv_push (&v, "a");
  skiff_strv_push (&v, "b");
  ck_assert_uint_eq (skiff_strv_len (v), 2);
  _cleanup_free_ char *j = skiff_strv_join (v, " ");
  ck_assert_str_eq (j, "a b");
  ck_assert (skiff_strv_contains (v, "b"));
  ck_assert (!skiff_strv_contains (v, "c"));
}
END_TEST

START_TEST (fs_atomic_roundtrip)
{
  char dir[] = "/tmp/skiff-test-XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  _cleanup_free_ char *sub = skiff_path_join (dir, "a/b/c");
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_fs_mkdir_p (sub, 0755, &err), 0);
  _cleanup_free_ char *f = skiff_path_join (sub, "f");
  ck_assert_int_eq (skiff_fs_write_atomic (f, "hello", 5, 0644, SKIFF_WRITE_DURABLE, &err), 0);
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  ck_assert_int_eq (skiff_fs_read_file (f, &text, &len, &err), 0);
  ck_assert_uint_eq (len, 5);
  ck_assert_str_eq (text, "hello");
  ck_assert_int_lt (skiff_fs_write_exclusive (f, "x", 1, 0644, &err), 0);
  ck_assert_ptr_nonnull (err);
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_eq (skiff_fs_rm_rf (dir, &err), 0);
  ck_assert (!skiff_fs_exists (dir));
}
END_TEST

START_TEST (path_join)
{
  _cleanup_free_ char *a = skiff_path_join ("/a/", "/b");
  ck_assert_str_eq (a, "/a/b");
  _cleanup_free_ char *b = skiff_path_join ("/", "b");
  ck_assert_str_eq (b, "/b");
}
END_TEST

START_TEST (json_getters)
{
  struct skiff_error *err = NULL;
  _cleanup_yajl_val_ yajl_val v = NULL;
  ck_assert_int_eq (
      skiff_json_parse ("{\"s\":\"x\",\"n\":3,\"a\":[\"p\",\"q\"],\"m\":{\"k\":\"v\"},\"bad\":1}",
                        "t", &v, &err),
      0);
  _cleanup_free_ char *s = NULL;
  ck_assert_int_eq (skiff_json_get_string (v, "s", "t", &s, &err), 0);
  ck_assert_str_eq (s, "x");
  int64_t n = 0;
  ck_assert_int_eq (skiff_json_get_int (v, "n", "t", &n, &err), 0);
  ck_assert_int_eq (n, 3);
  _cleanup_strv_ char **a = NULL;
  ck_assert_int_eq (skiff_json_get_strv (v, "a", "t", &a, &err), 0);
  ck_assert_str_eq (a[1], "q");
  _cleanup_strv_ char **m = NULL;
  ck_assert_int_eq (skiff_json_get_string_map (v, "m", "t", &m, &err), 0);
  ck_assert_str_eq (m[0], "k");
  ck_assert_str_eq (m[1], "v");
  _cleanup_free_ char *bad = NULL;
  ck_assert_int_lt (skiff_json_get_string (v, "bad", "t", &bad, &err), 0);
  ck_assert_str_eq (err->msg, "t: \"bad\" must be a string");
  skiff_error_free (err);
  err = NULL;
  _cleanup_yajl_val_ yajl_val broken = NULL;
  ck_assert_int_lt (skiff_json_parse ("{", "doc.json", &broken, &err), 0);
  ck_assert (strstr (err->msg, "invalid JSON in doc.json") != NULL);
  skiff_error_free (err);
}
END_TEST

START_TEST (json_generate)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  char *ports[] = { "80/tcp", NULL };
  char *labels[] = { "k", "v", NULL };
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "a", "x");
  skiff_json_gen_key_set (g, "p", ports);
  skiff_json_gen_key_map (g, "l", labels);
  skiff_json_gen_key_strv (g, "n", NULL, false);
  yajl_gen_map_close (g);
  _cleanup_free_ char *out = skiff_json_gen_finish (g, NULL);
  ck_assert_str_eq (out, "{\"a\":\"x\",\"p\":{\"80/tcp\":{}},\"l\":{\"k\":\"v\"},\"n\":null}");
}
END_TEST

START_TEST (humanize_values)
{
  static const struct
  {
    int64_t secs;
    const char *want;
  } d[] = { { 0, "Less than a second" }, { 1, "1 second" },          { 59, "59 seconds" },
            { 60, "About a minute" },    { 119, "About a minute" },  { 120, "2 minutes" },
            { 3600, "About an hour" },   { 5400, "2 hours" },        { 3 * 86400, "3 days" },
            { 20 * 86400, "2 weeks" },   { 90 * 86400, "3 months" }, { 800 * 86400, "2 years" } };
  for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
    {
      _cleanup_free_ char *s = skiff_human_duration (d[i].secs);
      ck_assert_str_eq (s, d[i].want);
    }
  static const struct
  {
    int64_t bytes;
    const char *want;
  } z[] = {
    { 0, "0B" }, { 512, "512B" }, { 1200, "1.2kB" }, { 7450000, "7.45MB" }, { 1000000, "1MB" }
  };
  for (size_t i = 0; i < sizeof z / sizeof z[0]; i++)
    {
      _cleanup_free_ char *s = skiff_human_size (z[i].bytes);
      ck_assert_str_eq (s, z[i].want);
    }
  struct timespec ts = { 1795887815, 123450000 }, back;
  _cleanup_free_ char *t = skiff_time_format (&ts);
  ck_assert_str_eq (t, "2026-11-28T17:43:35.12345Z");
  ck_assert_int_eq (skiff_time_parse (t, &back), 0);
  ck_assert_int_eq (back.tv_sec, ts.tv_sec);
  ck_assert_int_eq (back.tv_nsec, ts.tv_nsec);
  ck_assert_int_eq (skiff_time_parse ("2026-11-28T18:43:35+01:00", &back), 0);
  ck_assert_int_eq (back.tv_sec, 1795887815);
  ck_assert_int_eq (skiff_time_parse ("junk", &back), -1);
}
END_TEST

/* Go's encoding/json: a repeated key's last occurrence wins; struct fields match keys
 * ignoring case; map keys match exactly. */
START_TEST (json_repeated_keys)
{
  _cleanup_yajl_val_ yajl_val v = NULL;
  struct skiff_error *err = NULL;
  const char *text
      = "{\"a\":1,\"a\":2,\"Name\":\"first\",\"NAME\":\"last\",\"name\":null,"
        "\"m\":{\"k\":\"1\",\"K\":\"2\",\"k\":\"3\"},\"s\":{\"x\":{},\"y\":{},\"x\":{}},"
        "\"l\":[\"p\"],\"L\":[\"q\",\"r\"]}";
  ck_assert_int_eq (skiff_json_parse (text, "t", &v, &err), 0);
  ck_assert_int_eq (YAJL_GET_INTEGER (skiff_json_get (v, "a")), 2);
  ck_assert_ptr_null (skiff_json_get (v, "NAme"));
  ck_assert (YAJL_IS_NULL (skiff_json_get_field (v, "NAme")));
  ck_assert_str_eq (YAJL_GET_STRING (skiff_json_get (v, "NAME")), "last");
  _cleanup_strv_ char **l = NULL, **m = NULL, **set = NULL;
  ck_assert_int_eq (skiff_json_get_strv (v, "l", "t", &l, &err), 0);
  ck_assert_uint_eq (skiff_strv_len (l), 2);
  ck_assert_str_eq (l[1], "r");
  /* map: first place, last value; "K" is another key */
  ck_assert_int_eq (skiff_json_get_string_map (v, "m", "t", &m, &err), 0);
  _cleanup_free_ char *mj = skiff_strv_join (m, ",");
  ck_assert_str_eq (mj, "k,3,K,2");
  ck_assert_int_eq (skiff_json_get_keys (v, "s", "t", &set, &err), 0);
  _cleanup_free_ char *sj = skiff_strv_join (set, ",");
  ck_assert_str_eq (sj, "x,y");
  /* a non-ASCII key folds only through KELVIN SIGN and LONG S */
  _cleanup_yajl_val_ yajl_val f = NULL;
  ck_assert_int_eq (skiff_json_parse ("{\"\xE2\x84\xAA\xC5\xBF\":1,\"\xC3\xA9\":2}", "t", &f, &err),
                    0);
  ck_assert_ptr_nonnull (skiff_json_get_field (f, "ks"));
  ck_assert_ptr_null (skiff_json_get_field (f, "e"));
  ck_assert_ptr_null (skiff_json_get_field (f, "k"));
}
END_TEST

START_TEST (json_strslice)
{
  _cleanup_yajl_val_ yajl_val v = NULL;
  struct skiff_error *err = NULL;
  const char *text = "{\"s\":\"echo hi\",\"a\":[\"x\",\"y\"],\"n\":null,\"e\":\"\",\"bad\":3}";
  ck_assert_int_eq (skiff_json_parse (text, "t", &v, &err), 0);
  _cleanup_strv_ char **s = NULL, **a = NULL, **n = NULL, **e = NULL, **missing = NULL;
  ck_assert_int_eq (skiff_json_get_strslice (v, "s", "t", &s, &err), 0);
  ck_assert_uint_eq (skiff_strv_len (s), 1);
  ck_assert_str_eq (s[0], "echo hi");
  ck_assert_int_eq (skiff_json_get_strslice (v, "a", "t", &a, &err), 0);
  ck_assert_uint_eq (skiff_strv_len (a), 2);
  ck_assert_int_eq (skiff_json_get_strslice (v, "n", "t", &n, &err), 0);
  ck_assert_ptr_null (n);
  ck_assert_int_eq (skiff_json_get_strslice (v, "missing", "t", &missing, &err), 0);
  ck_assert_ptr_null (missing);
  ck_assert_int_eq (skiff_json_get_strslice (v, "e", "t", &e, &err), 0);
  ck_assert_uint_eq (skiff_strv_len (e), 1);
  ck_assert_str_eq (e[0], "");
  char **bad = NULL;
  ck_assert_int_lt (skiff_json_get_strslice (v, "bad", "t", &bad, &err), 0);
  ck_assert_str_eq (err->msg, "t: \"bad\" must be a string or an array of strings");
  skiff_error_free (err);
}
END_TEST

START_TEST (strv_builder_and_key_index)
{
  _cleanup_strv_builder_ struct skiff_strv_builder b = { 0 };
  _cleanup_key_index_ struct skiff_key_index ix = { 0 };
  char keys[1000][8];
  for (size_t i = 0; i < 1000; i++)
    {
      snprintf (keys[i], sizeof keys[i], "k%zu", i);
      skiff_strv_builder_push (&b, keys[i]);
      ck_assert_uint_eq (skiff_key_index_set (&ix, keys[i], strlen (keys[i]), i),
                         SKIFF_KEY_INDEX_NONE);
    }
  ck_assert_uint_eq (skiff_strv_len (b.v), 1000);
  ck_assert_str_eq (b.v[999], "k999");
  ck_assert_uint_eq (skiff_key_index_find (&ix, "k500", 4), 500);
  ck_assert_uint_eq (skiff_key_index_find (&ix, "k5000", 4), 500); /* length bounds the key */
  ck_assert_uint_eq (skiff_key_index_find (&ix, "k1000", 5), SKIFF_KEY_INDEX_NONE);
  ck_assert_uint_eq (skiff_key_index_set (&ix, "k7", 2, SKIFF_KEY_INDEX_NONE), 7);
  ck_assert_uint_eq (skiff_key_index_find (&ix, "k7", 2), SKIFF_KEY_INDEX_NONE);
  _cleanup_strv_ char **v = skiff_strv_builder_steal (&b);
  ck_assert_ptr_null (b.v);
  ck_assert_str_eq (v[0], "k0");
  struct skiff_strv_builder empty = { 0 };
  _cleanup_strv_ char **none = skiff_strv_builder_steal (&empty);
  ck_assert_ptr_nonnull (none);
  ck_assert_ptr_null (none[0]);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("util");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, error_make_and_prefix);
#ifdef NDEBUG
  tcase_add_test (tc, error_set_twice);
#else
  tcase_add_test_raise_signal (tc, error_set_twice, SIGABRT);
#endif
  tcase_add_test (tc, error_log_drop);
  tcase_add_test (tc, cleanup_keeps_errno);
  tcase_add_test (tc, strv_ops);
  tcase_add_test (tc, fs_atomic_roundtrip);
  tcase_add_test (tc, path_join);
  tcase_add_test (tc, json_getters);
  tcase_add_test (tc, json_generate);
  tcase_add_test (tc, json_repeated_keys);
  tcase_add_test (tc, json_strslice);
  tcase_add_test (tc, strv_builder_and_key_index);
  tcase_add_test (tc, humanize_values);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
