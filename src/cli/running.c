/* Commands that act on a running container's processes (exec, attach): find it, check it runs,
 * and, rootless, join the user namespace its processes live in (created by the `run` that
 * started it) instead of making a new one. */
#include "cli.h"

#include <string.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/userns.h"

int
skiff_cli_open_running (struct skiff_cli *cli, const char *text, struct skiff_container **out,
                        struct skiff_error **err)
{
  /* The store is only read here, which the unprivileged user may do from outside. */
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_store_outside (cli, &store, err);
  if (r < 0 || (r = skiff_cli_load_container (store, text, &c, err)) < 0)
    return r;
  if (c->state.status != SKIFF_CONTAINER_RUNNING)
    return skiff_error_make_status (err, 125, 0, "container %s is not running", c->config.id);
  if ((r = skiff_userns_join (skiff_container_join_pid (c), err)) < 0)
    return r;
  *out = steal_ptr (&c);
  return 0;
}

void
skiff_cli_console_size (struct winsize *ws)
{
  memset (ws, 0, sizeof *ws);
  if (ioctl (STDIN_FILENO, TIOCGWINSZ, ws) < 0 && ioctl (STDOUT_FILENO, TIOCGWINSZ, ws) < 0)
    memset (ws, 0, sizeof *ws);
}
