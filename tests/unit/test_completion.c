#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/completion.h"
#include "cli/options.h"
#include "skiff/error.h"

struct demo
{
  bool force;
  const char *time;
};

static const struct skiff_opt rm_opts[] = {
  SKIFF_OPT_B ("force", 'f', struct demo, force, "Force the removal"),
  SKIFF_OPT_S ("time", 't', struct demo, time, "Seconds to wait"),
  SKIFF_OPT_NY ("depend", 0, NULL, "Remove dependents"),
  SKIFF_OPT_END,
};
static const struct skiff_opt *const rm_groups[] = { rm_opts, NULL };
static const struct skiff_opt global_opts[] = {
  SKIFF_OPT_S ("root", 0, struct demo, time, "Storage root"),
  SKIFF_OPT_END,
};
static const struct skiff_opt *const global_groups[] = { global_opts, NULL };

static const struct skiff_command cmds[] = {
  { "image", NULL, "Manage images", "COMMAND" },
  { "rm", NULL, "Remove one or more containers", "[OPTIONS] CONTAINER [CONTAINER...]", rm_groups },
};
static const struct skiff_command image_subs[] = {
  { "image prune", NULL, "Remove unused images", "[OPTIONS]" },
};

static const struct skiff_command *
subs_of (const char *name, size_t *n)
{
  *n = strcmp (name, "image") == 0 ? 1 : 0;
  return *n ? image_subs : NULL;
}

static const struct skiff_completion_input input = { cmds, 2, global_groups, subs_of };

static char *
script (const char *shell)
{
  char *out = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_completion_script (shell, &input, &out, &err), 0);
  return out;
}

START_TEST (bash_from_the_tables)
{
  char *s = script ("bash");
  ck_assert_ptr_nonnull (strstr (s, "complete -F _skiff skiff"));
  ck_assert_ptr_nonnull (strstr (s, "flags=' --force -f --time -t --help'"));
  ck_assert_ptr_nonnull (strstr (s, "valued=' --time -t'"));
  ck_assert_ptr_nonnull (strstr (s, "kind=container"));
  ck_assert_ptr_nonnull (strstr (s, "subs=' prune'"));
  ck_assert_ptr_null (strstr (s, "--depend")); /* not supported yet: not offered */
  /* it is valid bash */
  FILE *p = popen ("bash -n", "w");
  ck_assert_ptr_nonnull (p);
  fputs (s, p);
  ck_assert_int_eq (pclose (p), 0);
  free (s);
}
END_TEST

START_TEST (zsh_and_fish)
{
  char *z = script ("zsh");
  ck_assert_ptr_nonnull (strstr (z, "#compdef skiff"));
  ck_assert_ptr_nonnull (strstr (z, "'(-f --force)'{-f,--force}'[Force the removal]'"));
  free (z);
  char *f = script ("fish");
  ck_assert_ptr_nonnull (
      strstr (f, "complete -c skiff -n '__fish_seen_subcommand_from rm' -l time -s t -r"));
  ck_assert_ptr_nonnull (strstr (f, "-a prune -d 'Remove unused images'"));
  free (f);
  char *out = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_completion_script ("tcsh", &input, &out, &err), 0);
  ck_assert_str_eq (err->msg, "unsupported shell \"tcsh\": bash, zsh or fish");
  skiff_error_free (err);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("completion");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, bash_from_the_tables);
  tcase_add_test (tc, zsh_and_fish);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
