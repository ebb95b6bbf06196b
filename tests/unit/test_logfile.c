#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/logfile.h"
#include "skiff/xalloc.h"

static char dir[64];
static char *path;

static void
setup (void)
{
  strcpy (dir, "/tmp/skiff-log-XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (dir));
  path = xasprintf ("%s/ctr.log", dir);
}

static void
teardown (void)
{
  struct skiff_error *err = NULL;
  skiff_fs_rm_rf (dir, &err);
  skiff_error_free (err);
  free (path);
}

static char *
read_all (void)
{
  char *text = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_fs_read_file (path, &text, NULL, &err), 0);
  return text;
}

static void
append (int fd, enum skiff_logfile_stream s, time_t sec, long nsec, const char *text)
{
  struct timespec ts = { sec, nsec };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_append (fd, s, &ts, text, strlen (text), &err), 0);
}

START_TEST (write_format)
{
  int fd;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_open (path, &fd, &err), 0);
  append (fd, SKIFF_LOGFILE_STDOUT, 1700000000, 5, "hello\nwor");
  append (fd, SKIFF_LOGFILE_STDERR, 1700000001, 0, "oops\n\n");
  append (fd, SKIFF_LOGFILE_STDOUT, 1700000002, 120000000, "ld\n");
  close (fd);
  _cleanup_free_ char *text = read_all ();
  ck_assert_str_eq (text, "2023-11-14T22:13:20.000000005Z stdout F hello\n"
                          "2023-11-14T22:13:20.000000005Z stdout P wor\n"
                          "2023-11-14T22:13:21.000000000Z stderr F oops\n"
                          "2023-11-14T22:13:21.000000000Z stderr F \n"
                          "2023-11-14T22:13:22.120000000Z stdout F ld\n");
  struct stat st;
  ck_assert_int_eq (stat (path, &st), 0);
  ck_assert_int_eq (st.st_mode & 0777, 0600);
}
END_TEST

START_TEST (record_parse)
{
  struct skiff_logfile_record rec;
  const char *l = "2023-11-14T23:13:20.5+01:00 stderr P abc def";
  ck_assert_int_eq (skiff_logfile_record_parse (l, strlen (l), &rec), 0);
  ck_assert_int_eq (rec.ts.tv_sec, 1700000000);
  ck_assert_int_eq (rec.ts.tv_nsec, 500000000);
  ck_assert_int_eq (rec.stream, SKIFF_LOGFILE_STDERR);
  ck_assert (rec.partial);
  ck_assert_int_eq (rec.len, 7);
  ck_assert (memcmp (rec.text, "abc def", 7) == 0);
  const char *e = "2023-11-14T22:13:20Z stdout F";
  ck_assert_int_eq (skiff_logfile_record_parse (e, strlen (e), &rec), 0);
  ck_assert_int_eq (rec.len, 0);
  const char *bad[] = { "", "garbage", "2023-11-14T22:13:20Z stdin F x",
                        "2023-11-14T22:13:20Z stdout X x", "notatime stdout F x" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_int_eq (skiff_logfile_record_parse (bad[i], strlen (bad[i]), &rec), -EINVAL);
}
END_TEST

/* Sink that collects "<1|2>:<text>" per write. */
struct collect
{
  char *out;
};

static int
collect_write (void *data, enum skiff_logfile_stream s, const char *buf, size_t len,
               struct skiff_error **err)
{
  struct collect *c = data;
  char *n = xasprintf ("%s%d:%.*s", c->out ? c->out : "", s + 1, (int)len, buf);
  free (c->out);
  c->out = n;
  return 0;
}

static char *
print_with (const struct skiff_logfile_options *opts)
{
  struct collect c = { NULL };
  struct skiff_logfile_sink sink = { collect_write, &c };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_print (path, opts, &sink, NULL, NULL, &err), 0);
  return c.out ? c.out : xstrdup ("");
}

static void
write_sample (void)
{
  int fd;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_open (path, &fd, &err), 0);
  append (fd, SKIFF_LOGFILE_STDOUT, 100, 0, "one\ntw");
  append (fd, SKIFF_LOGFILE_STDERR, 101, 0, "err1\n");
  append (fd, SKIFF_LOGFILE_STDOUT, 102, 0, "o\nthree\n");
  append (fd, SKIFF_LOGFILE_STDOUT, 103, 0, "four");
  close (fd);
}

