/* The not-yet tables generated from src/cli/flags-reference.tsv. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cli/flags-reference.h"
#include "skiff/error.h"

/* Every command skiff has today, by the name its table goes by (aliases use their command's). */
static const char *const skiff_commands[] = {
  "-",
  "attach",
  "commit",
  "cp",
  "create",
  "diff",
  "events",
  "exec",
  "export",
  "history",
  "images",
  "import",
  "info",
  "inspect",
  "kill",
  "load",
  "login",
  "logout",
  "logs",
  "mount",
  "network connect",
  "network create",
  "network disconnect",
  "network exists",
  "network inspect",
  "network ls",
  "network prune",
  "network rm",
  "pause",
  "port",
  "ps",
  "pull",
  "push",
  "rename",
  "restart",
  "rm",
  "rmi",
  "run",
  "save",
  "search",
  "start",
  "stats",
  "stop",
  "tag",
  "top",
  "umount",
  "unpause",
  "unshare",
  "untag",
  "version",
  "wait",
  "container exists",
  "container inspect",
  "container prune",
  "image exists",
  "image inspect",
  "image prune",
  "manifest inspect",
  "system check",
  "system df",
  "system prune",
  "volume create",
  "volume exists",
  "volume inspect",
  "volume ls",
  "volume prune",
  "volume rm",
};

static const struct skiff_opt *
find (const char *command, const char *flag)
{
  const struct skiff_opt *table = skiff_cli_not_yet_flags (command);
  ck_assert_msg (table != NULL, "\"%s\" is not in the list", command);
  for (; table->name; table++)
    if (strcmp (table->name, flag) == 0)
      return table;
  return NULL;
}

static void
check_table (const char *command, const struct skiff_opt *table)
{
  for (const struct skiff_opt *o = table; o->name; o++)
    {
      ck_assert_msg (o->type == SKIFF_OPT_NOT_YET, "%s --%s", command, o->name);
      ck_assert_msg (o->name[0] != '\0' && o->name[0] != '-', "%s: name \"%s\"", command, o->name);
      ck_assert_msg (o->help && o->help[0], "%s --%s has no help", command, o->name);
      ck_assert_msg (o->value_name == NULL || (o->value_name[0] && strcmp (o->value_name, "bool")),
                     "%s --%s: value \"%s\"", command, o->name, o->value_name);
      ck_assert_msg (o->offset == 0 && o->parse == NULL && o->flags == 0, "%s --%s", command,
                     o->name);
      for (const struct skiff_opt *p = table; p < o; p++)
        {
          ck_assert_msg (strcmp (p->name, o->name) != 0, "%s: --%s twice", command, o->name);
          ck_assert_msg (o->shorthand == 0 || p->shorthand != o->shorthand,
                         "%s: -%c for --%s and --%s", command, o->shorthand, p->name, o->name);
        }
    }
}

START_TEST (tables_are_well_formed)
{
  size_t n = 0;
  for (; skiff_cli_flags_reference_commands[n]; n++)
    {
      const char *command = skiff_cli_flags_reference_commands[n];
      const struct skiff_opt *table = skiff_cli_not_yet_flags (command);
      ck_assert_msg (table != NULL, "%s", command);
      check_table (command, table);
    }
  ck_assert_uint_eq (n, sizeof skiff_commands / sizeof skiff_commands[0]);
}
END_TEST

START_TEST (every_command_is_listed)
{
  for (size_t i = 0; i < sizeof skiff_commands / sizeof skiff_commands[0]; i++)
    ck_assert_msg (skiff_cli_not_yet_flags (skiff_commands[i]) != NULL, "\"%s\" is missing",
                   skiff_commands[i]);
  ck_assert_ptr_null (skiff_cli_not_yet_flags ("bogus"));
  ck_assert_ptr_null (skiff_cli_not_yet_flags ("container rm")); /* an alias: "rm" */
  ck_assert_ptr_null (skiff_cli_not_yet_flags (""));
  /* no flags of their own, or all implemented */
  ck_assert_ptr_null (skiff_cli_not_yet_flags ("tag")->name);
  ck_assert_ptr_null (skiff_cli_not_yet_flags ("image exists")->name);
  ck_assert_ptr_null (skiff_cli_not_yet_flags ("system check")->name);
}
END_TEST

