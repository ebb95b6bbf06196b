/* Container IDs, names, records on disk (create/load/lookup/remove), state liveness, and the
 * ps cell helpers. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

START_TEST (new_id_format)
{
  for (int i = 0; i < 200; i++)
    {
      char id[SKIFF_CONTAINER_ID_LEN + 1];
      struct skiff_error *err = NULL;
      ck_assert_int_eq (skiff_container_new_id (id, &err), 0);
      ck_assert_uint_eq (strlen (id), 64);
      ck_assert_uint_eq (strspn (id, "0123456789abcdef"), 64);
      ck_assert_uint_lt (strspn (id, "0123456789"), 12);
    }
}
END_TEST

START_TEST (name_validation)
{
  const char *good[] = { "ab", "a1", "web-1", "my_app.v2", "X9", NULL };
  const char *bad[] = { "a", "", "-a", "_ab", ".ab", "a b", "a/b", "ä1", "ab!", NULL };
  for (int i = 0; good[i]; i++)
    {
      struct skiff_error *err = NULL;
      ck_assert_msg (skiff_container_name_validate (good[i], &err) == 0, "%s", good[i]);
    }
  for (int i = 0; bad[i]; i++)
    {
      struct skiff_error *err = NULL;
      ck_assert_msg (skiff_container_name_validate (bad[i], &err) < 0, "%s", bad[i]);
      ck_assert_int_eq (err->exit_code, 125);
      skiff_error_free (err);
    }
  struct skiff_error *err = NULL;
  skiff_container_name_validate ("x", &err);
  ck_assert_str_eq (err->msg,
                    "Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  skiff_error_free (err);
}
END_TEST

START_TEST (random_names)
{
  for (int i = 0; i < 5000; i++)
    {
      _cleanup_free_ char *n = skiff_container_name_random ();
      ck_assert_str_ne (n, "boring_wozniak");
      char *us = strchr (n, '_');
      ck_assert_ptr_nonnull (us);
      ck_assert_ptr_null (strchr (us + 1, '_'));
      struct skiff_error *err = NULL;
      ck_assert_int_eq (skiff_container_name_validate (n, &err), 0);
    }
}
END_TEST

static char tmp_root[64];
static struct skiff_store store;

static void
store_setup (void)
{
  strcpy (tmp_root, "/tmp/skiff-test-XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (tmp_root));
  _cleanup_free_ char *root = xasprintf ("%s/root", tmp_root);
  _cleanup_free_ char *run = xasprintf ("%s/run", tmp_root);
  struct skiff_store_options opts = { .root = root, .runroot = run };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_store_open (&store, &opts, &err), 0);
}

static void
store_teardown (void)
{
  skiff_store_close (&store);
  skiff_fs_rm_rf (tmp_root, NULL);
}

static struct skiff_container *
make (const char *name, const char *id)
{
  struct skiff_container_config cfg = { 0 };
  cfg.name = name ? xstrdup (name) : NULL;
  cfg.id = id ? xstrdup (id) : NULL;
  cfg.image_id = xstrdup ("1111111111111111111111111111111111111111111111111111111111111111");
  cfg.image_name = xstrdup ("busybox");
  cfg.argv = skiff_strv_dup ((char *[]){ "sh", "-c", "echo hi", NULL });
  cfg.env = skiff_strv_dup ((char *[]){ "PATH=/bin", NULL });
  cfg.workdir = xstrdup ("/");
  struct skiff_container *c = NULL;
  struct skiff_error *err = NULL;
  int r = skiff_container_create (&store, &cfg, NULL, &c, &err);
  ck_assert_msg (r == 0, "%s", err ? err->msg : "");
  skiff_container_config_clear (&cfg);
  return c;
}

START_TEST (create_load_lookup_remove)
{
  _cleanup_container_ struct skiff_container *a = make ("alpha", NULL);
  _cleanup_container_ struct skiff_container *b = make (NULL, NULL);
  ck_assert_str_eq (a->config.name, "alpha");
  ck_assert_ptr_nonnull (strchr (b->config.name, '_'));
  ck_assert_int_eq (strncmp (a->config.hostname, a->config.id, 12), 0);
  ck_assert_uint_eq (strlen (a->config.hostname), 12);

  _cleanup_container_ struct skiff_container *l = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_container_load (&store, a->config.id, &l, &err), 0);
  ck_assert_str_eq (l->config.name, "alpha");
  ck_assert_str_eq (l->config.image_name, "busybox");
  ck_assert_str_eq (l->config.argv[2], "echo hi");
  ck_assert_str_eq (l->config.created, a->config.created);
  ck_assert_int_eq (l->state.status, SKIFF_CONTAINER_CREATED);
  ck_assert_ptr_null (l->config.cidfile);

  _cleanup_free_ char *hosts_path = skiff_path_join (a->dir, "hosts");
  _cleanup_free_ char *hosts = NULL;
  ck_assert_int_eq (skiff_fs_read_file (hosts_path, &hosts, NULL, &err), 0);
  ck_assert_ptr_nonnull (strstr (hosts, "127.0.0.1\tlocalhost\n"));

  _cleanup_free_ char *id1 = NULL, *id2 = NULL, *id3 = NULL, *id4 = NULL;
  ck_assert_int_eq (skiff_container_lookup (&store, "alpha", &id1, &err), 0);
  ck_assert_str_eq (id1, a->config.id);
  ck_assert_int_eq (skiff_container_lookup (&store, "/alpha", &id4, &err), 0);
  ck_assert_int_eq (skiff_container_lookup (&store, a->config.id, &id2, &err), 0);
  char prefix[13];
  snprintf (prefix, sizeof prefix, "%.12s", a->config.id);
  ck_assert_int_eq (skiff_container_lookup (&store, prefix, &id3, &err), 0);
  ck_assert_str_eq (id3, a->config.id);

  char *none = NULL;
  ck_assert_int_lt (skiff_container_lookup (&store, "nosuch", &none, &err), 0);
  ck_assert_str_eq (err->msg, "No such container: nosuch");
  skiff_error_free (err);
  err = NULL;

  /* name conflict */
  struct skiff_container_config cfg = { .name = xstrdup ("alpha") };
  struct skiff_container *dup = NULL;
  ck_assert_int_lt (skiff_container_create (&store, &cfg, NULL, &dup, &err), 0);
  _cleanup_free_ char *want = xasprintf (
      "Conflict. The container name \"/alpha\" is already in use by container \"%s\". You have "
      "to remove (or rename) that container to be able to reuse that name.",
      a->config.id);
  ck_assert_str_eq (err->msg, want);
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  err = NULL;
  skiff_container_config_clear (&cfg);

  ck_assert_int_eq (skiff_container_remove (&store, a, &err), 0);
  ck_assert (!skiff_fs_exists (a->dir));
  char *gone = NULL;
  ck_assert_int_lt (skiff_container_lookup (&store, "alpha", &gone, &err), 0);
  skiff_error_free (err);
  err = NULL;
  /* the name is free again */
  _cleanup_container_ struct skiff_container *again = make ("alpha", NULL);
  _cleanup_strv_ char **ids = NULL;
  ck_assert_int_eq (skiff_container_list_ids (&store, &ids, &err), 0);
  ck_assert_uint_eq (skiff_strv_len (ids), 2);
}
END_TEST

