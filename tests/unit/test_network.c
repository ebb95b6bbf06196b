/* src/network's pure parts: --network values, the flag checks, /etc/hosts and resolv.conf
 * text, legacy links' variables (docker's links_test.go vectors and links.md's example), and
 * address picking from leases. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "network/network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/network.h"
#include "skiff/strv.h"

static char *
check_error (const struct skiff_network_spec *spec)
{
  struct skiff_error *err = NULL;
  if (skiff_network_spec_check (spec, &err) == 0)
    return NULL;
  ck_assert_int_eq (err->exit_code, 125);
  char *msg = strdup (err->msg);
  skiff_error_free (err);
  return msg;
}

START_TEST (modes)
{
  struct skiff_network_mode m;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_network_mode_parse ("none", &m, &err), 0);
  ck_assert_int_eq (m.kind, SKIFF_NET_NONE);
  ck_assert_int_eq (skiff_network_mode_parse ("bridge", &m, &err), 0);
  ck_assert_int_eq (m.kind, SKIFF_NET_BRIDGE);
  ck_assert_int_eq (skiff_network_mode_parse ("container:db", &m, &err), 0);
  ck_assert_int_eq (m.kind, SKIFF_NET_CONTAINER);
  ck_assert_str_eq (m.arg, "db");
  ck_assert_int_eq (skiff_network_mode_parse ("ns:/run/netns/x", &m, &err), 0);
  ck_assert_str_eq (m.arg, "/run/netns/x");
  /* a user-defined network's name: whether it exists is create's question */
  ck_assert_int_eq (skiff_network_mode_parse ("my-net.1", &m, &err), 0);
  ck_assert_int_eq (m.kind, SKIFF_NET_BRIDGE);
  ck_assert_str_eq (m.arg, "my-net.1");
  ck_assert_int_eq (skiff_network_mode_parse ("skiff", &m, &err), 0);
  ck_assert_ptr_null (m.arg);
  ck_assert_int_lt (skiff_network_mode_parse ("bo/gus", &m, &err), 0);
  ck_assert_str_eq (err->msg, "network bo/gus not found");
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_network_mode_parse ("ns:rel", &m, &err), 0);
  skiff_error_free (err);
}
END_TEST

START_TEST (flag_checks)
{
  char *bad_host[] = { "nocolon", NULL }, *bad_ip[] = { "h:1.2.3", NULL };
  char *nl_host[] = { "a\nb:1.2.3.4", NULL }, *dns[] = { "8.8.8.x", NULL };
  char *search[] = { "-bad.example", NULL }, *links[] = { "a:b:c", NULL };
  char *ok_host[] = { "db:10.0.0.1", "v6:::1", NULL }, *link1[] = { "db", NULL };
  struct skiff_network_spec s = { .add_hosts = bad_host };
  _cleanup_free_ char *e1 = check_error (&s);
  ck_assert_str_eq (e1, "invalid argument \"nocolon\" for \"--add-host\" flag: bad format for "
                        "add-host: \"nocolon\"");
  s.add_hosts = bad_ip;
  _cleanup_free_ char *e2 = check_error (&s);
  ck_assert_str_eq (e2, "invalid argument \"h:1.2.3\" for \"--add-host\" flag: invalid IP "
                        "address in add-host: \"1.2.3\"");
  s.add_hosts = nl_host;
  _cleanup_free_ char *e3 = check_error (&s);
  ck_assert_ptr_nonnull (e3);
  s = (struct skiff_network_spec){ .dns = dns };
  _cleanup_free_ char *e4 = check_error (&s);
  ck_assert_str_eq (e4, "invalid argument \"8.8.8.x\" for \"--dns\" flag: 8.8.8.x is not an ip "
                        "address");
  s = (struct skiff_network_spec){ .dns_search = search };
  _cleanup_free_ char *e5 = check_error (&s);
  ck_assert_ptr_nonnull (e5);
  s = (struct skiff_network_spec){ .links = links };
  _cleanup_free_ char *e6 = check_error (&s);
  ck_assert_str_eq (e6, "invalid argument \"a:b:c\" for \"--link\" flag: bad format for links: "
                        "a:b:c");
  s = (struct skiff_network_spec){ .links = link1, .mode = "host" };
  _cleanup_free_ char *e7 = check_error (&s);
  ck_assert_str_eq (e7, "conflicting options: host type networking can't be used with links. "
                        "This would result in undefined behavior");
  s = (struct skiff_network_spec){ .add_hosts = ok_host, .mode = "none" };
  ck_assert_ptr_null (check_error (&s));
}
END_TEST

