/* The pure parts of user-defined networks: names, CIDR and MAC parsing, the endpoint flag
 * checks, the names a lease holds, leases in an --ip-range and a requested --ip, and a
 * definition read back from podman's JSON. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "network/netdef-internal.h"
#include "network/network-internal.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/netdef.h"

START_TEST (names_and_cidrs)
{
  ck_assert (skiff_netdef_name_valid ("a"));
  ck_assert (skiff_netdef_name_valid ("my-net_1.x"));
  ck_assert (!skiff_netdef_name_valid (""));
  ck_assert (!skiff_netdef_name_valid ("-x"));
  ck_assert (!skiff_netdef_name_valid ("a b"));
  ck_assert (!skiff_netdef_name_valid ("a/b"));
  ck_assert (!skiff_netdef_name_valid ("a\n"));
  char longname[65];
  memset (longname, 'a', 64);
  longname[64] = '\0';
  ck_assert (!skiff_netdef_name_valid (longname));
  longname[63] = '\0';
  ck_assert (skiff_netdef_name_valid (longname));
  uint32_t net;
  unsigned plen;
  ck_assert (skiff_netdef_parse_cidr ("10.1.2.3/16", &net, &plen));
  ck_assert_uint_eq (net, 0x0a010000);
  ck_assert_uint_eq (plen, 16);
  ck_assert (!skiff_netdef_parse_cidr ("10.1.2.3", &net, &plen));
  ck_assert (!skiff_netdef_parse_cidr ("10.1.2.3/33", &net, &plen));
  ck_assert (!skiff_netdef_parse_cidr ("10.1.2.3/-1", &net, &plen));
  ck_assert (!skiff_netdef_parse_cidr ("10.1.2.3/16x", &net, &plen));
  ck_assert (!skiff_netdef_parse_cidr ("1234567890123456/8", &net, &plen));
  ck_assert (!skiff_netdef_parse_cidr ("::1/64", &net, &plen));
}
END_TEST

START_TEST (endpoint_flags)
{
  unsigned char mac[6];
  ck_assert (skiff_network_mac_parse ("02:aa:bb:cc:dd:ee", mac));
  ck_assert_uint_eq (mac[1], 0xaa);
  ck_assert (!skiff_network_mac_parse ("01:00:5e:00:00:01", mac)); /* multicast */
  ck_assert (!skiff_network_mac_parse ("00:00:00:00:00:00", mac));
  ck_assert (!skiff_network_mac_parse ("02:aa:bb:cc:dd", mac));
  ck_assert (!skiff_network_mac_parse ("02:aa:bb:cc:dd:eex", mac));
  ck_assert (!skiff_network_mac_parse ("0x:aa:bb:cc:dd:ee", mac));
  char *aliases[] = { "ok", "not ok", NULL };
  struct skiff_network_spec spec = { .aliases = aliases };
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_network_endpoint_check (&spec, &err), 0);
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  err = NULL;
  spec = (struct skiff_network_spec){ .ip = "10.0.0.1", .mac = "02:00:00:00:00:01" };
  ck_assert_int_eq (skiff_network_endpoint_check (&spec, &err), 0);
  ck_assert (skiff_lease_names_valid ("web www site"));
  ck_assert (!skiff_lease_names_valid ("web\tx"));
  ck_assert (!skiff_lease_names_valid ("web #x"));
  ck_assert (!skiff_lease_names_valid (""));
}
END_TEST

