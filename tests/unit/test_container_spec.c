/* Pure container spec building: argv (ENTRYPOINT/CMD table), env, env-file, workdir, and the
 * resolv.conf filter. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/strv.h"

static char *
joined (char **v)
{
  return skiff_strv_join (v, "|");
}

/* Builds argv and returns it joined with '|', or the error text. */
static char *
argv_of (char **ep, char **cmd, const char *uep, char **args)
{
  _cleanup_strv_ char **argv = NULL, **mep = NULL, **mcmd = NULL;
  struct skiff_error *err = NULL;
  if (skiff_container_build_argv (ep, cmd, uep, args, &argv, &mep, &mcmd, &err) < 0)
    {
      char *m = strdup (err->msg);
      ck_assert_int_eq (err->exit_code, 125);
      skiff_error_free (err);
      return m;
    }
  return joined (argv);
}

START_TEST (argv_table)
{
  char *ep[] = { "/entry", "-x", NULL };
  char *cmd[] = { "/bin/cmd", "arg", NULL };
  char *user[] = { "a", "b", NULL };
  char *empty[] = { NULL };
  struct
  {
    char **ep, **cmd;
    const char *uep;
    char **args;
    const char *want;
  } cases[] = {
    { ep, cmd, NULL, NULL, "/entry|-x|/bin/cmd|arg" },
    { ep, cmd, NULL, empty, "/entry|-x|/bin/cmd|arg" },
    { ep, cmd, NULL, user, "/entry|-x|a|b" },
    { ep, cmd, "X", NULL, "X" }, /* image Cmd dropped */
    { ep, cmd, "X", user, "X|a|b" },
    { ep, cmd, "", NULL, "no command specified" },
    { ep, cmd, "", user, "a|b" },
    { NULL, cmd, NULL, NULL, "/bin/cmd|arg" },
    { NULL, NULL, NULL, NULL, "no command specified" },
    { NULL, NULL, NULL, user, "a|b" },
    { NULL, NULL, "/bin/sh -c", NULL, "/bin/sh -c" }, /* one element, no word splitting */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      _cleanup_free_ char *got = argv_of (cases[i].ep, cases[i].cmd, cases[i].uep, cases[i].args);
      ck_assert_msg (strcmp (got, cases[i].want) == 0, "case %zu: got '%s' want '%s'", i, got,
                     cases[i].want);
    }
}
END_TEST

START_TEST (argv_merged_record)
{
  char *ep[] = { "/entry", NULL };
  char *cmd[] = { "c", NULL };
  _cleanup_strv_ char **argv = NULL, **mep = NULL, **mcmd = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (
      skiff_container_build_argv (ep, cmd, "", (char *[]){ "x", NULL }, &argv, &mep, &mcmd, &err),
      0);
  ck_assert_ptr_null (mep);
  ck_assert_str_eq (mcmd[0], "x");
}
END_TEST

static char *
env_of (char **image, char **user, const char *host)
{
  _cleanup_strv_ char **env = skiff_container_build_env (image, user, host);
  return joined (env);
}

START_TEST (env_merge)
{
  char *image[] = { "PATH=/img/bin", "FOO=img", "KEEP=1", NULL };
  _cleanup_free_ char *a = env_of (image, NULL, "abc");
  ck_assert_str_eq (a, "PATH=/img/bin|HOSTNAME=abc|FOO=img|KEEP=1");

  char *user[] = { "FOO=user", "NEW=n", "NEW=n2", NULL };
  _cleanup_free_ char *b = env_of (image, user, "h");
  ck_assert_str_eq (b, "PATH=/img/bin|HOSTNAME=h|FOO=user|NEW=n2|KEEP=1");

  /* bare name unsets, also the base PATH */
  char *unset[] = { "FOO", "PATH", NULL };
  _cleanup_free_ char *c = env_of (image, unset, "h");
  ck_assert_str_eq (c, "HOSTNAME=h|KEEP=1");

  _cleanup_free_ char *d = env_of (NULL, (char *[]){ "HOSTNAME=mine", NULL }, "h");
  ck_assert_str_eq (d, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|"
                       "HOSTNAME=mine");
}
END_TEST