START_TEST (hosts_text)
{
  char *extra[] = { "db:10.0.0.9", "v6:fe80::1", NULL };
  char *links[] = { "10.88.0.5\tcache 3f1c0aa2b7d4 db", NULL };
  struct skiff_hosts_input in = { .extra_hosts = extra,
                                  .link_lines = links,
                                  .own_ip = "10.88.0.3",
                                  .hostname = "9b2e61d0c8aa",
                                  .name = "web" };
  _cleanup_free_ char *t = skiff_network_hosts_text (&in);
  ck_assert_str_eq (t, "127.0.0.1\tlocalhost\n"
                       "::1\tlocalhost ip6-localhost ip6-loopback\n"
                       "fe00::\tip6-localnet\n"
                       "ff00::\tip6-mcastprefix\n"
                       "ff02::1\tip6-allnodes\n"
                       "ff02::2\tip6-allrouters\n"
                       "10.0.0.9\tdb\n"
                       "fe80::1\tv6\n"
                       "10.88.0.5\tcache 3f1c0aa2b7d4 db\n"
                       "10.88.0.3\t9b2e61d0c8aa web\n");
  struct skiff_hosts_input host = { .host_hosts = "127.0.0.1 localhost box", .hostname = "box" };
  _cleanup_free_ char *h = skiff_network_hosts_text (&host);
  ck_assert_str_eq (h, "127.0.0.1 localhost box\n");
}
END_TEST

