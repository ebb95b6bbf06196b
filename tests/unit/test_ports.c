/* src/network/ports_parse.c and ports_text.c: -p/--expose as docker's go-connections parses
 * them (its error texts), the config create records, and ps's PORTS text (docker/cli's
 * DisplayablePorts grouping). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/ports.h"
#include "skiff/strv.h"

static char *
publish_error (const char *text)
{
  struct skiff_port_binding *v = NULL;
  size_t n = 0;
  struct skiff_error *err = NULL;
  int r = skiff_ports_parse_publish (text, &v, &n, &err);
  free (v);
  if (r == 0)
    return NULL;
  ck_assert_int_eq (err->exit_code, 125);
  char *msg = strdup (err->msg);
  skiff_error_free (err);
  return msg;
}

START_TEST (publish_forms)
{
  struct skiff_port_binding *v = NULL;
  size_t n = 0;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_ports_parse_publish ("127.0.0.1:18080:80", &v, &n, &err), 0);
  ck_assert_int_eq (skiff_ports_parse_publish ("8000-8001:90-91/UDP", &v, &n, &err), 0);
  ck_assert_int_eq (skiff_ports_parse_publish ("[::1]::53/udp", &v, &n, &err), 0);
  ck_assert_int_eq (skiff_ports_parse_publish ("9000-9009:70", &v, &n, &err), 0);
  ck_assert_int_eq (skiff_ports_parse_publish ("5000/", &v, &n, &err), 0);
  ck_assert_uint_eq (n, 6);
  ck_assert_str_eq (v[0].host_ip, "127.0.0.1");
  ck_assert_uint_eq (v[0].host_port, 18080);
  ck_assert_uint_eq (v[0].port, 80);
  ck_assert_str_eq (v[0].proto, "tcp");
  ck_assert_uint_eq (v[2].port, 91);
  ck_assert_uint_eq (v[2].host_port, 8001);
  ck_assert_str_eq (v[2].proto, "udp");
  ck_assert_str_eq (v[3].host_ip, "::1");
  ck_assert_uint_eq (v[3].host_port, 0);
  ck_assert_uint_eq (v[4].host_port, 9000); /* a range to pick a free one from */
  ck_assert_uint_eq (v[4].host_port_last, 9009);
  ck_assert_str_eq (v[5].proto, "tcp");
  free (v);
}
END_TEST

START_TEST (publish_errors)
{
  static const char *const cases[][2] = {
    { "80/bogus", "Invalid proto: bogus" },
    { "abc", "Invalid containerPort: abc" },
    { "70000:80", "Invalid hostPort: 70000" },
    { "1.2.3:80:80", "Invalid ip address: 1.2.3" },
    { "8080-8081:80-85", "Invalid ranges specified for container and host Ports: 80-85 and "
                         "8080-8081" },
    { "127.0.0.1::", "No port specified: 127.0.0.1::<empty>" },
    { "90-80", "Invalid containerPort: 90-80" },
    { "", "No port specified: <empty>" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      _cleanup_free_ char *msg = publish_error (cases[i][0]);
      ck_assert_msg (msg != NULL, "%s accepted", cases[i][0]);
      ck_assert_str_eq (msg, cases[i][1]);
    }
}
END_TEST

START_TEST (config_exposed)
{
  char *publish[] = { "8080:80", NULL };
  char *expose[] = { "7000-7001", "53/udp", NULL };
  char *image[] = { "443/tcp", "80/tcp", NULL };
  struct skiff_ports_spec spec = { .publish = publish, .expose = expose, .publish_all = true };
  struct skiff_ports_config cfg;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_ports_config_build (&spec, image, &cfg, &err), 0);
  _cleanup_free_ char *keys = skiff_strv_join (cfg.exposed, " ");
  ck_assert_str_eq (keys, "53/udp 80/tcp 443/tcp 7000/tcp 7001/tcp");
  ck_assert (skiff_ports_config_publishes (&cfg));
  skiff_ports_config_clear (&cfg);
  char *bad[] = { "1:2", NULL };
  struct skiff_ports_spec bad_spec = { .expose = bad };
  ck_assert_int_lt (skiff_ports_spec_check (&bad_spec, &err), 0);
  ck_assert_str_eq (err->msg, "invalid port format for --expose: 1:2");
  skiff_error_free (err);
}
END_TEST

START_TEST (ps_text)
{
  struct skiff_port_binding v[] = {
    { .proto = "tcp", .port = 80, .host_ip = "", .host_port = 80 },
    { .proto = "tcp", .port = 81, .host_ip = "", .host_port = 81 },
    { .proto = "tcp", .port = 90, .host_ip = "127.0.0.1", .host_port = 18080 },
  };
  struct skiff_ports_active a = { .v = v, .n = 3 };
  char *exposed[] = { "80/tcp", "81/tcp", "90/tcp", "100/udp", "101/udp", NULL };
  _cleanup_free_ char *text = skiff_ports_ps_text (&a, exposed);
  ck_assert_str_eq (text, "0.0.0.0:80-81->80-81/tcp, 100-101/udp, 127.0.0.1:18080->90/tcp");
  _cleanup_free_ char *none = skiff_ports_ps_text (NULL, NULL);
  ck_assert_str_eq (none, "");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("ports");
  TCase *tc = tcase_create ("pure");
  tcase_add_test (tc, publish_forms);
  tcase_add_test (tc, publish_errors);
  tcase_add_test (tc, config_exposed);
  tcase_add_test (tc, ps_text);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
