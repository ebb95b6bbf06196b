/* Signal names as docker spells them (moby/sys/signal SignalMap). */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/monitor.h"

static const struct
{
  const char *name;
  int sig;
} signal_names[] = {
  { "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "BUS", SIGBUS },       { "CHLD", SIGCHLD },
  { "CLD", SIGCHLD },  { "CONT", SIGCONT }, { "FPE", SIGFPE },       { "HUP", SIGHUP },
  { "ILL", SIGILL },   { "INT", SIGINT },   { "IO", SIGIO },         { "IOT", SIGIOT },
  { "KILL", SIGKILL }, { "PIPE", SIGPIPE }, { "POLL", SIGPOLL },     { "PROF", SIGPROF },
  { "PWR", SIGPWR },   { "QUIT", SIGQUIT }, { "SEGV", SIGSEGV },     { "STKFLT", SIGSTKFLT },
  { "STOP", SIGSTOP }, { "SYS", SIGSYS },   { "TERM", SIGTERM },     { "TRAP", SIGTRAP },
  { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
  { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "VTALRM", SIGVTALRM }, { "WINCH", SIGWINCH },
  { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
};

/* "RTMIN", "RTMIN+3", "RTMAX-2"; -1 when s is none of these. */
static int
realtime (const char *s)
{
  int base;
  if (strncasecmp (s, "RTMIN", 5) == 0)
    base = SIGRTMIN;
  else if (strncasecmp (s, "RTMAX", 5) == 0)
    base = SIGRTMAX;
  else
    return -1;
  s += 5;
  if (*s == '\0')
    return base;
  if ((*s != '+' && *s != '-') || !isdigit ((unsigned char)s[1]))
    return -1;
  char *end;
  long off = strtol (s, &end, 10);
  if (*end != '\0' || base + off < SIGRTMIN || base + off > SIGRTMAX)
    return -1;
  return base + (int)off;
}

int
skiff_engine_parse_signal (const char *text, struct skiff_error **err)
{
  if (isdigit ((unsigned char)text[0]))
    {
      char *end;
      long n = strtol (text, &end, 10);
      if (*end == '\0' && n > 0 && n < NSIG)
        return (int)n;
    }
  else
    {
      const char *name = strncasecmp (text, "SIG", 3) == 0 ? text + 3 : text;
      for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
        if (strcasecmp (name, signal_names[i].name) == 0)
          return signal_names[i].sig;
      int rt = realtime (name);
      if (rt > 0)
        return rt;
    }
  return skiff_error_make (err, 0, "Invalid signal: %s", text);
}
