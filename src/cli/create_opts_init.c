/* run/create --init and --init-path: skiff's own init as PID 1 (src/sandbox/init.c); and the
 * defaults skiff.conf(5) gives the flags run and create take. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/config.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* pflag's bool (a bare --init is true), kept apart from "not given": the config file's
 * `init` default applies only then. */
static int
parse_init (const char *value, void *field, struct skiff_error **err)
{
  bool on = true;
  if (value != NULL && !skiff_opts_parse_bool (value, &on))
    return skiff_error_make_status (err, 125, 0,
                                    "invalid argument \"%s\" for \"--init\" flag: "
                                    "strconv.ParseBool: parsing \"%s\": invalid syntax",
                                    value, value);
  *(enum skiff_init_choice *)field = on ? SKIFF_INIT_ON : SKIFF_INIT_OFF;
  return 0;
}

#define C struct skiff_cli_create_opts
const struct skiff_opt skiff_cli_init_options[] = {
  { .name = "init",
    .type = SKIFF_OPT_FUNC,
    .flags = SKIFF_OPT_NO_VALUE,
    .offset = SKIFF_OPT_FIELD (C, spec.init.choice, enum skiff_init_choice),
    .parse = parse_init,
    .help = "Run an init inside the container that forwards signals and reaps processes" },
  SKIFF_OPT_S ("init-path", 0, C, spec.init.path, "Path to the container-init binary"),
  SKIFF_OPT_END,
};
#undef C

int
skiff_cli_config_load (struct skiff_config *cfg, struct skiff_error **err)
{
  _cleanup_strv_ char **warnings = NULL;
  int r = skiff_config_load (cfg, &warnings, err);
  for (size_t i = 0; warnings && warnings[i]; i++)
    log_warn ("%s", warnings[i]);
  return r;
}

/* s in front of *v, a vector of borrowed strings (freed with free ()). */
static void
prepend_borrowed (char ***v, const char *s)
{
  size_t n = skiff_strv_len (*v);
  char **nv = xmalloc ((n + 2) * sizeof *nv);
  nv[0] = (char *)s;
  for (size_t i = 0; i < n; i++)
    nv[i + 1] = (*v)[i];
  nv[n + 1] = NULL;
  free (*v);
  *v = nv;
}

int
skiff_cli_create_defaults (struct skiff_container_spec *spec, struct skiff_error **err)
{
  struct skiff_config cfg;
  int r = skiff_cli_config_load (&cfg, err);
  if (r == 0 && spec->init.choice == SKIFF_INIT_UNSET && cfg.init >= 0)
    spec->init.choice = cfg.init ? SKIFF_INIT_ON : SKIFF_INIT_OFF;
  if (r == 0 && spec->stop_timeout == SKIFF_STOP_TIMEOUT_UNSET
      && cfg.stop_timeout != SKIFF_CONFIG_UNSET)
    spec->stop_timeout = (int)cfg.stop_timeout;
  /* [containers] netns: the mode when --network names none (kept for the process's life:
   * the spec borrows its strings) */
  static char *config_netns;
  if (r == 0 && spec->network.mode == NULL && cfg.netns && *cfg.netns)
    {
      free (config_netns);
      spec->network.mode = config_netns = xstrdup (cfg.netns);
    }
  /* first: a --security-opt no-new-privileges[=false] of the command line comes later, wins */
  if (r == 0 && cfg.no_new_privileges == 1)
    prepend_borrowed (&spec->security.security_opt, "no-new-privileges=true");
  skiff_config_clear (&cfg);
  return r;
}
