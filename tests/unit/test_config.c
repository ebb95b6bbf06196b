#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/config.h"
#include "skiff/error.h"
#include "skiff/strv.h"

static int
parse (const char *text, struct skiff_config *cfg, char ***warnings, struct skiff_error **err)
{
  return skiff_config_parse (text, strlen (text), "/etc/skiff/skiff.conf", cfg, warnings, err);
}

static void
parse_bad (const char *text, const char *msg)
{
  struct skiff_config cfg;
  skiff_config_init (&cfg);
  char **warnings = NULL;
  struct skiff_error *err = NULL;
  ck_assert_msg (parse (text, &cfg, &warnings, &err) < 0, "accepted: %s", text);
  ck_assert_str_eq (err->msg, msg);
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  skiff_strv_free (warnings);
  skiff_config_clear (&cfg);
}

START_TEST (every_key)
{
  struct skiff_config cfg;
  skiff_config_init (&cfg);
  char **warnings = NULL;
  struct skiff_error *err = NULL;
  const char *text = "# defaults\n"
                     "[containers]\n"
                     "init = true   # comment\n"
                     "init_path = '/usr/libexec/podman/catatonit'\n"
                     "log_driver = \"k8s-file\"\n"
                     "log_size_max = 1048576\n"
                     "pids_limit = 2048\n"
                     "netns = \"host\"\n"
                     "no_new_privileges = true\n"
                     "\n"
                     "[network]\n"
                     "default_network = \"skiff\"\n"
                     "[engine]\n"
                     "\tstop_timeout = -1\r\n";
  ck_assert_msg (parse (text, &cfg, &warnings, &err) == 0, "%s", err ? err->msg : "");
  ck_assert_ptr_null (warnings);
  ck_assert_int_eq (cfg.init, 1);
  ck_assert_str_eq (cfg.init_path, "/usr/libexec/podman/catatonit");
  ck_assert_str_eq (cfg.log_driver, "k8s-file");
  ck_assert_int_eq (cfg.log_size_max, 1048576);
  ck_assert_int_eq (cfg.pids_limit, 2048);
  ck_assert_str_eq (cfg.netns, "host");
  ck_assert_int_eq (cfg.no_new_privileges, 1);
  ck_assert_str_eq (cfg.default_network, "skiff");
  ck_assert_int_eq (cfg.stop_timeout, -1);
  /* a second file overrides what it sets and keeps the rest */
  ck_assert (parse ("[containers]\ninit=false\n", &cfg, &warnings, &err) == 0);
  ck_assert_int_eq (cfg.init, 0);
  ck_assert_int_eq (cfg.pids_limit, 2048);
  skiff_config_clear (&cfg);
  ck_assert_int_eq (cfg.init, -1);
  ck_assert_int_eq (cfg.no_new_privileges, -1);
  ck_assert (cfg.stop_timeout == SKIFF_CONFIG_UNSET);
  ck_assert_ptr_null (cfg.log_driver);
}
END_TEST

START_TEST (unknown_keys_warn)
{
  struct skiff_config cfg;
  skiff_config_init (&cfg);
  char **warnings = NULL;
  struct skiff_error *err = NULL;
  const char *text = "[containers]\n"
                     "default_ulimits = [\n"
                     "  \"nofile=20000:20000\", # a comment inside\n"
                     "  'nproc=32768:32768',\n"
                     "]\n"
                     "init = true\n"
                     "[machine]\n"
                     "cpus = 2\n"
                     "[engine]\n"
                     "runtime = \"crun\"\n";
  ck_assert_msg (parse (text, &cfg, &warnings, &err) == 0, "%s", err ? err->msg : "");
  ck_assert_int_eq (cfg.init, 1);
  ck_assert_uint_eq (skiff_strv_len (warnings), 4);
  ck_assert_str_eq (warnings[0],
                    "/etc/skiff/skiff.conf:2: unknown key \"containers.default_ulimits\"");
  ck_assert_str_eq (warnings[1], "/etc/skiff/skiff.conf:7: unknown section [machine]");
  ck_assert_str_eq (warnings[2], "/etc/skiff/skiff.conf:8: unknown key \"machine.cpus\"");
  ck_assert_str_eq (warnings[3], "/etc/skiff/skiff.conf:10: unknown key \"engine.runtime\"");
  skiff_strv_free (warnings);
  skiff_config_clear (&cfg);
}
END_TEST

