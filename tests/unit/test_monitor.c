#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/monitor-internal.h"
#include "skiff/engine.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/monitor.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

static void
signal_ok (const char *text, int want)
{
  struct skiff_error *err = NULL;
  int sig = skiff_engine_parse_signal (text, &err);
  ck_assert_msg (sig == want, "%s: got %d (%s), want %d", text, sig, err ? err->msg : "", want);
}

static void
signal_bad (const char *text)
{
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_engine_parse_signal (text, &err), 0);
  _cleanup_free_ char *want = xasprintf ("Invalid signal: %s", text);
  ck_assert_str_eq (err->msg, want);
  skiff_error_free (err);
}

START_TEST (signal_names)
{
  signal_ok ("TERM", SIGTERM);
  signal_ok ("SIGTERM", SIGTERM);
  signal_ok ("sigkill", SIGKILL);
  signal_ok ("usr1", SIGUSR1);
  signal_ok ("9", 9);
  signal_ok ("CLD", SIGCHLD);
  signal_ok ("RTMIN", SIGRTMIN);
  signal_ok ("RTMIN+3", SIGRTMIN + 3);
  signal_ok ("SIGRTMAX-1", SIGRTMAX - 1);
  signal_bad ("NOPE");
  signal_bad ("0");
  signal_bad ("65");
  signal_bad ("9x");
  signal_bad ("RTMAX+1");
  signal_bad ("");
}
END_TEST

static char *
make_tmpdir (void)
{
  char tmpl[] = "/tmp/skiff-test-monitor.XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (tmpl));
  return xstrdup (tmpl);
}

/* A container record in a temp dir with the given state written to state.json. */
static struct skiff_container *
container_with_state (const char *dir, const struct skiff_container_state *st)
{
  struct skiff_container *c = xzalloc (sizeof *c);
  c->dir = xstrdup (dir);
  c->config.id = xstrdup ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  c->state = *st;
  c->state.started_at = xstrdup ("2026-11-28T17:00:00Z");
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_container_state_write (c, false, &err), 0);
  return c;
}

static pid_t
dead_pid (void)
{
  pid_t p = fork ();
  if (p == 0)
    _exit (0);
  waitpid (p, NULL, 0);
  return p;
}

START_TEST (state_trusts_live_monitor)
{
  _cleanup_free_ char *dir = make_tmpdir ();
  pid_t gone = dead_pid ();
  struct skiff_error *err = NULL;
  /* PID 1 gone, monitor (us) alive: it is about to record the exit, so still running */
  struct skiff_container_state st = { .status = SKIFF_CONTAINER_RUNNING,
                                      .pid = gone,
                                      .pid_start = 1,
                                      .monitor_pid = getpid (),
                                      .monitor_start = skiff_container_pid_start_time (getpid ()),
                                      .restart_count = 2,
                                      .manually_stopped = true };
  struct skiff_container *c = container_with_state (dir, &st);
  ck_assert_int_eq (skiff_container_state_reload (c, &err), 0);
  ck_assert_int_eq (c->state.status, SKIFF_CONTAINER_RUNNING);
  ck_assert_int_eq (c->state.restart_count, 2);
  ck_assert (c->state.manually_stopped);
  ck_assert_str_eq (skiff_container_state_word (&c->state), "running");
  c->state.paused = true;
  ck_assert_str_eq (skiff_container_state_word (&c->state), "paused");
  /* both gone (a SIGKILLed monitor): exited, code unknown */
  c->state.monitor_pid = gone;
  c->state.paused = false;
  ck_assert_int_eq (skiff_container_state_write (c, false, &err), 0);
  ck_assert_int_eq (skiff_container_state_reload (c, &err), 0);
  ck_assert_int_eq (c->state.status, SKIFF_CONTAINER_EXITED);
  ck_assert_int_eq (c->state.exit_code, 255);
  ck_assert_int_eq (c->state.monitor_pid, 0);
  ck_assert_str_eq (skiff_container_state_word (&c->state), "exited");
  skiff_container_free (c);
  skiff_fs_rm_rf (dir, NULL);
}
END_TEST

START_TEST (attach_broadcast_and_exit)
{
  _cleanup_free_ char *dir = make_tmpdir ();
  /* deeper than sun_path allows: exercises the /proc/self/fd route */
  _cleanup_free_ char *run = xasprintf ("%s/%0100d", dir, 0);
  struct skiff_store store = { .root = dir, .runroot = run, .lock_fd = -1 };
  const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  struct skiff_attach_server srv;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_attach_server_open (&srv, &store, id, &err), 0);
  int cl = skiff_monitor_attach_connect (&store, id, &err);
  ck_assert_int_ge (cl, 0);
  skiff_attach_server_accept (&srv);
  ck_assert_int_eq (srv.nclients, 1);
  skiff_attach_server_broadcast (&srv, SKIFF_ATTACH_STDERR, "oops\n", 5);
  int32_t code = 42;
  skiff_attach_server_broadcast (&srv, SKIFF_ATTACH_EXIT, &code, sizeof code);
  char buf[64];
  ck_assert_int_eq (recv (cl, buf, sizeof buf, 0), 6);
  ck_assert_int_eq (buf[0], SKIFF_ATTACH_STDERR);
  ck_assert (memcmp (buf + 1, "oops\n", 5) == 0);
  ck_assert_int_eq (recv (cl, buf, sizeof buf, 0), 5);
  ck_assert_int_eq (buf[0], SKIFF_ATTACH_EXIT);
  memcpy (&code, buf + 1, sizeof code);
  ck_assert_int_eq (code, 42);
  /* client input arrives as one message */
  char in[] = { SKIFF_ATTACH_STDIN, 'h', 'i' };
  ck_assert_int_eq (send (cl, in, sizeof in, 0), 3);
  ck_assert_int_eq (recv (srv.clients[0], buf, sizeof buf, 0), 3);
  skiff_attach_server_close (&srv);
  ck_assert_int_eq (recv (cl, buf, sizeof buf, 0), 0); /* EOF once the monitor closes */
  close (cl);
  _cleanup_free_ char *sock = skiff_monitor_attach_path (&store, id);
  ck_assert (!skiff_fs_exists (sock));
  skiff_fs_rm_rf (dir, NULL);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("monitor");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, signal_names);
  tcase_add_test (tc, state_trusts_live_monitor);
  tcase_add_test (tc, attach_broadcast_and_exit);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