START_TEST (resolv_text)
{
  const char *host = "search example.org\nnameserver 127.0.0.53\nnameserver 10.0.0.1\n"
                     "options edns0\n";
  _cleanup_free_ char *a = skiff_network_resolv_text (host, false, NULL, NULL, NULL);
  ck_assert_str_eq (a, "search example.org\nnameserver 10.0.0.1\noptions edns0\n");
  _cleanup_free_ char *b = skiff_network_resolv_text (host, true, NULL, NULL, NULL);
  ck_assert_str_eq (b, host);
  char *dns[] = { "9.9.9.9", NULL }, *search[] = { "a.test", "b.test", NULL };
  char *opts[] = { "ndots:2", NULL }, *dot[] = { ".", NULL };
  _cleanup_free_ char *c = skiff_network_resolv_text (host, false, dns, search, opts);
  ck_assert_str_eq (c, "nameserver 9.9.9.9\nsearch a.test b.test\noptions ndots:2\n");
  _cleanup_free_ char *d = skiff_network_resolv_text (host, false, NULL, dot, NULL);
  ck_assert_str_eq (d, "nameserver 10.0.0.1\noptions edns0\n");
  _cleanup_free_ char *e = skiff_network_resolv_text ("nameserver ::1\n", false, NULL, NULL, NULL);
  ck_assert_str_eq (e, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}
END_TEST

static bool
has (char *const *v, const char *s)
{
  return skiff_strv_contains (v, s);
}

/* links.md §6 */
START_TEST (link_env_example)
{
  char *ports[] = { "6380/tcp", "6379/tcp", NULL };
  char *env[] = { "PATH=/usr/bin",   "HOSTNAME=3f1c0aa2b7d4",
                  "PASSWORD=s3cret", "REDIS_VERSION=7.2",
                  "HOME=/root",      NULL };
  _cleanup_strv_ char **v = skiff_network_link_env ("/web/cache", "172.17.0.2", ports, env);
  const char *want[] = {
    "CACHE_PORT=tcp://172.17.0.2:6379",    "CACHE_PORT_6379_TCP=tcp://172.17.0.2:6379",
    "CACHE_PORT_6379_TCP_ADDR=172.17.0.2", "CACHE_PORT_6379_TCP_PORT=6379",
    "CACHE_PORT_6379_TCP_PROTO=tcp",       "CACHE_PORT_6380_TCP=tcp://172.17.0.2:6380",
    "CACHE_PORT_6380_TCP_ADDR=172.17.0.2", "CACHE_PORT_6380_TCP_PORT=6380",
    "CACHE_PORT_6380_TCP_PROTO=tcp",       "CACHE_PORT_6379_TCP_START=tcp://172.17.0.2:6379",
    "CACHE_PORT_6379_TCP_PORT_START=6379", "CACHE_PORT_6379_TCP_END=tcp://172.17.0.2:6380",
    "CACHE_PORT_6379_TCP_PORT_END=6380",   "CACHE_NAME=/web/cache",
    "CACHE_ENV_PASSWORD=s3cret",           "CACHE_ENV_REDIS_VERSION=7.2",
  };
  size_t n = sizeof want / sizeof want[0];
  for (size_t i = 0; i < n; i++)
    ck_assert_msg (has (v, want[i]), "missing %s", want[i]);
  ck_assert_uint_eq (skiff_strv_len (v), n);
}
END_TEST

/* moby links_test.go TestLinkMultipleEnv: udp after tcp, one range per protocol run */
START_TEST (link_env_protocols)
{
  char *ports[] = { "6379/tcp", "6380/tcp", "6381/tcp", "53/udp", NULL };
  _cleanup_strv_ char **v = skiff_network_link_env ("/db/docker-1", "172.0.17.2", ports, NULL);
  ck_assert (has (v, "DOCKER_1_PORT=tcp://172.0.17.2:6379"));
  ck_assert (has (v, "DOCKER_1_PORT_6379_TCP_END=tcp://172.0.17.2:6381"));
  ck_assert (has (v, "DOCKER_1_PORT_6379_TCP_PORT_END=6381"));
  ck_assert (has (v, "DOCKER_1_PORT_53_UDP=udp://172.0.17.2:53"));
  ck_assert (!has (v, "DOCKER_1_PORT_53_UDP_START=udp://172.0.17.2:53"));
  ck_assert (has (v, "DOCKER_1_NAME=/db/docker-1"));
  _cleanup_free_ char *line = skiff_network_link_hosts_line ("10.88.0.2", "pg", "h", "db");
  ck_assert_str_eq (line, "10.88.0.2\tpg h db");
  _cleanup_free_ char *same = skiff_network_link_hosts_line ("10.88.0.2", "db", "h", "db");
  ck_assert_str_eq (same, "10.88.0.2\tdb h");
}
END_TEST

START_TEST (lease_pick)
{
  struct skiff_network_info info
      = { .subnet = 0x0a580000, .prefix_len = 30, .gateway = 0x0a580001 };
  struct skiff_lease held[2] = { { .ip = 0x0a580002 } };
  struct skiff_leases l = { .v = held, .n = 0 };
  ck_assert_uint_eq (skiff_leases_pick (&l, &info), 0x0a580002);
  l.n = 1;
  ck_assert_uint_eq (skiff_leases_pick (&l, &info), 0); /* .3 is the broadcast */
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("network");
  TCase *tc = tcase_create ("pure");
  tcase_add_test (tc, modes);
  tcase_add_test (tc, flag_checks);
  tcase_add_test (tc, hosts_text);
  tcase_add_test (tc, resolv_text);
  tcase_add_test (tc, link_env_example);
  tcase_add_test (tc, link_env_protocols);
  tcase_add_test (tc, lease_pick);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