START_TEST (bad_values)
{
  parse_bad ("[containers]\ninit = yes\n",
             "/etc/skiff/skiff.conf:2: containers.init: invalid value yes (strings are quoted)");
  parse_bad ("[containers]\n\ninit = \"true\"\n",
             "/etc/skiff/skiff.conf:3: containers.init: expected true or false");
  parse_bad ("[engine]\nstop_timeout = -2\n",
             "/etc/skiff/skiff.conf:2: engine.stop_timeout: must be a number of seconds, or -1 "
             "to wait forever");
  parse_bad ("[engine]\nstop_timeout = \"10\"\n",
             "/etc/skiff/skiff.conf:2: engine.stop_timeout: expected an integer");
  parse_bad ("[engine]\nstop_timeout = 99999999999999999999\n",
             "/etc/skiff/skiff.conf:2: engine.stop_timeout: invalid value 99999999999999999999 "
             "(strings are quoted)");
  parse_bad ("[containers]\nlog_driver = \"syslog\"\n",
             "/etc/skiff/skiff.conf:2: containers.log_driver: unknown log driver (k8s-file, "
             "json-file, journald, none or passthrough)");
  parse_bad ("[containers]\nlog_size_max = 100\n",
             "/etc/skiff/skiff.conf:2: containers.log_size_max: must be -1 (unlimited) or at "
             "least 8192 bytes");
  parse_bad ("[containers]\npids_limit = -5\n",
             "/etc/skiff/skiff.conf:2: containers.pids_limit: must be -1 or 0 (unlimited) or a "
             "number of processes");
  parse_bad ("[containers]\nnetns = \"\"\n",
             "/etc/skiff/skiff.conf:2: containers.netns: must not be empty");
}
END_TEST

START_TEST (syntax_errors)
{
  parse_bad ("[containers\ninit = true\n", "/etc/skiff/skiff.conf:1: malformed [section] line");
  parse_bad ("init true\n", "/etc/skiff/skiff.conf:1: init: expected '=' after the key");
  parse_bad ("[containers]\ninit =\n", "/etc/skiff/skiff.conf:2: containers.init: missing value");
  parse_bad ("[containers]\ninit = true false\n",
             "/etc/skiff/skiff.conf:2: containers.init: unexpected text after the value");
  parse_bad ("[containers]\nnetns = \"host\n",
             "/etc/skiff/skiff.conf:2: containers.netns: unterminated string");
  parse_bad ("[containers]\nnetns = \"a\\qb\"\n",
             "/etc/skiff/skiff.conf:2: containers.netns: unsupported escape in string");
  parse_bad ("[containers]\nx = [1 2]\n",
             "/etc/skiff/skiff.conf:2: containers.x: expected ',' or ']' in array");
  parse_bad ("= 3\n", "/etc/skiff/skiff.conf:1: expected a key, a [section] or a comment");
}
END_TEST

START_TEST (strings)
{
  struct skiff_config cfg;
  skiff_config_init (&cfg);
  struct skiff_error *err = NULL;
  ck_assert (parse ("[containers]\nnetns = \"a\\\"b\\\\c # not a comment\"\n", &cfg, NULL, &err)
             == 0);
  ck_assert_str_eq (cfg.netns, "a\"b\\c # not a comment");
  ck_assert (parse ("[containers]\nnetns = 'C:\\x'\n", &cfg, NULL, &err) == 0);
  ck_assert_str_eq (cfg.netns, "C:\\x");
  skiff_config_clear (&cfg);
}
END_TEST

START_TEST (registry_mirrors)
{
  struct skiff_config cfg;
  skiff_config_init (&cfg);
  struct skiff_error *err = NULL;
  ck_assert (parse ("[registries]\nmirrors = [\"docker.io=127.0.0.1:5000\", "
                    "\"docker.io=m2.example\"]\n",
                    &cfg, NULL, &err)
             == 0);
  ck_assert_int_eq (skiff_strv_len (cfg.registry_mirrors), 2);
  ck_assert_str_eq (cfg.registry_mirrors[0], "docker.io=127.0.0.1:5000");
  ck_assert_str_eq (cfg.registry_mirrors[1], "docker.io=m2.example");
  skiff_config_clear (&cfg);
  const char *want = "/etc/skiff/skiff.conf:2: registries.mirrors: expected an array of "
                     "\"REGISTRY=MIRROR\" strings";
  parse_bad ("[registries]\nmirrors = [\"nohost\"]\n", want);
  parse_bad ("[registries]\nmirrors = [\"=m\"]\n", want);
  parse_bad ("[registries]\nmirrors = [\"h=\"]\n", want);
  parse_bad ("[registries]\nmirrors = [\"h=m/path\"]\n", want);
  parse_bad ("[registries]\nmirrors = \"h=m\"\n", want);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("config");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, every_key);
  tcase_add_test (tc, unknown_keys_warn);
  tcase_add_test (tc, bad_values);
  tcase_add_test (tc, syntax_errors);
  tcase_add_test (tc, strings);
  tcase_add_test (tc, registry_mirrors);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