START_TEST (lease_range_and_want)
{
  struct skiff_network_info info = { .subnet = 0x0a590000,
                                     .prefix_len = 24,
                                     .gateway = 0x0a590001,
                                     .range_first = 0x0a590010,
                                     .range_last = 0x0a590011 };
  struct skiff_lease held[2] = { { .ip = 0x0a590010 }, { .ip = 0x0a590011 } };
  struct skiff_leases l = { .v = held, .n = 0 };
  ck_assert_uint_eq (skiff_leases_pick (&l, &info), 0x0a590010);
  l.n = 1;
  ck_assert_uint_eq (skiff_leases_pick (&l, &info), 0x0a590011);
  l.n = 2;
  ck_assert_uint_eq (skiff_leases_pick (&l, &info), 0); /* the range is full */
  struct skiff_error *err = NULL;
  ck_assert_uint_eq (skiff_leases_want (&l, &info, 0x0a590020, &err), 0x0a590020);
  ck_assert_uint_eq (skiff_leases_want (&l, &info, 0x0a590010, &err), 0);
  ck_assert_str_eq (err->msg, "requested address 10.89.0.16 is already in use on network ");
  skiff_error_free (err);
  err = NULL;
  ck_assert_uint_eq (skiff_leases_want (&l, &info, 0x0a590001, &err), 0); /* the gateway */
  skiff_error_free (err);
  err = NULL;
  ck_assert_uint_eq (skiff_leases_want (&l, &info, 0x0a5900ff, &err), 0); /* broadcast */
  skiff_error_free (err);
  err = NULL;
  ck_assert_uint_eq (skiff_leases_want (&l, &info, 0x0a5a0005, &err), 0); /* outside */
  skiff_error_free (err);
}
END_TEST

START_TEST (definition_json)
{
  static const char good[]
      = "{\"name\":\"n1\",\"id\":\"" /* 64 hex */
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
        "\"driver\":\"bridge\",\"network_interface\":\"skiff1\",\"subnets\":[{\"subnet\":"
        "\"10.89.3.7/24\",\"gateway\":\"10.89.3.1\",\"lease_range\":{\"start_ip\":\"10.89.3.10\","
        "\"end_ip\":\"10.89.3.20\"}}],\"internal\":true,\"labels\":{\"a\":\"b\"},"
        "\"options\":{\"mtu\":\"1400\"}}";
  yajl_val root = NULL;
  struct skiff_error *err = NULL;
  struct skiff_netdef d;
  ck_assert_int_eq (skiff_json_parse (good, "t", &root, &err), 0);
  ck_assert_int_eq (skiff_netdef_parse (root, "t", &d, &err), 0);
  ck_assert_str_eq (d.name, "n1");
  ck_assert_str_eq (d.bridge, "skiff1");
  ck_assert_uint_eq (d.subnet, 0x0a590300); /* host bits cleared */
  ck_assert_uint_eq (d.range_first, 0x0a59030a);
  ck_assert_uint_eq (d.mtu, 1400);
  ck_assert (d.internal && d.dns_enabled && !d.is_default);
  ck_assert_str_eq (d.labels[1], "b");
  skiff_netdef_clear (&d);
  yajl_tree_free (root);
  /* hostile records: a bridge name with a slash, a gateway outside, a short ID */
  const char *bad[] = {
    "{\"name\":\"n\",\"id\":\"ab\",\"network_interface\":\"x\",\"subnet\":\"10.0.0.0/24\","
    "\"gateway\":\"10.0.0.1\"}",
    "{\"name\":\"n\",\"network_interface\":\"../x\",\"subnet\":\"10.0.0.0/24\","
    "\"gateway\":\"10.0.0.1\"}",
    "{\"name\":\"n\",\"network_interface\":\"x\",\"subnet\":\"10.0.0.0/24\","
    "\"gateway\":\"10.0.1.1\"}",
    NULL,
  };
  for (size_t i = 0; bad[i]; i++)
    {
      ck_assert_int_eq (skiff_json_parse (bad[i], "t", &root, &err), 0);
      ck_assert_int_lt (skiff_netdef_parse (root, "t", &d, &err), 0);
      skiff_error_free (err);
      err = NULL;
      skiff_netdef_clear (&d);
      yajl_tree_free (root);
    }
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("netdef");
  TCase *tc = tcase_create ("pure");
  tcase_add_test (tc, names_and_cidrs);
  tcase_add_test (tc, endpoint_flags);
  tcase_add_test (tc, lease_range_and_want);
  tcase_add_test (tc, definition_json);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