START_TEST (read_join_and_streams)
{
  write_sample ();
  struct skiff_logfile_options o = { .tail = -1 };
  _cleanup_free_ char *all = print_with (&o);
  ck_assert_str_eq (all, "1:one\n2:err1\n1:two\n1:three\n1:four");
  o.timestamps = true;
  _cleanup_free_ char *ts = print_with (&o);
  ck_assert_str_eq (ts, "1:1970-01-01T00:01:40.000000000Z one\n"
                        "2:1970-01-01T00:01:41.000000000Z err1\n"
                        "1:1970-01-01T00:01:42.000000000Z two\n"
                        "1:1970-01-01T00:01:42.000000000Z three\n"
                        "1:1970-01-01T00:01:43.000000000Z four");
}
END_TEST

START_TEST (read_since_until)
{
  write_sample ();
  struct skiff_logfile_options o = { .tail = -1, .has_since = true, .since = { 101, 0 } };
  _cleanup_free_ char *since = print_with (&o);
  ck_assert_str_eq (since, "2:err1\n1:two\n1:three\n1:four");
  o.has_until = true;
  o.until = (struct timespec){ 101, 500 };
  _cleanup_free_ char *both = print_with (&o);
  ck_assert_str_eq (both, "2:err1\n");
}
END_TEST

START_TEST (read_tail)
{
  int fd;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_open (path, &fd, &err), 0);
  append (fd, SKIFF_LOGFILE_STDOUT, 100, 0, "one\ntw");
  append (fd, SKIFF_LOGFILE_STDOUT, 101, 0, "o\n");
  append (fd, SKIFF_LOGFILE_STDERR, 102, 0, "err1\n");
  append (fd, SKIFF_LOGFILE_STDOUT, 103, 0, "three\nfour");
  close (fd);
  const char *want[] = { "",
                         "1:four",
                         "1:three\n1:four",
                         "2:err1\n1:three\n1:four",
                         "1:two\n2:err1\n1:three\n1:four",
                         "1:one\n1:two\n2:err1\n1:three\n1:four" };
  for (long n = 0; n < 6; n++)
    {
      struct skiff_logfile_options o = { .tail = n };
      _cleanup_free_ char *got = print_with (&o);
      ck_assert_str_eq (got, want[n]);
    }
  struct skiff_logfile_options o = { .tail = 100 };
  _cleanup_free_ char *got = print_with (&o);
  ck_assert_str_eq (got, want[5]);
}
END_TEST

START_TEST (read_empty_file)
{
  int fd;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_open (path, &fd, &err), 0);
  close (fd);
  struct skiff_logfile_options o = { .tail = 5, .timestamps = true };
  _cleanup_free_ char *got = print_with (&o);
  ck_assert_str_eq (got, "");
  free (path);
  path = xasprintf ("%s/missing.log", dir);
  struct skiff_logfile_sink sink = { skiff_logfile_sink_fds, (int[]){ 1, 2 } };
  ck_assert_int_lt (skiff_logfile_print (path, &o, &sink, NULL, NULL, &err), 0);
  ck_assert_ptr_nonnull (strstr (err->msg, "missing.log: No such file or directory"));
  skiff_error_free (err);
}
END_TEST

/* Many lines spanning several 64 KiB blocks, tail must cross block boundaries. */
START_TEST (read_tail_large)
{
  int fd;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_open (path, &fd, &err), 0);
  for (int i = 0; i < 5000; i++)
    {
      char line[64];
      snprintf (line, sizeof line, "line %d\n", i);
      append (fd, SKIFF_LOGFILE_STDOUT, 100 + i, 0, line);
    }
  close (fd);
  struct skiff_logfile_options o = { .tail = 3000 };
  _cleanup_free_ char *got = print_with (&o);
  ck_assert (strncmp (got, "1:line 2000\n1:line 2001\n", 24) == 0);
  size_t lines = 0;
  for (const char *p = got; *p; p++)
    lines += *p == '\n';
  ck_assert_uint_eq (lines, 3000);
}
END_TEST

