/* skiff info [--format F]: the host, the store and what it holds, in podman's layout (host,
 * store, version objects with camelCase keys).  Without --format the tree is printed as
 * podman's YAML-like text; --format json prints it as JSON, a template sees it as
 * {{.Host.Kernel}}, podman's Go field names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/format.h"
#include "skiff/json.h"
#include "skiff/system_info.h"
#include "skiff/xalloc.h"

struct info_opts
{
  const char *format;
};

static const struct skiff_opt info_options[] = {
  SKIFF_OPT_S ("format", 'f', struct info_opts, format,
               "Format the output using the given Go template, or json"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_info_groups[] = { info_options, NULL };

static void
gen_host (yajl_gen g, const struct skiff_system_info *in)
{
  skiff_json_gen_key (g, "host");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "arch", in->arch);
  skiff_json_gen_key_string (g, "cgroupManager", in->cgroup_manager);
  skiff_json_gen_key_string (g, "cgroupVersion", in->cgroup_version);
  skiff_json_gen_key_int (g, "cpus", in->cpus);
  skiff_json_gen_key_string (g, "distribution", in->distribution);
  skiff_json_gen_key_string (g, "hostname", in->hostname);
  skiff_json_gen_key_string (g, "kernel", in->kernel);
  skiff_json_gen_key_int (g, "memFree", (int64_t)in->mem_free);
  skiff_json_gen_key_int (g, "memTotal", (int64_t)in->mem_total);
  skiff_json_gen_key (g, "ociRuntime");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "name", "skiff");
  skiff_json_gen_key_string (g, "version", SKIFF_VERSION);
  yajl_gen_map_close (g);
  skiff_json_gen_key_string (g, "os", in->os);
  skiff_json_gen_key (g, "security");
  yajl_gen_map_open (g);
  skiff_json_gen_key_bool (g, "apparmorEnabled", false);
  skiff_json_gen_key_bool (g, "rootless", in->rootless);
  skiff_json_gen_key_bool (g, "seccompEnabled", false);
  skiff_json_gen_key_bool (g, "selinuxEnabled", false);
  /* docker's SecurityOptions: every container has its own cgroup namespace */
  char *options[]
      = { (char *)"name=cgroupns", in->rootless ? (char *)"name=rootless" : NULL, NULL };
  skiff_json_gen_key_strv (g, "securityOptions", options, true);
  yajl_gen_map_close (g);
  skiff_json_gen_key_int (g, "swapFree", (int64_t)in->swap_free);
  skiff_json_gen_key_int (g, "swapTotal", (int64_t)in->swap_total);
  skiff_json_gen_key_int (g, "uptime", in->uptime);
  yajl_gen_map_close (g);
}

static void
gen_store (yajl_gen g, const struct skiff_system_info *in)
{
  skiff_json_gen_key (g, "store");
  yajl_gen_map_open (g);
  skiff_json_gen_key (g, "containerStore");
  yajl_gen_map_open (g);
  skiff_json_gen_key_int (g, "number", (int64_t)in->containers);
  skiff_json_gen_key_int (g, "paused", (int64_t)in->paused);
  skiff_json_gen_key_int (g, "running", (int64_t)in->running);
  skiff_json_gen_key_int (g, "stopped", (int64_t)in->stopped);
  yajl_gen_map_close (g);
  skiff_json_gen_key_string (g, "graphDriverName", in->graph_driver);
  skiff_json_gen_key_string (g, "graphRoot", in->graph_root);
  skiff_json_gen_key (g, "imageStore");
  yajl_gen_map_open (g);
  skiff_json_gen_key_int (g, "number", (int64_t)in->images);
  yajl_gen_map_close (g);
  skiff_json_gen_key_string (g, "runRoot", in->run_root);
  yajl_gen_map_close (g);
}

static char *
info_json (const struct skiff_system_info *in, bool pretty)
{
  yajl_gen g = skiff_json_gen_new (pretty);
  yajl_gen_map_open (g);
  gen_host (g, in);
  gen_store (g, in);
  skiff_json_gen_key (g, "version");
  yajl_gen_map_open (g);
  _cleanup_free_ char *osarch = xasprintf ("%s/%s", in->os, in->arch);
  skiff_json_gen_key_string (g, "OsArch", osarch);
  skiff_json_gen_key_string (g, "Version", SKIFF_VERSION);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  size_t len;
  char *text = skiff_json_gen_finish (g, &len);
  yajl_gen_free (g);
  return text;
}

/* podman's default output: the tree as YAML ("key: value", nested objects indented). */
static void
print_yaml (yajl_val v, int depth)
{
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      yajl_val x = v->u.object.values[i];
      printf ("%*s%s:", depth * 2, "", v->u.object.keys[i]);
      if (YAJL_IS_OBJECT (x))
        {
          printf ("\n");
          print_yaml (x, depth + 1);
        }
      else if (YAJL_IS_ARRAY (x))
        {
          printf ("\n");
          for (size_t k = 0; k < x->u.array.len; k++)
            printf ("%*s- %s\n", depth * 2 + 2, "", YAJL_GET_STRING (x->u.array.values[k]));
        }
      else if (YAJL_IS_STRING (x))
        printf (" %s\n", YAJL_GET_STRING (x));
      else if (YAJL_IS_NUMBER (x))
        printf (" %s\n", YAJL_GET_NUMBER (x));
      else
        printf (" %s\n", YAJL_IS_TRUE (x) ? "true" : "false");
    }
}

/* Templates see podman's Go structs (Host.Kernel, Store.GraphRoot): their field names are the
 * JSON keys capitalised, and the engine matches a struct's fields case-insensitively
 * (CPUs = Cpus).  Objects with all keys capitalised are what it treats as structs. */
static void
capitalize_keys (yajl_val v)
{
  if (!YAJL_IS_OBJECT (v))
    return;
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      char *k = (char *)v->u.object.keys[i];
      if (k[0] >= 'a' && k[0] <= 'z')
        k[0] = (char)(k[0] - 'a' + 'A');
      capitalize_keys (v->u.object.values[i]);
    }
}

int
cmd_info (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct info_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  if (res.nargs > 0)
    return skiff_cli_usage_error (cli, err, "\"skiff info\" accepts no arguments");
  struct skiff_store *store;
  struct skiff_system_info in;
  if ((r = skiff_cli_store_outside (cli, &store, err)) < 0
      || (r = skiff_system_info_gather (store, &in, err)) < 0)
    return r;
  bool json = o.format && strcmp (o.format, "json") == 0;
  _cleanup_free_ char *text = info_json (&in, json);
  skiff_system_info_clear (&in);
  if (json)
    {
      printf ("%s\n", text);
      return 0;
    }
  _cleanup_yajl_val_ yajl_val tree = NULL;
  if ((r = skiff_json_parse (text, "info", &tree, err)) < 0)
    return r;
  if (o.format == NULL || o.format[0] == '\0')
    {
      print_yaml (tree, 0);
      return 0;
    }
  capitalize_keys (tree);
  return skiff_format_inspect (stdout, o.format, &tree, 1, err);
}
