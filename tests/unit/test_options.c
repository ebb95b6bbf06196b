#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "skiff/error.h"
#include "skiff/strv.h"

struct demo
{
  bool all, force, tty, interactive;
  const char *name;
  char **env;
  int time;
};

static const struct skiff_opt demo_main[] = {
  SKIFF_OPT_B ("all", 'a', struct demo, all, "Show all"),
  SKIFF_OPT_B ("force", 'f', struct demo, force, "Force it"),
  SKIFF_OPT_S ("name", 0, struct demo, name, "Assign a name"),
  SKIFF_OPT_SA ("env", 'e', struct demo, env, "Set environment variables"),
  SKIFF_OPT_I ("time", 't', struct demo, time, "Seconds to wait"),
  SKIFF_OPT_NY ("gpus", 0, "gpu-request", "GPU devices to add"),
  SKIFF_OPT_NY ("link-local-ip", 0, NULL, "A flag without a value"),
  SKIFF_OPT_END,
};
static const struct skiff_opt demo_process[] = {
  SKIFF_OPT_B ("interactive", 'i', struct demo, interactive, "Keep STDIN open"),
  SKIFF_OPT_B ("tty", 0, struct demo, tty, "Allocate a pseudo-TTY"),
  SKIFF_OPT_END,
};
static skiff_opt_groups demo_groups = { demo_main, demo_process, NULL };

/* Parses the words (a NULL-terminated list after the command name). */
static int
parse (enum skiff_opts_mode mode, struct demo *d, struct skiff_opts_result *res,
       struct skiff_error **err, const char **words)
{
  char *argv[32] = { "demo" };
  int argc = 1;
  for (; words[argc - 1] != NULL; argc++)
    argv[argc] = (char *)words[argc - 1];
  memset (d, 0, sizeof *d);
  return skiff_opts_parse (demo_groups, "demo", argc, argv, mode, d, res, err);
}

#define WORDS(...) ((const char *[]){ __VA_ARGS__, NULL })

static void
parse_ok (enum skiff_opts_mode mode, struct demo *d, struct skiff_opts_result *res,
          const char **words)
{
  struct skiff_error *err = NULL;
  int r = parse (mode, d, res, &err, words);
  ck_assert_msg (r == 0, "parse failed: %s", err ? err->msg : "(no error)");
}

static void
parse_fails (const char **words, const char *msg)
{
  struct demo d;
  struct skiff_opts_result res;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (parse (SKIFF_OPTS_INTERSPERSED, &d, &res, &err, words), 0);
  ck_assert_str_eq (err->msg, msg);
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  skiff_opts_clear (demo_groups, &d, &res);
}

START_TEST (long_and_short_forms)
{
  struct demo d;
  struct skiff_opts_result res;
  parse_ok (SKIFF_OPTS_INTERSPERSED, &d, &res,
            WORDS ("-af", "--name", "n1", "-eA=1", "-e", "B=2", "--env=C=3", "-t=7", "x", "--tty",
                   "y", "--interactive=false"));
  ck_assert (d.all && d.force && d.tty && !d.interactive);
  ck_assert_str_eq (d.name, "n1");
  ck_assert_uint_eq (skiff_strv_len (d.env), 3);
  ck_assert_str_eq (d.env[0], "A=1");
  ck_assert_str_eq (d.env[1], "B=2");
  ck_assert_str_eq (d.env[2], "C=3");
  ck_assert_int_eq (d.time, 7);
  ck_assert_uint_eq (res.nargs, 2);
  ck_assert_str_eq (res.args[0], "x");
  ck_assert_str_eq (res.args[1], "y");
  ck_assert (!res.help);
  skiff_opts_clear (demo_groups, &d, &res);
  ck_assert_ptr_null (d.env);

  /* a value glued to a shorthand group's last flag; the last --name wins */
  parse_ok (SKIFF_OPTS_INTERSPERSED, &d, &res,
            WORDS ("-ft5", "--name=a", "--name=b", "-", "--", "-a"));
  ck_assert (d.force && !d.all);
  ck_assert_int_eq (d.time, 5);
  ck_assert_str_eq (d.name, "b");
  ck_assert_uint_eq (res.nargs, 2);
  ck_assert_str_eq (res.args[0], "-");
  ck_assert_str_eq (res.args[1], "-a");
  skiff_opts_clear (demo_groups, &d, &res);
}
END_TEST