START_TEST (known_not_yet_flags)
{
  const struct skiff_opt *o = find ("run", "gpus");
  ck_assert_ptr_nonnull (o);
  ck_assert_str_eq (o->value_name, "gpu-request");
  ck_assert_int_eq (o->shorthand, 0);
  ck_assert_ptr_nonnull ((o = find ("import", "quiet")));
  ck_assert_int_eq (o->shorthand, 'q');
  ck_assert_ptr_null (o->value_name); /* bool */
  ck_assert_ptr_nonnull ((o = find ("run", "kernel-memory")));
  ck_assert_str_eq (o->value_name, "bytes");
  ck_assert_ptr_nonnull ((o = find ("create", "oom-kill-disable")));
  ck_assert_ptr_null (o->value_name); /* bool */
  ck_assert_ptr_nonnull ((o = find ("ps", "watch")));
  ck_assert_int_eq (o->shorthand, 'w');
  ck_assert_ptr_nonnull ((o = find ("image prune", "external")));
  ck_assert_ptr_null (o->value_name);                  /* bool */
  ck_assert_ptr_null (find ("images", "filter"));      /* implemented */
  ck_assert_ptr_null (find ("image prune", "filter")); /* implemented */
  ck_assert_ptr_nonnull ((o = find ("-", "host")));
  ck_assert_int_eq (o->shorthand, 'H');
  ck_assert_ptr_nonnull (find ("-", "storage-opt"));
  ck_assert_ptr_null (find ("-", "storage-driver")); /* implemented */
  ck_assert_ptr_nonnull (find ("-", "config"));
  ck_assert_ptr_nonnull (find ("ps", "sync"));
  /* docker's -l/-n win over podman's */
  ck_assert_int_eq (find ("rm", "link")->shorthand, 'l');
  ck_assert_int_eq (find ("ps", "pod")->shorthand, 'p');
  ck_assert_str_eq (find ("run", "io-maxbandwidth")->help,
                    "Maximum IO bandwidth limit for the system drive (Windows only)");
  /* implemented (create_opts_resources.c) */
  ck_assert_ptr_null (find ("run", "memory"));
  ck_assert_ptr_null (find ("run", "cgroupns"));
  ck_assert_ptr_null (find ("create", "ulimit"));
}
END_TEST

START_TEST (implemented_flags_are_not_listed)
{
  static const char *const implemented[][2] = {
    { "run", "name" },
    { "run", "rm" },
    { "run", "publish" },
    { "create", "publish-all" },
    { "run", "expose" },
    { "run", "detach" },
    { "run", "env" },
    { "create", "tty" },
    { "exec", "privileged" },
    { "run", "privileged" },
    { "create", "security-opt" },
    { "ps", "all" },
    { "ps", "filter" },
    { "rm", "force" },
    { "-", "root" },
    { "-", "log-level" },
    { "stop", "time" },
    { "logs", "tail" },
    { "image prune", "all" },
    { "container prune", "filter" },
    { "ps", "size" },
    { "stop", "all" },
    { "rm", "ignore" },
    { "rm", "latest" },
    { "logs", "names" },
  };
  for (size_t i = 0; i < sizeof implemented / sizeof implemented[0]; i++)
    ck_assert_msg (find (implemented[i][0], implemented[i][1]) == NULL, "%s --%s",
                   implemented[i][0], implemented[i][1]);
}
END_TEST

static void
parse_fails_in (const char *command, const char **words, const char *msg)
{
  skiff_opt_groups groups = { skiff_cli_not_yet_flags (command), NULL };
  char *argv[8] = { (char *)command };
  int argc = 1;
  for (; words[argc - 1]; argc++)
    argv[argc] = (char *)words[argc - 1];
  char target;
  struct skiff_opts_result res;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_opts_parse (groups, command, argc, argv, SKIFF_OPTS_STOP_AT_POSITIONAL,
                                      &target, &res, &err),
                    0);
  ck_assert_str_eq (err->msg, msg);
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  skiff_opts_clear (groups, &target, &res);
}

#define WORDS(...) ((const char *[]){ __VA_ARGS__, NULL })
#define parse_fails(words, msg) parse_fails_in ("run", words, msg)

START_TEST (parser_refuses_them)
{
  parse_fails (WORDS ("--gpus", "all", "img"), "--gpus is not supported by skiff yet");
  parse_fails (WORDS ("--gpus=all", "img"), "--gpus is not supported by skiff yet");
  parse_fails_in ("import", WORDS ("-q", "x.tar"), "--quiet is not supported by skiff yet");
  parse_fails (WORDS ("--kernel-memory", "1m", "img"),
               "--kernel-memory is not supported by skiff yet");
  parse_fails (WORDS ("--oom-kill-disable", "img"),
               "--oom-kill-disable is not supported by skiff yet");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("flags_reference");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, tables_are_well_formed);
  tcase_add_test (tc, every_command_is_listed);
  tcase_add_test (tc, known_not_yet_flags);
  tcase_add_test (tc, implemented_flags_are_not_listed);
  tcase_add_test (tc, parser_refuses_them);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
