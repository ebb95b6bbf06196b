#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/reference.h"

/* Parses text and returns the normalised string, or the error message prefixed with "!". */
static char *
norm (const char *text)
{
  struct skiff_reference ref;
  struct skiff_error *err = NULL;
  if (skiff_reference_parse (text, &ref, &err) < 0)
    {
      char *m = NULL;
      if (asprintf (&m, "!%s", err->msg) < 0)
        abort ();
      skiff_error_free (err);
      return m;
    }
  char *s = skiff_reference_string (&ref);
  skiff_reference_clear (&ref);
  return s;
}

static const char *const H64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

START_TEST (normalisation)
{
  static const struct
  {
    const char *in, *want;
  } cases[] = {
    { "busybox", "docker.io/library/busybox:latest" },
    { "busybox:1.36", "docker.io/library/busybox:1.36" },
    { "library/busybox", "docker.io/library/busybox:latest" },
    { "docker.io/busybox", "docker.io/library/busybox:latest" },
    { "index.docker.io/busybox", "docker.io/library/busybox:latest" },
    { "user/repo", "docker.io/user/repo:latest" },
    { "a/b/c", "docker.io/a/b/c:latest" },
    { "localhost/x", "localhost/x:latest" },
    { "localhost:5000/x:tag", "localhost:5000/x:tag" },
    { "quay.io/libpod/testimage:20221018", "quay.io/libpod/testimage:20221018" },
    { "example.com:443/a/b", "example.com:443/a/b:latest" },
    { "[::1]:5000/x", "[::1]:5000/x:latest" },
    { "Example.com/x", "Example.com/x:latest" },
    { "a.b-c__d---e", "docker.io/library/a.b-c__d---e:latest" },
    { "x:TAG_1.0-rc", "docker.io/library/x:TAG_1.0-rc" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      _cleanup_free_ char *got = norm (cases[i].in);
      ck_assert_msg (strcmp (got, cases[i].want) == 0, "%s: got %s want %s", cases[i].in, got,
                     cases[i].want);
    }
}
END_TEST

START_TEST (digests)
{
  _cleanup_free_ char *text = NULL;
  ck_assert_int_ge (asprintf (&text, "busybox@sha256:%s", H64), 0);
  _cleanup_free_ char *got = norm (text);
  _cleanup_free_ char *want = NULL;
  ck_assert_int_ge (asprintf (&want, "docker.io/library/busybox@sha256:%s", H64), 0);
  ck_assert_str_eq (got, want);

  struct skiff_reference ref;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_reference_parse (text, &ref, &err), 0);
  ck_assert_ptr_null (ref.tag); /* no implicit :latest with a digest */
  ck_assert_str_eq (ref.digest + 7, H64);
  skiff_reference_clear (&ref);

  _cleanup_free_ char *both = NULL;
  ck_assert_int_ge (asprintf (&both, "x:1@sha256:%s", H64), 0);
  _cleanup_free_ char *g2 = norm (both);
  ck_assert (strncmp (g2, "docker.io/library/x:1@sha256:", 29) == 0);

  _cleanup_free_ char *shortd = norm ("x@sha256:abcd");
  ck_assert_str_eq (shortd, "!invalid reference format: \"x@sha256:abcd\"");
}
END_TEST

START_TEST (invalid)
{
  static const char *const bad[] = {
    "",
    ":tag",
    "a:",
    "-a",
    "a-",
    "a..b",
    "a___b",
    "a/",
    "/a",
    "a//b",
    "a:b:c",
    "a b",
    "x:-tag",
    "x@",
    "x@sha256:",
    "localhost:/x",
    "a.b:port/x",
    "-a.com/x",
    "x:" /* empty */,
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      _cleanup_free_ char *got = norm (bad[i]);
      ck_assert_msg (strncmp (got, "!invalid reference format", 25) == 0, "%s -> %s", bad[i], got);
    }
  _cleanup_free_ char *upper = norm ("Busybox");
  ck_assert_str_eq (upper, "!invalid reference format: repository name (library/Busybox) must "
                           "be lowercase");
  _cleanup_free_ char *upper2 = norm ("quay.io/Foo/bar");
  ck_assert (strstr (upper2, "must be lowercase") != NULL);
  _cleanup_free_ char *id = norm (H64);
  ck_assert (strstr (id, "cannot specify 64-byte hexadecimal strings") != NULL);

  char longtag[140];
  memset (longtag, 'a', sizeof longtag);
  longtag[0] = 'x';
  longtag[1] = ':';
  longtag[2 + 129] = '\0'; /* 129-char tag */
  _cleanup_free_ char *lt = norm (longtag);
  ck_assert (lt[0] == '!');
  longtag[2 + 128] = '\0';
  _cleanup_free_ char *ok = norm (longtag);
  ck_assert (ok[0] != '!');

  char longname[300];
  memset (longname, 'a', sizeof longname);
  longname[299] = '\0';
  _cleanup_free_ char *ln = norm (longname);
  ck_assert (strstr (ln, "must not be more than 255 characters") != NULL);
}
END_TEST

START_TEST (familiar)
{
  static const struct
  {
    const char *in, *fam, *name;
  } cases[] = {
    { "busybox", "busybox:latest", "busybox" },
    { "user/repo:1", "user/repo:1", "user/repo" },
    { "docker.io/library/a/b", "library/a/b:latest", "library/a/b" },
    { "localhost/x", "localhost/x:latest", "localhost/x" },
    { "quay.io/a/b:c", "quay.io/a/b:c", "quay.io/a/b" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct skiff_reference ref;
      struct skiff_error *err = NULL;
      ck_assert_int_eq (skiff_reference_parse (cases[i].in, &ref, &err), 0);
      _cleanup_free_ char *f = skiff_reference_familiar (&ref);
      _cleanup_free_ char *n = skiff_reference_familiar_name (&ref);
      _cleanup_free_ char *full = skiff_reference_name (&ref);
      ck_assert_str_eq (f, cases[i].fam);
      _cleanup_free_ char *full_ref = skiff_reference_string (&ref);
      _cleanup_free_ char *ft = skiff_reference_familiar_text (full_ref);
      ck_assert_str_eq (ft, cases[i].fam);
      ck_assert_str_eq (n, cases[i].name);
      ck_assert (strchr (full, '/') != NULL);
      skiff_reference_clear (&ref);
    }
}
END_TEST

START_TEST (familiar_text_unparsable)
{
  _cleanup_free_ char *t = skiff_reference_familiar_text ("Not A Ref");
  ck_assert_str_eq (t, "Not A Ref");
}
END_TEST

START_TEST (is_id)
{
  char buf[100];
  ck_assert (skiff_reference_is_id (H64));
  snprintf (buf, sizeof buf, "sha256:%s", H64);
  ck_assert (skiff_reference_is_id (buf));
  ck_assert (!skiff_reference_is_id ("0123456789ab"));
  snprintf (buf, sizeof buf, "%.63sA", H64);
  ck_assert (!skiff_reference_is_id (buf));
  snprintf (buf, sizeof buf, "%sa", H64);
  ck_assert (!skiff_reference_is_id (buf));
  ck_assert (!skiff_reference_is_id ("busybox"));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("reference");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, normalisation);
  tcase_add_test (tc, digests);
  tcase_add_test (tc, invalid);
  tcase_add_test (tc, familiar);
  tcase_add_test (tc, familiar_text_unparsable);
  tcase_add_test (tc, is_id);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