START_TEST (stop_at_positional)
{
  struct demo d;
  struct skiff_opts_result res;
  parse_ok (SKIFF_OPTS_STOP_AT_POSITIONAL, &d, &res, WORDS ("-i", "IMAGE", "sh", "-a", "--tty"));
  ck_assert (d.interactive && !d.all && !d.tty);
  ck_assert_uint_eq (res.nargs, 4);
  ck_assert_str_eq (res.args[0], "IMAGE");
  ck_assert_str_eq (res.args[3], "--tty");
  skiff_opts_clear (demo_groups, &d, &res);
}
END_TEST

START_TEST (help)
{
  struct demo d;
  struct skiff_opts_result res;
  parse_ok (SKIFF_OPTS_INTERSPERSED, &d, &res, WORDS ("x", "--help"));
  ck_assert (res.help);
  skiff_opts_clear (demo_groups, &d, &res);
  parse_ok (SKIFF_OPTS_INTERSPERSED, &d, &res, WORDS ("-ah"));
  ck_assert (res.help && d.all);
  skiff_opts_clear (demo_groups, &d, &res);
}
END_TEST

START_TEST (errors_as_pflag_words_them)
{
  parse_fails (WORDS ("--bogus"), "unknown flag: --bogus");
  parse_fails (WORDS ("--forse"), "unknown flag: --forse; did you mean --force?");
  parse_fails (WORDS ("--tyy=1"), "unknown flag: --tyy; did you mean --tty?");
  parse_fails (WORDS ("--bogus=1"), "unknown flag: --bogus");
  parse_fails (WORDS ("-ax"), "unknown shorthand flag: 'x' in -ax");
  parse_fails (WORDS ("--name"), "flag needs an argument: --name");
  parse_fails (WORDS ("-e"), "flag needs an argument: 'e' in -e");
  parse_fails (WORDS ("-t", "soon"),
               "invalid argument \"soon\" for \"-t, --time\" flag: strconv.ParseInt: parsing "
               "\"soon\": invalid syntax");
  parse_fails (WORDS ("--time=99999999999"),
               "invalid argument \"99999999999\" for \"-t, --time\" flag: strconv.ParseInt: "
               "parsing \"99999999999\": value out of range");
  parse_fails (WORDS ("--tty=maybe"), "invalid argument \"maybe\" for \"--tty\" flag: "
                                      "strconv.ParseBool: parsing \"maybe\": invalid syntax");
  parse_fails (WORDS ("--gpus", "all", "img"), "--gpus is not supported by skiff yet");
  parse_fails (WORDS ("--link-local-ip"), "--link-local-ip is not supported by skiff yet");
}
END_TEST

START_TEST (usage_like_pflag)
{
  char *u = skiff_opts_usage (demo_groups);
  /* the help column: three spaces past the longest flag column ("  -e, --env stringArray") */
  ck_assert_str_eq (u, "  -a, --all               Show all\n"
                       "  -e, --env stringArray   Set environment variables\n"
                       "  -f, --force             Force it\n"
                       "  -i, --interactive       Keep STDIN open\n"
                       "      --name string       Assign a name\n"
                       "  -t, --time int          Seconds to wait\n"
                       "      --tty               Allocate a pseudo-TTY\n");
  free (u);
}
END_TEST

START_TEST (go_parse_bool)
{
  bool b = false;
  ck_assert (skiff_opts_parse_bool ("T", &b) && b);
  ck_assert (skiff_opts_parse_bool ("False", &b) && !b);
  ck_assert (skiff_opts_parse_bool ("1", &b) && b);
  ck_assert (!skiff_opts_parse_bool ("yes", &b));
  ck_assert (!skiff_opts_parse_bool ("", &b));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("options");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, long_and_short_forms);
  tcase_add_test (tc, stop_at_positional);
  tcase_add_test (tc, help);
  tcase_add_test (tc, errors_as_pflag_words_them);
  tcase_add_test (tc, usage_like_pflag);
  tcase_add_test (tc, go_parse_bool);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