START_TEST (ambiguous_prefix)
{
  _cleanup_container_ struct skiff_container *a
      = make ("one", "abc0000000000000000000000000000000000000000000000000000000000001");
  _cleanup_container_ struct skiff_container *b
      = make ("two", "abc0000000000000000000000000000000000000000000000000000000000002");
  _cleanup_free_ char *id = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_container_lookup (&store, "abc", &id, &err), 0);
  ck_assert_str_eq (err->msg, "multiple IDs found with provided prefix: abc");
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_eq (
      skiff_container_lookup (
          &store, "abc0000000000000000000000000000000000000000000000000000000000002", &id, &err),
      0);
  ck_assert_str_eq (id, b->config.id);
}
END_TEST

START_TEST (state_transitions)
{
  _cleanup_container_ struct skiff_container *a = make ("st", NULL);
  struct skiff_error *err = NULL;
  pid_t child = fork ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  ck_assert_int_eq (skiff_container_mark_running (a, child, false, &err), 0);
  _cleanup_container_ struct skiff_container *l = NULL;
  ck_assert_int_eq (skiff_container_load (&store, a->config.id, &l, &err), 0);
  ck_assert_int_eq (l->state.status, SKIFF_CONTAINER_RUNNING);
  ck_assert_int_eq (l->state.pid, child);
  ck_assert_ptr_nonnull (l->state.started_at);

  kill (child, SIGKILL);
  /* a zombie is not running any more: wait until it is one, without reaping it */
  siginfo_t si;
  ck_assert_int_eq (waitid (P_PID, (id_t)child, &si, WEXITED | WNOWAIT), 0);
  _cleanup_container_ struct skiff_container *z = NULL;
  ck_assert_int_eq (skiff_container_load (&store, a->config.id, &z, &err), 0);
  ck_assert_int_eq (z->state.status, SKIFF_CONTAINER_EXITED);
  waitpid (child, NULL, 0);

  ck_assert_int_eq (skiff_container_mark_exited (a, 3, false, &err), 0);
  _cleanup_container_ struct skiff_container *e = NULL;
  ck_assert_int_eq (skiff_container_load (&store, a->config.id, &e, &err), 0);
  ck_assert_int_eq (e->state.status, SKIFF_CONTAINER_EXITED);
  ck_assert_int_eq (e->state.exit_code, 3);
  ck_assert_ptr_nonnull (e->state.finished_at);
  ck_assert_str_eq (skiff_container_status_name (e->state.status), "exited");
}
END_TEST

