/* The tar-split codec (src/image/tar_split.c): a stream split into raw bytes and file
 * references comes back byte for byte, the writer gives up where the files cannot give the
 * bytes back, and the reader refuses hostile records (truncated, oversized, paths outside the
 * layer) with an error rather than a crash or a wrong stream. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "image/image-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

struct file
{
  const char *path;
  const char *data;
};

/* The stream the record describes, file contents looked up in files[]; NULL plus *err on
 * an error. */
static char *
replay (const char *rec, size_t len, const struct file *files, size_t *out_len, char **err)
{
  struct skiff_tar_split_reader *r = NULL;
  struct skiff_error *e = NULL;
  char *out = xstrdup ("");
  size_t n = 0;
  int ret = skiff_tar_split_reader_new (rec, len, &r, &e);
  while (ret == 0)
    {
      struct skiff_tar_split_record x;
      ret = skiff_tar_split_next (r, &x, &e);
      if (ret < 0 || x.kind == SKIFF_TAR_SPLIT_END)
        break;
      const void *src = x.data;
      size_t k = x.len;
      if (x.kind == SKIFF_TAR_SPLIT_FILE)
        {
          src = NULL;
          for (const struct file *f = files; f && f->path; f++)
            if (strcmp (f->path, x.path) == 0)
              src = f->data;
          k = (size_t)x.size;
          if (src == NULL || strlen (src) != k)
            {
              ret = skiff_error_make (&e, 0, "no file %s of %zu bytes", x.path, k);
              break;
            }
        }
      out = xrealloc (out, n + k + 1);
      memcpy (out + n, src, k);
      n += k;
    }
  skiff_tar_split_reader_free (r);
  if (ret < 0)
    {
      *err = xstrdup (e->msg);
      skiff_error_free (e);
      free (out);
      return NULL;
    }
  *out_len = n;
  return out;
}

/* Feeds stream in chunks of chunk bytes, declaring the content ranges when the reader of the
 * stream would have reached them (just past their header). */
static char *
split (const char *stream, size_t len, size_t chunk, const int64_t *offsets, const int64_t *sizes,
       const char *const *paths, size_t n_files, size_t *rec_len, char **spoiled)
{
  struct skiff_tar_split_writer *w = skiff_tar_split_writer_new ();
  size_t fed = 0, next = 0;
  while (fed < len || next < n_files)
    {
      if (next < n_files && (int64_t)fed >= offsets[next])
        {
          skiff_tar_split_content (w, offsets[next], sizes[next], paths[next]);
          next++;
          continue;
        }
      size_t k = len - fed < chunk ? len - fed : chunk;
      skiff_tar_split_feed (w, stream + fed, k);
      fed += k;
    }
  char *rec = skiff_tar_split_finish (w, NULL, NULL, rec_len);
  if (spoiled)
    *spoiled = skiff_tar_split_spoiled (w) ? xstrdup (skiff_tar_split_spoiled (w)) : NULL;
  skiff_tar_split_writer_free (w);
  return rec;
}

START_TEST (round_trip)
{
  /* HEAD1 <alpha> PAD1 HEAD2 <beta> PAD2 END, in every chunking */
  const char stream[] = "HEAD1alphabetPAD1HEAD2betaPAD2END";
  const int64_t offsets[] = { 5, 22 };
  const int64_t sizes[] = { 8, 4 };
  const char *const paths[] = { "etc/alpha", "usr/bin/beta" };
  const struct file files[] = { { "etc/alpha", "alphabet" }, { "usr/bin/beta", "beta" }, { 0 } };
  for (size_t chunk = 1; chunk <= sizeof stream; chunk++)
    {
      size_t rlen = 0, slen = 0;
      _cleanup_free_ char *rec
          = split (stream, sizeof stream - 1, chunk, offsets, sizes, paths, 2, &rlen, NULL);
      ck_assert_ptr_nonnull (rec);
      char *err = NULL;
      _cleanup_free_ char *back = replay (rec, rlen, files, &slen, &err);
      ck_assert_msg (back != NULL, "chunk %zu: %s", chunk, err);
      ck_assert_uint_eq (slen, sizeof stream - 1);
      ck_assert_mem_eq (back, stream, slen);
    }
}
END_TEST

