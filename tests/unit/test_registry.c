/* The pure parts of src/registry/: WWW-Authenticate challenges, manifests and indexes (and the
 * platform choice), references as a registry sees them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry-internal.h"
#include "skiff/error.h"
#include "skiff/strv.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

START_TEST (challenge_bearer)
{
  struct skiff_auth_challenge c;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_auth_challenge_parse (
                        "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                        "scope=\"repository:ns/app:pull,push\"",
                        &c, &err),
                    0);
  ck_assert_str_eq (c.scheme, "bearer");
  ck_assert_str_eq (skiff_auth_challenge_param (&c, "realm"), "https://auth.example/token");
  ck_assert_str_eq (skiff_auth_challenge_param (&c, "service"), "registry.example");
  ck_assert_str_eq (skiff_auth_challenge_param (&c, "scope"), "repository:ns/app:pull,push");
  skiff_auth_challenge_clear (&c);
}
END_TEST

START_TEST (challenge_forms)
{
  struct skiff_auth_challenge c;
  struct skiff_error *err = NULL;
  /* case-insensitive scheme and keys, token values, escapes, spaces around '=' and ',' */
  ck_assert_int_eq (
      skiff_auth_challenge_parse ("BASIC Realm = \"a \\\"q\\\" b\" , x=tok", &c, &err), 0);
  ck_assert_str_eq (c.scheme, "basic");
  ck_assert_str_eq (skiff_auth_challenge_param (&c, "realm"), "a \"q\" b");
  ck_assert_str_eq (skiff_auth_challenge_param (&c, "x"), "tok");
  ck_assert_ptr_null (skiff_auth_challenge_param (&c, "service"));
  skiff_auth_challenge_clear (&c);
  ck_assert_int_lt (skiff_auth_challenge_parse ("", &c, &err), 0);
  ck_assert_ptr_nonnull (strstr (err->msg, "no scheme"));
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_auth_challenge_parse ("Bearer realm=\"unterminated", &c, &err), 0);
  skiff_error_free (err);
}
END_TEST

static const char *image_v2s2
    = "{\"schemaVersion\":2,\"mediaType\":\"" SKIFF_MT_DOCKER_V2 "\","
      "\"config\":{\"mediaType\":\"" SKIFF_MT_DOCKER_CONFIG "\",\"size\":7,\"digest\":\"" D1 "\"},"
      "\"layers\":[{\"mediaType\":\"x\",\"size\":10,\"digest\":\"" D2 "\"},"
      "{\"mediaType\":\"x\",\"size\":20,\"digest\":\"" D3 "\"}]}";

static int
parse (const char *ct, const char *body, struct skiff_manifest *m, char **msg)
{
  struct skiff_error *err = NULL;
  int r = skiff_manifest_parse (ct, body, strlen (body), m, &err);
  if (r < 0)
    {
      *msg = strdup (err->msg);
      skiff_error_free (err);
    }
  return r;
}

START_TEST (manifest_image)
{
  struct skiff_manifest m;
  char *msg = NULL;
  ck_assert_int_eq (parse (SKIFF_MT_DOCKER_V2 "; charset=utf-8", image_v2s2, &m, &msg), 0);
  ck_assert_int_eq (m.kind, SKIFF_MANIFEST_IMAGE);
  ck_assert_str_eq (m.config.digest, D1);
  ck_assert_uint_eq (m.n_entries, 2);
  ck_assert_str_eq (m.entries[1].digest, D3);
  ck_assert_int_eq (m.entries[1].size, 20);
  skiff_manifest_clear (&m);
  /* served as application/json: the body's mediaType says */
  ck_assert_int_eq (parse ("application/json", image_v2s2, &m, &msg), 0);
  ck_assert_str_eq (m.media_type, SKIFF_MT_DOCKER_V2);
  skiff_manifest_clear (&m);
  /* a mediaType that contradicts the Content-Type */
  ck_assert_int_lt (parse (SKIFF_MT_OCI_MANIFEST, image_v2s2, &m, &msg), 0);
  ck_assert_ptr_nonnull (strstr (msg, "does not match"));
  free (msg);
}
END_TEST

START_TEST (manifest_refused)
{
  struct skiff_manifest m;
  char *msg = NULL;
  ck_assert_int_lt (parse (SKIFF_MT_DOCKER_V1_SIGNED,
                           "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", &m, &msg),
                    0);
  ck_assert_ptr_nonnull (strstr (msg, "unsupported manifest schema 1"));
  free (msg);
  ck_assert_int_lt (parse ("application/vnd.example+json", "{\"schemaVersion\":2}", &m, &msg), 0);
  ck_assert_ptr_nonnull (strstr (msg, "unsupported manifest type application/vnd.example+json"));
  free (msg);
  /* a digest that is not sha256:<64 hex> */
  ck_assert_int_lt (
      parse (SKIFF_MT_OCI_MANIFEST,
             "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:../x\",\"size\":1},"
             "\"layers\":[]}",
             &m, &msg),
      0);
  ck_assert_ptr_nonnull (strstr (msg, "invalid digest"));
  free (msg);
  ck_assert_int_lt (parse (SKIFF_MT_OCI_MANIFEST,
                           "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":-1},"
                           "\"layers\":[]}",
                           &m, &msg),
                    0);
  free (msg);
}
END_TEST

