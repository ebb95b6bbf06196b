/* --sig-proxy: signals sent to a foreground run, exec or attach are forwarded to the container
 * process (docker/podman's default).  The handlers go in before the process exists, so a
 * Ctrl-C right after the spawn still reaches it; until then they do nothing. */
#include <signal.h>

#include "cli.h"
#include "skiff/terminal.h"

static volatile sig_atomic_t proxy_pid;

static void
forward_signal (int sig)
{
  pid_t pid = proxy_pid;
  if (pid > 0)
    kill (pid, sig);
}

/* SIGWINCH and SIGCONT too: without a terminal relay the process still learns about them. */
static const int proxied_signals[]
    = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

static void
set_handlers (void (*handler) (int))
{
  struct sigaction sa = { 0 };
  sa.sa_handler = handler;
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < sizeof proxied_signals / sizeof proxied_signals[0]; i++)
    sigaction (proxied_signals[i], &sa, NULL);
}

void
skiff_cli_sig_proxy_start (void)
{
  proxy_pid = 0;
  set_handlers (forward_signal);
}

void
skiff_cli_sig_proxy_target (pid_t pid)
{
  proxy_pid = pid;
}

void
skiff_cli_sig_proxy_stop (void)
{
  proxy_pid = 0;
  set_handlers (SIG_DFL);
}

/* Raw mode must not outlive us: a fatal signal first restores the terminal, then kills us as
 * it would have (async-signal-safe: skiff_term_restore only calls tcsetattr). */
static void
restore_and_die (int sig)
{
  skiff_term_restore ();
  signal (sig, SIG_DFL);
  raise (sig);
}

void
skiff_cli_term_guard (void)
{
  static const int fatal[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
  struct sigaction sa = { 0 };
  sa.sa_handler = restore_and_die;
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
    sigaction (fatal[i], &sa, NULL);
  /* a closed output is then an error return of the relay, which restores the terminal */
  signal (SIGPIPE, SIG_IGN);
}
