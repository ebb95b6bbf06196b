/* The mount flag syntaxes (-v, --mount, --tmpfs), their record in config.json, and the map of
 * a --userns=keep-id|nomap namespace. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/mount.h"

static char *
parse_error (int (*parse) (const char *, struct skiff_mount *, struct skiff_error **),
             const char *spec)
{
  struct skiff_mount m = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_lt (parse (spec, &m, &err), 0);
  ck_assert_ptr_nonnull (err);
  ck_assert_int_eq (err->exit_code, 125);
  char *msg = strdup (err->msg);
  skiff_error_free (err);
  return msg;
}

START_TEST (volume_flag)
{
  struct skiff_mount m = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_mount_parse_volume ("/host/dir:/src:ro,z,rshared", &m, &err), 0);
  ck_assert_int_eq (m.type, SKIFF_MOUNT_BIND);
  ck_assert_str_eq (m.source, "/host/dir");
  ck_assert_str_eq (m.destination, "/src");
  ck_assert_str_eq (m.mode, "ro,z,rshared");
  ck_assert_str_eq (m.propagation, "rshared");
  ck_assert (m.read_only && m.create_host_path);
  skiff_mount_clear (&m);
  ck_assert_int_eq (skiff_mount_parse_volume ("data:/d/./x/:U,nocopy,noexec", &m, &err), 0);
  ck_assert_int_eq (m.type, SKIFF_MOUNT_VOLUME);
  ck_assert_str_eq (m.source, "data");
  ck_assert_str_eq (m.destination, "/d/x");
  ck_assert (m.chown && m.nocopy && m.noexec && !m.anonymous);
  skiff_mount_clear (&m);
  ck_assert_int_eq (skiff_mount_parse_volume ("//anon", &m, &err), 0);
  ck_assert (m.type == SKIFF_MOUNT_VOLUME && m.anonymous && m.source == NULL);
  ck_assert_str_eq (m.destination, "/anon");
  skiff_mount_clear (&m);

  char *e = parse_error (skiff_mount_parse_volume, "./rel:/x");
  ck_assert_ptr_nonnull (strstr (e, "If you intended to pass a host directory, use absolute path"));
  free (e);
  e = parse_error (skiff_mount_parse_volume, "/a:/b:ro,rw");
  ck_assert_str_eq (e, "invalid mode: ro,rw");
  free (e);
  e = parse_error (skiff_mount_parse_volume, "/a:/b:shared,slave");
  ck_assert_str_eq (e, "invalid mode: shared,slave");
  free (e);
  e = parse_error (skiff_mount_parse_volume, "/a:/b:c:d");
  ck_assert_str_eq (e, "invalid volume specification: '/a:/b:c:d'");
  free (e);
  e = parse_error (skiff_mount_parse_volume, "/a:/");
  ck_assert_str_eq (e, "invalid specification: destination can't be '/'");
  free (e);
  e = parse_error (skiff_mount_parse_volume, "/a:/b/../c");
  ck_assert_ptr_nonnull (strstr (e, "must not contain '..'"));
  free (e);
  e = parse_error (skiff_mount_parse_volume, "/a:rel");
  ck_assert_str_eq (e, "invalid mount path: 'rel' mount path must be absolute");
  free (e);
}
END_TEST

START_TEST (mount_flag)
{
  struct skiff_mount m = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_mount_parse_mount ("type=bind,src=/h,dst=/c,readonly,bind-propagation="
                                             "rslave",
                                             &m, &err),
                    0);
  ck_assert (m.type == SKIFF_MOUNT_BIND && m.read_only && !m.create_host_path);
  ck_assert_str_eq (m.propagation, "rslave");
  skiff_mount_clear (&m);
  ck_assert_int_eq (skiff_mount_parse_mount ("target=/v,readonly=false", &m, &err), 0);
  ck_assert (m.type == SKIFF_MOUNT_VOLUME && m.anonymous && !m.read_only);
  skiff_mount_clear (&m);
  ck_assert_int_eq (
      skiff_mount_parse_mount ("type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=700", &m, &err), 0);
  ck_assert_str_eq (m.data, "size=1m,mode=700");
  skiff_mount_clear (&m);
  char *e = parse_error (skiff_mount_parse_mount, "type=bind,target=/c");
  ck_assert_str_eq (e, "invalid mount config for type \"bind\": field Source must not be empty");
  free (e);
  e = parse_error (skiff_mount_parse_mount, "type=foo,target=/c");
  ck_assert_str_eq (e, "invalid argument \"type=foo\" for \"--mount\" flag: unknown mount type "
                       "\"foo\"");
  free (e);
  e = parse_error (skiff_mount_parse_mount, "type=bind,source=/a");
  ck_assert_str_eq (e, "invalid mount config for type \"bind\": field Target must not be empty");
  free (e);
  e = parse_error (skiff_mount_parse_mount, "type=tmpfs,source=/a,target=/b");
  ck_assert_str_eq (e, "invalid mount config for type \"tmpfs\": field Source must not be "
                       "specified");
  free (e);
  e = parse_error (skiff_mount_parse_mount, "type=volume,target=/b,bogus=1");
  ck_assert_str_eq (e, "unexpected key 'bogus' in 'bogus=1'");
  free (e);
}
END_TEST

START_TEST (tmpfs_flag)
{
  struct skiff_mount m = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_mount_parse_tmpfs ("/run", &m, &err), 0);
  ck_assert (m.noexec && m.nosuid && m.nodev && !m.read_only && m.data == NULL);
  skiff_mount_clear (&m);
  ck_assert_int_eq (skiff_mount_parse_tmpfs ("/run:exec,ro,size=64m,mode=1777", &m, &err), 0);
  ck_assert (!m.noexec && m.read_only);
  ck_assert_str_eq (m.data, "size=64m,mode=1777");
  skiff_mount_clear (&m);
  char *e = parse_error (skiff_mount_parse_tmpfs, "/run:bogus");
  ck_assert_str_eq (e, "invalid tmpfs option [\"bogus\"]");
  free (e);
}
END_TEST

START_TEST (record_round_trip)
{
  struct skiff_mounts_config mc = { .userns = strdup ("keep-id") }, back = { 0 };
  struct skiff_mount m = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_mount_parse_volume ("/h:/c:ro,U", &m, &err), 0);
  skiff_mounts_config_add (&mc, &m);
  skiff_mount_clear (&m);
  ck_assert_int_eq (skiff_mount_parse_tmpfs ("/t:size=1m", &m, &err), 0);
  skiff_mounts_config_add (&mc, &m);
  skiff_mount_clear (&m);
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_mounts_config_gen (g, &mc);
  yajl_gen_map_close (g);
  _cleanup_free_ char *json = skiff_json_gen_finish (g, NULL);
  _cleanup_yajl_val_ yajl_val root = NULL;
  ck_assert_int_eq (skiff_json_parse (json, "test", &root, &err), 0);
  ck_assert_int_eq (skiff_mounts_config_read (root, "test", &back, &err), 0);
  ck_assert_uint_eq (back.n, 2);
  ck_assert_str_eq (back.userns, "keep-id");
  ck_assert (back.v[0].type == SKIFF_MOUNT_BIND && back.v[0].read_only && back.v[0].chown);
  ck_assert_str_eq (back.v[0].mode, "ro,U");
  ck_assert (back.v[1].type == SKIFF_MOUNT_TMPFS && back.v[1].noexec);
  ck_assert_str_eq (back.v[1].data, "size=1m");
  ck_assert_ptr_nonnull (skiff_mounts_config_find (&back, "/t"));
  skiff_mounts_config_clear (&mc);
  skiff_mounts_config_clear (&back);
}
END_TEST

START_TEST (nested_maps)
{
  char buf[128];
  ck_assert_int_gt (
      skiff_sandbox_nested_map (SKIFF_SANDBOX_USERNS_KEEP_ID, 1001, 65537, buf, sizeof buf), 0);
  ck_assert_str_eq (buf, "0 1 1001\n1001 0 1\n1002 1002 64535\n");
  skiff_sandbox_nested_map (SKIFF_SANDBOX_USERNS_KEEP_ID, 1001, 1, buf, sizeof buf);
  ck_assert_str_eq (buf, "1001 0 1\n");
  skiff_sandbox_nested_map (SKIFF_SANDBOX_USERNS_KEEP_ID, 100000, 65537, buf, sizeof buf);
  ck_assert_str_eq (buf, "0 1 65536\n100000 0 1\n");
  skiff_sandbox_nested_map (SKIFF_SANDBOX_USERNS_NOMAP, 1001, 65537, buf, sizeof buf);
  ck_assert_str_eq (buf, "0 1 65536\n");
  ck_assert_int_lt (skiff_sandbox_nested_map (SKIFF_SANDBOX_USERNS_NOMAP, 1001, 1, buf, sizeof buf),
                    0);
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_mount_userns_check ("keep-id", true, &err), 0);
  ck_assert_int_lt (skiff_mount_userns_check ("keep-id", false, &err), 0);
  ck_assert_str_eq (err->msg, "keep-id is only supported in rootless mode");
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_mount_userns_check ("bogus", true, &err), 0);
  skiff_error_free (err);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("mount");
  TCase *tc = tcase_create ("pure");
  tcase_add_test (tc, volume_flag);
  tcase_add_test (tc, mount_flag);
  tcase_add_test (tc, tmpfs_flag);
  tcase_add_test (tc, record_round_trip);
  tcase_add_test (tc, nested_maps);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
