#include "skiff/interrupt.h"

#include <signal.h>
#include <stddef.h>

static volatile sig_atomic_t pending;

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };

static void
record (int sig)
{
  if (pending == 0)
    pending = sig;
}

void
skiff_interrupt_catch (void)
{
  struct sigaction sa = { .sa_handler = record }; /* no SA_RESTART: reads return EINTR */
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
    {
      struct sigaction old;
      /* a signal the caller ignores (nohup, a background job's SIGINT) stays ignored */
      if (sigaction (caught[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction (caught[i], &sa, NULL);
    }
  /* a file-size limit (ulimit -f) fails the write with EFBIG, which is reported and undone,
   * instead of killing the command halfway through a layer */
  signal (SIGXFSZ, SIG_IGN);
}

int
skiff_interrupted (void)
{
  return pending;
}

void
skiff_interrupt_reraise (void)
{
  int sig = pending;
  if (sig == 0)
    return;
  signal (sig, SIG_DFL);
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, sig);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
  raise (sig);
}