START_TEST (env_option)
{
  char *envp[] = { "HOME=/root", "EMPTY=", NULL };
  _cleanup_strv_builder_ struct skiff_strv_builder env = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_container_env_option ("A=b=c", envp, &env, &err), 0);
  ck_assert_int_eq (skiff_container_env_option ("HOME", envp, &env, &err), 0);
  ck_assert_int_eq (skiff_container_env_option ("EMPTY", envp, &env, &err), 0);
  ck_assert_int_eq (skiff_container_env_option ("NOPE", envp, &env, &err), 0);
  ck_assert_int_eq (skiff_container_env_option ("HOM", envp, &env, &err), 0);
  _cleanup_free_ char *j = joined (env.v);
  ck_assert_str_eq (j, "A=b=c|HOME=/root|EMPTY=|NOPE|HOM");
  ck_assert_int_lt (skiff_container_env_option ("=x", envp, &env, &err), 0);
  ck_assert_str_eq (err->msg, "invalid environment variable: =x");
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
}
END_TEST

START_TEST (env_file)
{
  char *envp[] = { "FROMENV=yes", NULL };
  const char *text = "\xEF\xBB\xBF# comment\n"
                     "A=1\n"
                     "\n"
                     "   B=two words  \n"
                     "\t# indented comment\n"
                     "C=\"quoted\"\r\n"
                     "FROMENV\n"
                     "MISSING\n"
                     "D=$HOME\n"
                     "E=";
  _cleanup_strv_builder_ struct skiff_strv_builder env = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_container_env_file_parse ("f.env", text, envp, &env, &err), 0);
  _cleanup_free_ char *j = joined (env.v);
  ck_assert_str_eq (j, "A=1|B=two words  |C=\"quoted\"|FROMENV=yes|D=$HOME|E=");
}
END_TEST

START_TEST (env_file_errors)
{
  _cleanup_strv_builder_ struct skiff_strv_builder env = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_lt (
      skiff_container_env_file_parse ("/x.env", "OK=1\nBAD KEY=v\n", NULL, &env, &err), 0);
  ck_assert_str_eq (err->msg, "invalid env file (/x.env): variable 'BAD KEY' contains whitespaces");
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_container_env_file_parse ("/x.env", "=v\n", NULL, &env, &err), 0);
  ck_assert_str_eq (err->msg, "invalid env file (/x.env): no variable name on line '=v'");
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_container_env_file_read ("/nonexistent/e", NULL, &env, &err), 0);
  ck_assert_str_eq (err->msg, "open /nonexistent/e: No such file or directory");
  skiff_error_free (err);
}
END_TEST

START_TEST (workdir)
{
  _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_container_workdir (NULL, NULL, &a, &err), 0);
  ck_assert_str_eq (a, "/");
  ck_assert_int_eq (skiff_container_workdir (NULL, "/srv", &b, &err), 0);
  ck_assert_str_eq (b, "/srv");
  ck_assert_int_eq (skiff_container_workdir ("/tmp", "/srv", &c, &err), 0);
  ck_assert_str_eq (c, "/tmp");
  char *d = NULL;
  ck_assert_int_lt (skiff_container_workdir ("rel", "/srv", &d, &err), 0);
  ck_assert_str_eq (err->msg,
                    "the working directory 'rel' is invalid, it needs to be an absolute path");
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
}
END_TEST

START_TEST (resolv_conf)
{
  _cleanup_free_ char *a = skiff_container_resolv_conf ("search example.org\n"
                                                        "nameserver 127.0.0.53\n"
                                                        "nameserver 10.0.0.1\n"
                                                        "nameserver ::1\n"
                                                        "options edns0\n");
  ck_assert_str_eq (a, "search example.org\nnameserver 10.0.0.1\noptions edns0\n");
  _cleanup_free_ char *b = skiff_container_resolv_conf ("nameserver 127.0.0.1");
  ck_assert_str_eq (b, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("container_spec");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, argv_table);
  tcase_add_test (tc, argv_merged_record);
  tcase_add_test (tc, env_merge);
  tcase_add_test (tc, env_option);
  tcase_add_test (tc, env_file);
  tcase_add_test (tc, env_file_errors);
  tcase_add_test (tc, workdir);
  tcase_add_test (tc, resolv_conf);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