START_TEST (reader_split_feed)
{
  const char *data = "2023-11-14T22:13:20Z stdout P a\n2023-11-14T22:13:21Z stdout F b\n";
  struct collect c = { NULL };
  struct skiff_logfile_sink sink = { collect_write, &c };
  struct skiff_logfile_options o = { .tail = -1 };
  struct skiff_logfile_reader *r = skiff_logfile_reader_new (&o, &sink);
  struct skiff_error *err = NULL;
  for (const char *p = data; *p; p++)
    ck_assert_int_eq (skiff_logfile_reader_feed (r, p, 1, &err), 0);
  ck_assert_int_eq (skiff_logfile_reader_finish (r, &err), 0);
  skiff_logfile_reader_free (r);
  ck_assert_str_eq (c.out, "1:ab\n");
  free (c.out);
}
END_TEST

static pid_t writer;

static bool
writer_exited (void *data)
{
  int status;
  return waitpid (writer, &status, WNOHANG) == writer;
}

/* A child appends while the parent follows; everything written before exit is printed. */
START_TEST (follow_until_exit)
{
  int fd;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_open (path, &fd, &err), 0);
  append (fd, SKIFF_LOGFILE_STDOUT, 100, 0, "before\n");
  writer = fork ();
  ck_assert_int_ge (writer, 0);
  if (writer == 0)
    {
      for (int i = 0; i < 3; i++)
        {
          usleep (100000);
          append (fd, SKIFF_LOGFILE_STDOUT, 101 + i, 0, "tick\n");
        }
      append (fd, SKIFF_LOGFILE_STDERR, 110, 0, "bye");
      _exit (0);
    }
  close (fd);
  struct skiff_logfile_options o = { .tail = -1 };
  struct collect c = { NULL };
  struct skiff_logfile_sink sink = { collect_write, &c };
  ck_assert_int_eq (skiff_logfile_print (path, &o, &sink, writer_exited, NULL, &err), 0);
  ck_assert_str_eq (c.out, "1:before\n1:tick\n1:tick\n1:tick\n2:bye");
  free (c.out);
}
END_TEST

static void
parse_ok (const char *v, time_t sec, long nsec)
{
  struct timespec now = { 1700000000, 0 }, out;
  struct skiff_error *err = NULL;
  int r = skiff_logfile_parse_time (v, &now, &out, &err);
  ck_assert_msg (r == 0, "%s: %s", v, err ? err->msg : "");
  ck_assert_msg (out.tv_sec == sec && out.tv_nsec == nsec, "%s: got %ld.%09ld", v, (long)out.tv_sec,
                 out.tv_nsec);
}

static void
parse_bad (const char *v, const char *msg)
{
  struct timespec now = { 1700000000, 0 }, out;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_logfile_parse_time (v, &now, &out, &err), 0);
  ck_assert_str_eq (err->msg, msg);
  skiff_error_free (err);
}

START_TEST (parse_time_values)
{
  setenv ("TZ", "UTC", 1);
  tzset ();
  parse_ok ("10m", 1700000000 - 600, 0);
  parse_ok ("1h30m", 1700000000 - 5400, 0);
  parse_ok ("1.5h", 1700000000 - 5400, 0);
  parse_ok ("250ms", 1699999999, 750000000);
  parse_ok ("-5s", 1700000005, 0);
  parse_ok ("0", 0, 0);
  parse_ok ("1700000000", 1700000000, 0);
  parse_ok ("1700000000.5", 1700000000, 500000000);
  parse_ok ("2023-11-14", 1699920000, 0);
  parse_ok ("2023-11-14T22", 1700000000 - 13 * 60 - 20, 0);
  parse_ok ("2023-11-14T22:13", 1700000000 - 20, 0);
  parse_ok ("2023-11-14T22:13:20", 1700000000, 0);
  parse_ok ("2023-11-14T22:13:20.25Z", 1700000000, 250000000);
  parse_ok ("2023-11-14T23:13:20+01:00", 1700000000, 0);
  parse_bad ("foo", "failed to parse value as time or duration: \"foo\"");
  parse_bad ("10x", "failed to parse value as time or duration: \"10x\"");
  parse_bad ("", "failed to parse value as time or duration: \"\"");
  parse_bad ("2023-13-01", "failed to parse value as time: \"2023-13-01\"");
}
END_TEST