START_TEST (round_trip_large_raw)
{
  /* more raw bytes than one record holds, then a file, then the end */
  size_t raw = 3 * SKIFF_TAR_SPLIT_RAW_MAX + 17;
  char *stream = xmalloc (raw + 4 + 1);
  for (size_t i = 0; i < raw; i++)
    stream[i] = (char)(i * 31 + 7);
  memcpy (stream + raw, "data", 5);
  const int64_t offsets[] = { (int64_t)raw };
  const int64_t sizes[] = { 4 };
  const char *const paths[] = { "f" };
  const struct file files[] = { { "f", "data" }, { 0 } };
  size_t rlen = 0, slen = 0;
  _cleanup_free_ char *rec = split (stream, raw + 4, 100000, offsets, sizes, paths, 1, &rlen, NULL);
  char *err = NULL;
  _cleanup_free_ char *back = replay (rec, rlen, files, &slen, &err);
  ck_assert_msg (back != NULL, "%s", err);
  ck_assert_uint_eq (slen, raw + 4);
  ck_assert_mem_eq (back, stream, slen);
  free (stream);
}
END_TEST

START_TEST (writer_gives_up)
{
  struct skiff_tar_split_writer *w = skiff_tar_split_writer_new ();
  size_t len;
  skiff_tar_split_feed (w, "HHHHcontentPP", 13);
  skiff_tar_split_content (w, 4, 7, "a/f");
  skiff_tar_split_touch (w, "a/g"); /* a sibling: fine */
  ck_assert_ptr_null (skiff_tar_split_spoiled (w));
  skiff_tar_split_touch (w, "a/f/x"); /* through the file: it was replaced by a directory */
  ck_assert_ptr_nonnull (skiff_tar_split_spoiled (w));
  ck_assert_ptr_nonnull (strstr (skiff_tar_split_spoiled (w), "\"a/f/x\" replaces \"a/f\""));
  ck_assert_ptr_null (skiff_tar_split_finish (w, NULL, NULL, &len));
  skiff_tar_split_writer_free (w);

  /* the same path twice */
  w = skiff_tar_split_writer_new ();
  skiff_tar_split_feed (w, "HxxHyy", 6);
  skiff_tar_split_content (w, 1, 2, "f");
  skiff_tar_split_content (w, 4, 2, "f");
  ck_assert_ptr_nonnull (skiff_tar_split_spoiled (w));
  skiff_tar_split_writer_free (w);

  /* content behind what is already recorded, or past what was fed */
  w = skiff_tar_split_writer_new ();
  skiff_tar_split_feed (w, "HHHH", 4);
  skiff_tar_split_settle (w, 4);
  skiff_tar_split_content (w, 2, 1, "f");
  ck_assert_ptr_nonnull (skiff_tar_split_spoiled (w));
  skiff_tar_split_writer_free (w);
  w = skiff_tar_split_writer_new ();
  skiff_tar_split_content (w, 10, 1, "f");
  ck_assert_ptr_nonnull (skiff_tar_split_spoiled (w));
  skiff_tar_split_writer_free (w);

  /* the stream ends inside a file */
  w = skiff_tar_split_writer_new ();
  skiff_tar_split_feed (w, "Hab", 3);
  skiff_tar_split_content (w, 1, 10, "f");
  ck_assert_ptr_null (skiff_tar_split_finish (w, NULL, NULL, &len));
  ck_assert_ptr_nonnull (strstr (skiff_tar_split_spoiled (w), "ends inside"));
  skiff_tar_split_writer_free (w);
}
END_TEST

static bool
never (void *data, const char *path, int64_t size)
{
  (void)data, (void)path, (void)size;
  return false;
}

START_TEST (writer_checks_the_layer)
{
  struct skiff_tar_split_writer *w = skiff_tar_split_writer_new ();
  size_t len;
  skiff_tar_split_feed (w, "Hab", 3);
  skiff_tar_split_content (w, 1, 2, "f");
  ck_assert_ptr_null (skiff_tar_split_finish (w, never, NULL, &len));
  ck_assert_ptr_nonnull (strstr (skiff_tar_split_spoiled (w), "\"f\" is not in the layer"));
  skiff_tar_split_writer_free (w);
}
END_TEST

/* A zlib stream of the given bytes: a hand-made record. */
static char *
deflated (const void *data, size_t len, size_t *out_len)
{
  uLongf n = compressBound (len);
  char *out = xmalloc (n);
  ck_assert_int_eq (compress ((Bytef *)out, &n, data, len), Z_OK);
  *out_len = n;
  return out;
}

/* The error replaying raw (uncompressed) record bytes gives, or NULL. */
static char *
replay_error (const void *raw, size_t len)
{
  size_t n, slen;
  _cleanup_free_ char *rec = deflated (raw, len, &n);
  char *err = NULL;
  const struct file files[] = { { "ok", "x" }, { 0 } };
  char *back = replay (rec, n, files, &slen, &err);
  free (back);
  return err;
}

#define MAGIC "skiff-tar-split 1\n"