START_TEST (pid_start_time)
{
  unsigned long long t = skiff_container_pid_start_time (getpid ());
  ck_assert_uint_gt (t, 0);
  /* starttime is in clock ticks since boot: not later than now */
  double uptime = 0;
  FILE *f = fopen ("/proc/uptime", "r");
  ck_assert_int_eq (fscanf (f, "%lf", &uptime), 1);
  fclose (f);
  ck_assert_uint_le (t, (unsigned long long)(uptime * (double)sysconf (_SC_CLK_TCK)) + 1);
  pid_t child = fork ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  ck_assert_uint_ge (skiff_container_pid_start_time (child), t);
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  ck_assert (skiff_container_pid_alive (getpid (), t));
  ck_assert (!skiff_container_pid_alive (getpid (), t + 1)); /* recycled pid */
  ck_assert (!skiff_container_pid_alive (0, 0));
}
END_TEST

START_TEST (cidfile)
{
  _cleanup_free_ char *path = xasprintf ("%s/cid", tmp_root);
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_container_cidfile_open (path, &err), 0);
  ck_assert_int_lt (skiff_container_cidfile_open (path, &err), 0);
  _cleanup_free_ char *want = xasprintf ("container ID file found, make sure the other container "
                                         "isn't running or delete %s",
                                         path);
  ck_assert_str_eq (err->msg, want);
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_eq (skiff_container_cidfile_write (path, "abcdef", &err), 0);
  _cleanup_free_ char *text = NULL;
  ck_assert_int_eq (skiff_fs_read_file (path, &text, NULL, &err), 0);
  ck_assert_str_eq (text, "abcdef");
  skiff_container_cidfile_abort (path);
  ck_assert (!skiff_fs_exists (path));
}
END_TEST

START_TEST (ps_cells)
{
  _cleanup_free_ char *a = skiff_cli_ellipsis ("sleep 5", 20);
  ck_assert_str_eq (a, "sleep 5");
  _cleanup_free_ char *b = skiff_cli_ellipsis ("sh -c 'while true; do sleep 1; done'", 20);
  ck_assert_str_eq (b, "sh -c 'while true; …");
  ck_assert_uint_eq (skiff_cli_text_width (b), 20);
  _cleanup_free_ char *c = skiff_cli_ellipsis ("12345678901234567890", 20);
  ck_assert_str_eq (c, "12345678901234567890");
  _cleanup_free_ char *q = skiff_cli_quote ("echo \"hi\"\t\\x\n");
  ck_assert_str_eq (q, "\"echo \\\"hi\\\"\\t\\\\x\\n\"");
  _cleanup_free_ char *q2 = skiff_cli_quote ("a\x01…");
  ck_assert_str_eq (q2, "\"a\\x01…\"");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("naming");
  TCase *tc = tcase_create ("pure");
  tcase_add_test (tc, new_id_format);
  tcase_add_test (tc, name_validation);
  tcase_add_test (tc, random_names);
  tcase_add_test (tc, pid_start_time);
  tcase_add_test (tc, ps_cells);
  suite_add_tcase (s, tc);
  TCase *st = tcase_create ("store");
  tcase_add_checked_fixture (st, store_setup, store_teardown);
  tcase_add_test (st, create_load_lookup_remove);
  tcase_add_test (st, ambiguous_prefix);
  tcase_add_test (st, state_transitions);
  tcase_add_test (st, cidfile);
  suite_add_tcase (s, st);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
