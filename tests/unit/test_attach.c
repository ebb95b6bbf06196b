/* The attach client against a fake monitor on the other end of a socketpair (ATTACH.md). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "skiff/detach_keys.h"
#include "skiff/error.h"

struct fixture
{
  int mon;     /* the fake monitor's end */
  int in[2];   /* user input pipe */
  int out[2];  /* STDOUT destination */
  int errp[2]; /* STDERR destination */
  struct skiff_cli_attach_io io;
};

static void
fixture_init (struct fixture *f, bool tty, struct skiff_detach_keys *keys)
{
  int sp[2];
  ck_assert_int_eq (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
  ck_assert_int_eq (pipe2 (f->in, O_CLOEXEC), 0);
  ck_assert_int_eq (pipe2 (f->out, O_CLOEXEC), 0);
  ck_assert_int_eq (pipe2 (f->errp, O_CLOEXEC), 0);
  f->mon = sp[1];
  f->io = (struct skiff_cli_attach_io){ .sock = sp[0],
                                        .in_fd = f->in[0],
                                        .out_fd = f->out[1],
                                        .err_fd = f->errp[1],
                                        .tty = tty,
                                        .keys = keys };
}

static void
fixture_close (struct fixture *f)
{
  int fds[]
      = { f->mon, f->io.sock, f->in[0], f->in[1], f->out[0], f->out[1], f->errp[0], f->errp[1] };
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

static void
monitor_send (int sock, int type, const void *data, size_t len)
{
  char buf[64];
  buf[0] = (char)type;
  memcpy (buf + 1, data, len);
  ck_assert_int_eq (send (sock, buf, len + 1, 0), (ssize_t)len + 1);
}

static void
send_exit (int sock, int32_t code)
{
  monitor_send (sock, 0x05, &code, sizeof code);
}

/* Reads what arrived in a pipe so far (its write end must be closed or the data complete). */
static char *
drain (int fd)
{
  static char buf[256];
  fcntl (fd, F_SETFL, O_NONBLOCK);
  ssize_t n = read (fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

START_TEST (output_and_exit_code)
{
  struct fixture f;
  fixture_init (&f, false, NULL);
  monitor_send (f.mon, 0x01, "hello ", 6);
  monitor_send (f.mon, 0x02, "oops", 4);
  monitor_send (f.mon, 0x01, "world", 5);
  monitor_send (f.mon, 0x07, "??", 2); /* unknown types are skipped */
  send_exit (f.mon, 7);
  enum skiff_cli_attach_end why;
  int code = -1;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_cli_attach_relay (&f.io, &why, &code, &err), 0);
  ck_assert_int_eq (why, SKIFF_CLI_ATTACH_EXITED);
  ck_assert_int_eq (code, 7);
  ck_assert_str_eq (drain (f.out[0]), "hello world");
  ck_assert_str_eq (drain (f.errp[0]), "oops");
  fixture_close (&f);
}
END_TEST

/* Runs the relay in a child (the test plays the monitor meanwhile); its exit status says how
 * the relay ended: the container's code, 100 detached, 101 closed, 99 failed. */
static pid_t
relay_in_child (struct fixture *f)
{
  struct timeval tv = { 5, 0 };
  setsockopt (f->mon, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  pid_t pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      close (f->mon);
      enum skiff_cli_attach_end why;
      int code = -1;
      if (skiff_cli_attach_relay (&f->io, &why, &code, NULL) < 0)
        _exit (99);
      _exit (why == SKIFF_CLI_ATTACH_EXITED ? code : why == SKIFF_CLI_ATTACH_DETACHED ? 100 : 101);
    }
  return pid;
}

static int
child_status (pid_t pid)
{
  int st = 0;
  ck_assert_int_eq (waitpid (pid, &st, 0), pid);
  ck_assert (WIFEXITED (st));
  return WEXITSTATUS (st);
}

static void
expect_msg (int sock, const char *want, size_t want_len)
{
  char buf[1 + 32 * 1024];
  ssize_t n = recv (sock, buf, sizeof buf, 0);
  ck_assert_int_eq (n, (ssize_t)want_len);
  ck_assert (memcmp (buf, want, want_len) == 0);
}

static void
close_input (struct fixture *f)
{
  close (f->in[1]);
  f->in[1] = -1;
}

START_TEST (piped_input_then_eof)
{
  struct fixture f;
  fixture_init (&f, false, NULL);
  ck_assert_int_eq (write (f.in[1], "abc", 3), 3);
  close_input (&f);
  pid_t pid = relay_in_child (&f);
  expect_msg (f.mon,
              "\x00"
              "abc",
              4);
  expect_msg (f.mon, "\x04", 1); /* STDIN_EOF: not a terminal */
  send_exit (f.mon, 3);
  ck_assert_int_eq (child_status (pid), 3);
  fixture_close (&f);
}
END_TEST

START_TEST (tty_detach_keys)
{
  struct skiff_detach_keys keys;
  ck_assert_int_eq (skiff_detach_keys_parse (SKIFF_DETACH_KEYS_DEFAULT, &keys, NULL), 0);
  struct fixture f;
  fixture_init (&f, true, &keys);
  ck_assert_int_eq (write (f.in[1],
                           "ab\x10\x11"
                           "cd",
                           6),
                    6);
  pid_t pid = relay_in_child (&f);
  expect_msg (f.mon,
              "\x00"
              "ab",
              3);
  ck_assert_int_eq (child_status (pid), 100);
  /* nothing after the keys reached the container, and no resize for a pipe */
  char buf[16];
  ck_assert_int_lt (recv (f.mon, buf, sizeof buf, MSG_DONTWAIT), 0);
  skiff_detach_keys_free (&keys);
  fixture_close (&f);
}
END_TEST

START_TEST (tty_partial_keys_flushed_at_eof)
{
  struct skiff_detach_keys keys;
  ck_assert_int_eq (skiff_detach_keys_parse ("ctrl-a,x", &keys, NULL), 0);
  struct fixture f;
  fixture_init (&f, true, &keys);
  ck_assert_int_eq (write (f.in[1], "y\x01", 2), 2);
  close_input (&f);
  pid_t pid = relay_in_child (&f);
  expect_msg (f.mon,
              "\x00"
              "y",
              2);
  expect_msg (f.mon, "\x00\x01", 2); /* held back, then given up at EOF; no STDIN_EOF */
  send_exit (f.mon, 0);
  ck_assert_int_eq (child_status (pid), 0);
  skiff_detach_keys_free (&keys);
  fixture_close (&f);
}
END_TEST

START_TEST (monitor_goes_away)
{
  struct fixture f;
  fixture_init (&f, false, NULL);
  pid_t pid = relay_in_child (&f);
  close (f.mon);
  f.mon = -1;
  ck_assert_int_eq (child_status (pid), 101);
  fixture_close (&f);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("attach");
  TCase *tc = tcase_create ("client");
  tcase_add_test (tc, output_and_exit_code);
  tcase_add_test (tc, piped_input_then_eof);
  tcase_add_test (tc, tty_detach_keys);
  tcase_add_test (tc, tty_partial_keys_flushed_at_eof);
  tcase_add_test (tc, monitor_goes_away);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