static const char *index_doc
    = "{\"schemaVersion\":2,\"manifests\":["
      "{\"digest\":\"" D1 "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\","
      "\"variant\":\"v6\"}},"
      "{\"digest\":\"" D2 "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\","
      "\"variant\":\"v7\"}},"
      "{\"digest\":\"" D3
      "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}"
      "]}";

START_TEST (index_select)
{
  struct skiff_manifest m;
  char *msg = NULL;
  /* an OCI index without mediaType, served as application/json */
  ck_assert_int_eq (parse (NULL, index_doc, &m, &msg), 0);
  ck_assert_int_eq (m.kind, SKIFF_MANIFEST_INDEX);
  ck_assert_uint_eq (m.n_entries, 3);
  size_t i = 99;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_manifest_select (&m, "linux", "amd64", NULL, &i, &err), 0);
  ck_assert_uint_eq (i, 2);
  /* arm without a variant: containers/image's order prefers v7 over v6 */
  ck_assert_int_eq (skiff_manifest_select (&m, NULL, "arm", NULL, &i, &err), 0);
  ck_assert_uint_eq (i, 1);
  ck_assert_int_eq (skiff_manifest_select (&m, "linux", "arm", "v6", &i, &err), 0);
  ck_assert_uint_eq (i, 0);
  ck_assert_int_lt (skiff_manifest_select (&m, "linux", "s390x", NULL, &i, &err), 0);
  ck_assert_str_eq (err->msg, "no image found in manifest list for architecture \"s390x\", "
                              "variant \"\", OS \"linux\"");
  skiff_error_free (err);
  skiff_manifest_clear (&m);
}
END_TEST

START_TEST (references)
{
  struct skiff_registry_ref r;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_registry_ref_parse ("127.0.0.1:5000/ns/app:v1", &r, &err), 0);
  ck_assert_str_eq (r.host, "127.0.0.1:5000");
  ck_assert_str_eq (r.repo, "ns/app");
  ck_assert_str_eq (r.name, "127.0.0.1:5000/ns/app");
  ck_assert_str_eq (r.tag, "v1");
  ck_assert_ptr_null (r.digest);
  skiff_registry_ref_clear (&r);
  ck_assert_int_eq (skiff_registry_ref_parse ("busybox", &r, &err), 0);
  ck_assert_str_eq (r.host, "registry-1.docker.io");
  ck_assert_str_eq (r.repo, "library/busybox");
  ck_assert_str_eq (r.tag, "latest");
  skiff_registry_ref_clear (&r);
  ck_assert_int_eq (skiff_registry_ref_parse ("reg.example/x@" D1, &r, &err), 0);
  ck_assert_ptr_null (r.tag);
  ck_assert_str_eq (r.digest, D1);
  skiff_registry_ref_clear (&r);
  ck_assert_int_lt (skiff_registry_ref_parse ("localhost/x:1", &r, &err), 0);
  ck_assert_ptr_nonnull (strstr (err->msg, "not a registry reference"));
  skiff_error_free (err);
}
END_TEST

START_TEST (short_names)
{
  char *search[] = { "127.0.0.1:5000", "reg.example", NULL };
  char *aliases[] = { "app=127.0.0.1:5000/ns/app", NULL };
  struct skiff_registry_opts o = { .search = search, .aliases = aliases };
  char **c = skiff_registry_short_name_candidates ("x:1", &o);
  ck_assert_ptr_nonnull (c);
  ck_assert_str_eq (c[0], "127.0.0.1:5000/x:1");
  ck_assert_str_eq (c[1], "reg.example/x:1");
  ck_assert_ptr_null (c[2]);
  skiff_strv_free (c);
  c = skiff_registry_short_name_candidates ("app:2", &o);
  ck_assert_str_eq (c[0], "127.0.0.1:5000/ns/app:2");
  ck_assert_ptr_null (c[1]);
  skiff_strv_free (c);
  /* a registry part, localhost, an ID or a digest: not short */
  ck_assert_ptr_null (skiff_registry_short_name_candidates ("reg.example/x", &o));
  ck_assert_ptr_null (skiff_registry_short_name_candidates ("host:5000/x", &o));
  ck_assert_ptr_null (skiff_registry_short_name_candidates ("localhost/x", &o));
  ck_assert_ptr_null (skiff_registry_short_name_candidates ("x@" D1, &o));
  /* no search list: the docker.io default applies (NULL) */
  struct skiff_registry_opts none = { 0 };
  ck_assert_ptr_null (skiff_registry_short_name_candidates ("x", &none));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("registry");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, challenge_bearer);
  tcase_add_test (tc, challenge_forms);
  tcase_add_test (tc, manifest_image);
  tcase_add_test (tc, manifest_refused);
  tcase_add_test (tc, index_select);
  tcase_add_test (tc, references);
  tcase_add_test (tc, short_names);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