START_TEST (parse_time_local)
{
  setenv ("TZ", "UTC-2", 1); /* POSIX: two hours east of UTC */
  tzset ();
  parse_ok ("2023-11-15T00:13:20", 1700000000, 0);
  parse_ok ("2023-11-15T00:13:20Z", 1700000000 + 7200, 0);
}
END_TEST

START_TEST (log_config_values)
{
  struct skiff_log_config lc;
  struct skiff_error *err = NULL;
  char *opts[] = { "max-size", "10m", "max-file", "3", "tag", "t", NULL };
  ck_assert_int_eq (skiff_log_config_parse (NULL, opts, &lc, &err), 0);
  ck_assert_int_eq (lc.driver, SKIFF_LOG_K8S_FILE);
  ck_assert_int_eq (lc.max_size, 10 * 1024 * 1024);
  ck_assert_int_eq (lc.max_file, 3);
  ck_assert_str_eq (lc.tag, "t");
  char *kib[] = { "max-size", "1.5kb", NULL };
  ck_assert_int_eq (skiff_log_config_parse ("json-file", kib, &lc, &err), 0);
  ck_assert_int_eq (lc.max_size, 1536);
  static const char *const bad[][3] = {
    { "k8s-file", "max-size", "0" },    { "k8s-file", "max-size", "10q" },
    { "k8s-file", "max-file", "0" },    { "k8s-file", "max-file", "x" },
    { "k8s-file", "path", "relative" }, { "k8s-file", "bogus", "1" },
    { "none", "max-size", "1k" },       { "journald", NULL, NULL },
    { "no-such-driver", NULL, NULL },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char *o[] = { (char *)bad[i][1], (char *)bad[i][2], NULL };
      ck_assert_int_lt (skiff_log_config_parse (bad[i][0], bad[i][1] ? o : NULL, &lc, &err), 0);
      ck_assert_int_eq (err->exit_code, 125);
      skiff_error_free (err);
      err = NULL;
    }
}
END_TEST

START_TEST (writer_rotates)
{
  _cleanup_free_ char *log = xasprintf ("%s/rot.log", dir);
  struct skiff_logfile_writer w = SKIFF_LOGFILE_WRITER_INIT;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_logfile_writer_open (&w, log, 200, 2, &err), 0);
  struct timespec ts = { 1700000000, 0 };
  for (int i = 0; i < 20; i++)
    ck_assert_int_eq (
        skiff_logfile_writer_append (&w, SKIFF_LOGFILE_STDOUT, &ts, "0123456789\n", 11, &err), 0);
  struct stat st;
  _cleanup_free_ char *p1 = xasprintf ("%s.1", log);
  _cleanup_free_ char *p2 = xasprintf ("%s.2", log);
  ck_assert_int_eq (stat (log, &st), 0);
  ck_assert_int_le (st.st_size, 200);
  ck_assert_int_eq (stat (p1, &st), 0);
  ck_assert_int_le (st.st_size, 200);
  ck_assert_int_lt (stat (p2, &st), 0); /* max-file=2: the current file and one more */
  skiff_logfile_writer_close (&w);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("logfile");
  TCase *tc = tcase_create ("core");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, write_format);
  tcase_add_test (tc, record_parse);
  tcase_add_test (tc, read_join_and_streams);
  tcase_add_test (tc, read_since_until);
  tcase_add_test (tc, read_tail);
  tcase_add_test (tc, read_empty_file);
  tcase_add_test (tc, read_tail_large);
  tcase_add_test (tc, reader_split_feed);
  tcase_add_test (tc, follow_until_exit);
  tcase_add_test (tc, parse_time_values);
  tcase_add_test (tc, parse_time_local);
  tcase_add_test (tc, log_config_values);
  tcase_add_test (tc, writer_rotates);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