static void
assert_refused (const void *raw, size_t len, const char *want)
{
  _cleanup_free_ char *err = replay_error (raw, len);
  ck_assert_msg (err != NULL, "accepted a record that should fail with \"%s\"", want);
  ck_assert_msg (strstr (err, want) != NULL, "got \"%s\", want \"%s\"", err, want);
}

#define REFUSE(lit, want) assert_refused (lit, sizeof lit - 1, want)

START_TEST (reader_refuses_hostile_records)
{
  static const char good[] = MAGIC "r\x02HH"
                                   "f\x01\x02ok"
                                   "e";
  _cleanup_free_ char *ok = replay_error (good, sizeof good - 1);
  ck_assert_ptr_null (ok);

  REFUSE ("skiff-tar-split 2\n", "bad magic");
  REFUSE ("", "truncated");
  REFUSE (MAGIC "r\x02H", "truncated");
  REFUSE (MAGIC "r\x02HH", "truncated"); /* no end record */
  REFUSE (MAGIC "ex", "data after the end record");
  REFUSE (MAGIC "r\x00"
                "e",
          "empty raw record");
  /* 64 KiB + 1 of raw bytes announced */
  REFUSE (MAGIC "r\x81\x80\x04", "beyond its limit");
  /* a varint that never ends */
  REFUSE (MAGIC "r\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", "beyond its limit");
  /* a path of 4097 bytes announced */
  REFUSE (MAGIC "f\x01\x81\x20", "beyond its limit");
  REFUSE (MAGIC "f\x01\x00"
                "e",
          "empty file path");
  REFUSE (MAGIC "z", "unknown record type 0x7a");
  /* a size beyond 2^62 */
  REFUSE (MAGIC "f\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x02ok", "beyond its limit");

  /* paths that are not the cleaned path of a file in the layer */
  static const char *const bad_paths[]
      = { "../etc/passwd", "/etc/passwd", "a/../../b", "./a",          "a//b",  "a/",
          "a/.",           "..",          "a/.wh.b",   ".wh..wh..opq", "a/b/.." };
  for (size_t i = 0; i < sizeof bad_paths / sizeof *bad_paths; i++)
    {
      const char *p = bad_paths[i];
      char raw[256];
      size_t n = (size_t)snprintf (raw, sizeof raw, MAGIC "f\x01%c%se", (char)strlen (p), p);
      _cleanup_free_ char *err = replay_error (raw, n);
      ck_assert_msg (err != NULL && strstr (err, "is not a path in the layer"), "%s: %s", p,
                     err ? err : "accepted");
    }
  REFUSE (MAGIC "f\x01\x03o\0ke", "NUL");
}
END_TEST

START_TEST (reader_refuses_damaged_compression)
{
  size_t rlen = 0;
  const int64_t offsets[] = { 2 };
  const int64_t sizes[] = { 2 };
  const char *const paths[] = { "ok" };
  _cleanup_free_ char *rec = split ("HHxxPP", 6, 6, offsets, sizes, paths, 1, &rlen, NULL);
  const struct file files[] = { { "ok", "xx" }, { 0 } };
  /* every truncation fails, none crashes */
  for (size_t cut = 0; cut < rlen; cut++)
    {
      size_t slen;
      char *err = NULL;
      char *back = replay (rec, cut, files, &slen, &err);
      ck_assert_msg (back == NULL, "truncated to %zu bytes of %zu: accepted", cut, rlen);
      free (err);
    }
  /* trailing bytes after the compressed stream */
  char *longer = xmalloc (rlen + 1);
  memcpy (longer, rec, rlen);
  longer[rlen] = 'x';
  size_t slen;
  char *err = NULL;
  ck_assert_ptr_null (replay (longer, rlen + 1, files, &slen, &err));
  ck_assert_ptr_nonnull (strstr (err, "after the end"));
  free (err);
  free (longer);
  /* flipped bytes: an error or a stream (zlib's checksum catches most), never a crash */
  for (size_t i = 0; i < rlen; i++)
    {
      _cleanup_free_ char *bad = xmalloc (rlen);
      memcpy (bad, rec, rlen);
      bad[i] ^= 0x5a;
      err = NULL;
      char *back = replay (bad, rlen, files, &slen, &err);
      ck_assert_msg (back == NULL, "flipped byte %zu: accepted", i);
      free (err);
    }
}
END_TEST

static Suite *
tar_split_suite (void)
{
  Suite *s = suite_create ("tar_split");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, round_trip);
  tcase_add_test (tc, round_trip_large_raw);
  tcase_add_test (tc, writer_gives_up);
  tcase_add_test (tc, writer_checks_the_layer);
  tcase_add_test (tc, reader_refuses_hostile_records);
  tcase_add_test (tc, reader_refuses_damaged_compression);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (tar_split_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
