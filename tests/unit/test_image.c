#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image-internal.h"
#include "image/load-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define DIFF_A "sha256:03241ac921f4f4cf27c060ff3a00080a03f454a4759b3759f134bd008a18ad38"
#define DIFF_B "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define DIFF_C "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

START_TEST (sha256_vectors)
{
  _cleanup_free_ char *e = skiff_sha256_digest ("", 0);
  ck_assert_str_eq (e, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  _cleanup_free_ char *abc = skiff_sha256_digest ("abc", 3);
  ck_assert_str_eq (abc, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ck_assert_str_eq (skiff_digest_hex (abc), abc + 7);
}
END_TEST

START_TEST (chain_ids)
{
  /* printf 'sha256:0324...ad38 sha256:bbbb...' | sha256sum  -> 7c8cb387...
   * printf 'sha256:7c8cb387... sha256:cccc...' | sha256sum    -> 10f0dfab... */
  char *const diffs[] = { (char *)DIFF_A, (char *)DIFF_B, (char *)DIFF_C, NULL };
  _cleanup_strv_ char **chain = skiff_chain_ids (diffs);
  ck_assert_uint_eq (skiff_strv_len (chain), 3);
  ck_assert_str_eq (chain[0], DIFF_A);
  ck_assert_str_eq (chain[1],
                    "sha256:7c8cb387cf75f96338e35f961dbb99e257ba951157f6b8fed8a21dceb9a5bcd7");
  ck_assert_str_eq (chain[2],
                    "sha256:10f0dfab581ace14f79a24f7541e18ee055d8866b2720fcd019266222e62f004");
  _cleanup_free_ char *one = skiff_chain_id (chain[1], DIFF_C);
  ck_assert_str_eq (one, chain[2]);
  ck_assert_ptr_null (skiff_chain_ids (NULL));
}
END_TEST

static char *
clean (const char *p)
{
  char *out = NULL;
  struct skiff_error *err = NULL;
  if (skiff_layer_clean_path (p, &out, &err) < 0)
    {
      out = xasprintf ("!%s", err->msg);
      skiff_error_free (err);
    }
  return out;
}

START_TEST (path_cleaning)
{
  static const struct
  {
    const char *in, *want;
  } cases[] = {
    { "a/b", "a/b" },
    { "./a/b/", "a/b" },
    { "/etc/passwd", "etc/passwd" },
    { "a//b/./c", "a/b/c" },
    { "a/../b", "b" },
    { "a/b/../../c", "c" },
    { ".", "" },
    { "./", "" },
    { "/", "" },
    { "a/..", "" },
    { "..a/b..", "..a/b.." },
    { "../x", "!entry \"../x\": path escapes the layer" },
    { "a/../../x", "!entry \"a/../../x\": path escapes the layer" },
    { "/../etc", "!entry \"/../etc\": path escapes the layer" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      _cleanup_free_ char *got = clean (cases[i].in);
      ck_assert_msg (strcmp (got, cases[i].want) == 0, "%s -> %s (want %s)", cases[i].in, got,
                     cases[i].want);
    }
}
END_TEST

START_TEST (whiteouts)
{
  struct skiff_error *err = NULL;
  char *t = NULL;
  ck_assert_int_eq (skiff_layer_whiteout ("etc/passwd", &t, &err), SKIFF_WHITEOUT_NONE);
  ck_assert_ptr_null (t);
  ck_assert_int_eq (skiff_layer_whiteout ("etc/.wh.passwd", &t, &err), SKIFF_WHITEOUT_FILE);
  ck_assert_str_eq (t, "etc/passwd");
  free (t);
  ck_assert_int_eq (skiff_layer_whiteout (".wh.top", &t, &err), SKIFF_WHITEOUT_FILE);
  ck_assert_str_eq (t, "top");
  free (t);
  ck_assert_int_eq (skiff_layer_whiteout ("a/b/.wh..wh..opq", &t, &err), SKIFF_WHITEOUT_OPAQUE);
  ck_assert_str_eq (t, "a/b");
  free (t);
  ck_assert_int_eq (skiff_layer_whiteout (".wh..wh..opq", &t, &err), SKIFF_WHITEOUT_OPAQUE);
  ck_assert_str_eq (t, "");
  free (t);
  ck_assert_int_eq (skiff_layer_whiteout ("x.wh.y", &t, &err), SKIFF_WHITEOUT_NONE);
  ck_assert_int_lt (skiff_layer_whiteout ("d/.wh.", &t, &err), 0);
  ck_assert_str_eq (err->msg, "entry \"d/.wh.\": invalid whiteout name");
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_layer_whiteout (".wh..wh.plnk", &t, &err), 0);
  skiff_error_free (err);
  ck_assert_str_eq (skiff_layer_opaque_xattr (false), "trusted.overlay.opaque");
  ck_assert_str_eq (skiff_layer_opaque_xattr (true), "user.overlay.opaque");
}
END_TEST

static const char *const docker_config
    = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
      "\"container\":\"abc\",\"docker_version\":\"24\","
      "\"config\":{\"User\":\"1000:1000\",\"Env\":[\"PATH=/bin\",\"A=1\"],"
      "\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[\"echo hi\"],\"WorkingDir\":\"/w\","
      "\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"Volumes\":{\"/data\":{}},"
      "\"Labels\":{\"k\":\"v\"},\"StopSignal\":\"SIGINT\",\"Healthcheck\":{\"Test\":[\"NONE\"]},"
      "\"OnBuild\":null},"
      "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DIFF_A "\",\"" DIFF_B "\"]},"
      "\"history\":[{\"created\":\"2024-01-02T03:04:05Z\",\"created_by\":\"ADD x /\"},"
      "{\"created_by\":\"ENV A=1\",\"empty_layer\":true},{\"created_by\":\"RUN y\","
      "\"comment\":\"c\",\"author\":\"me\"}]}";

START_TEST (config_roundtrip)
{
  struct skiff_oci_config c, c2;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_oci_config_parse (docker_config, "cfg", &c, &err), 0);
  ck_assert_str_eq (c.architecture, "amd64");
  ck_assert_str_eq (c.config.user, "1000:1000");
  ck_assert_str_eq (c.config.env[1], "A=1");
  ck_assert_str_eq (c.config.entrypoint[1], "-c");
  ck_assert_str_eq (c.config.cmd[0], "echo hi");
  ck_assert_str_eq (c.config.working_dir, "/w");
  ck_assert_uint_eq (skiff_strv_len (c.config.exposed_ports), 2);
  ck_assert_str_eq (c.config.volumes[0], "/data");
  ck_assert_str_eq (c.config.labels[0], "k");
  ck_assert_str_eq (c.config.labels[1], "v");
  ck_assert_str_eq (c.config.stop_signal, "SIGINT");
  ck_assert_uint_eq (skiff_strv_len (c.diff_ids), 2);
  ck_assert_uint_eq (c.n_history, 3);
  ck_assert (c.history[1].empty_layer);
  ck_assert_str_eq (c.history[2].author, "me");
  size_t len, len2;
  _cleanup_free_ char *out = skiff_oci_config_generate (&c, &len);
  ck_assert_int_eq (skiff_oci_config_parse (out, "gen", &c2, &err), 0);
  _cleanup_free_ char *out2 = skiff_oci_config_generate (&c2, &len2);
  ck_assert_str_eq (out, out2);
  ck_assert (strstr (out, "\"Cmd\":[\"echo hi\"]") != NULL);
  ck_assert (strstr (out, "\"empty_layer\":true") != NULL);
  skiff_oci_config_clear (&c);
  skiff_oci_config_clear (&c2);
}
END_TEST

START_TEST (config_errors)
{
  static const struct
  {
    const char *text, *msg;
  } cases[] = {
    { "[]", "cfg: image config must be a JSON object" },
    { "{\"os\":\"linux\"}", "cfg: \"rootfs\" is missing" },
    { "{\"rootfs\":{\"type\":\"x\"}}", "cfg: unsupported rootfs type \"x\"" },
    { "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:12\"]}}",
      "cfg: invalid diff_id \"sha256:12\"" },
    { "{\"config\":{\"Cmd\":5},\"rootfs\":{\"type\":\"layers\"}}",
      "cfg: \"Cmd\" must be a string or an array of strings" },
    { "{\"config\":", NULL },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct skiff_oci_config c;
      struct skiff_error *err = NULL;
      ck_assert_int_lt (skiff_oci_config_parse (cases[i].text, "cfg", &c, &err), 0);
      if (cases[i].msg)
        ck_assert_str_eq (err->msg, cases[i].msg);
      skiff_error_free (err);
    }
}
END_TEST

/* moby's StrSlice, and Go's reading of repeated keys (the last wins, names fold case) */
START_TEST (config_strslice_and_repeated_keys)
{
  const char *text
      = "{\"config\":{\"Entrypoint\":\"/bin/echo\",\"Cmd\":[\"a\"],\"cmd\":\"two words\","
        "\"Env\":[\"A=1\"],\"Env\":[\"A=2\",\"B=3\"],\"StopSignal\":\"SIGINT\","
        "\"\xC5\xBFtopSignal\":\"SIGUSR1\",\"Stop\xE2\x84\xAAignal\":\"x\","
        "\"Wor\xE2\x84\xAAingDir\":\"/k\"},"
        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"rootfs\":{\"type\":\"layers\"}}";
  struct skiff_oci_config c;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_oci_config_parse (text, "cfg", &c, &err), 0);
  ck_assert_uint_eq (skiff_strv_len (c.config.entrypoint), 1);
  ck_assert_str_eq (c.config.entrypoint[0], "/bin/echo");
  ck_assert_uint_eq (skiff_strv_len (c.config.cmd), 1);
  ck_assert_str_eq (c.config.cmd[0], "two words");
  ck_assert_uint_eq (skiff_strv_len (c.config.env), 2);
  ck_assert_str_eq (c.config.env[0], "A=2");
  /* U+017F LONG S folds to s and U+212A KELVIN SIGN to k in Go; neither to anything else */
  ck_assert_str_eq (c.config.stop_signal, "SIGUSR1");
  ck_assert_str_eq (c.config.working_dir, "/k");
  skiff_oci_config_clear (&c);
}
END_TEST

START_TEST (changes)
{
  struct skiff_image_config c = { 0 };
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "CMD echo hi", &err), 0);
  ck_assert_str_eq (c.cmd[0], "/bin/sh");
  ck_assert_str_eq (c.cmd[2], "echo hi");
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "cmd [\"a\", \"b c\"]", &err), 0);
  ck_assert_uint_eq (skiff_strv_len (c.cmd), 2);
  ck_assert_str_eq (c.cmd[1], "b c");
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "ENTRYPOINT []", &err), 0);
  ck_assert_uint_eq (skiff_strv_len (c.entrypoint), 0);
  ck_assert_ptr_nonnull (c.entrypoint);
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "ENV A=1 B=\"x y\"", &err), 0);
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "ENV A 2 3", &err), 0);
  ck_assert_str_eq (c.env[0], "A=2 3");
  ck_assert_str_eq (c.env[1], "B=x y");
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "EXPOSE 80 53/udp 80", &err), 0);
  ck_assert_uint_eq (skiff_strv_len (c.exposed_ports), 2);
  ck_assert_str_eq (c.exposed_ports[0], "80/tcp");
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "VOLUME [\"/a\",\"/b\"]", &err), 0);
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "VOLUME /c", &err), 0);
  ck_assert_uint_eq (skiff_strv_len (c.volumes), 3);
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "LABEL a=b \"c d\"=e", &err), 0);
  ck_assert_str_eq (c.labels[2], "c d");
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "USER 1:2", &err), 0);
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "WORKDIR /srv", &err), 0);
  ck_assert_int_eq (skiff_image_config_apply_change (&c, "STOPSIGNAL 9", &err), 0);
  ck_assert_str_eq (c.user, "1:2");
  ck_assert_str_eq (c.working_dir, "/srv");
  ck_assert_str_eq (c.stop_signal, "9");
  ck_assert_int_lt (skiff_image_config_apply_change (&c, "RUN x", &err), 0);
  ck_assert_str_eq (err->msg, "RUN is not a valid change command");
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_image_config_apply_change (&c, "CMD", &err), 0);
  ck_assert_str_eq (err->msg, "CMD requires at least one argument");
  skiff_error_free (err);
  skiff_image_config_clear (&c);
}
END_TEST

START_TEST (name_escaping)
{
  _cleanup_free_ char *e = skiff_image_escape_name ("docker.io/library/busybox:latest");
  ck_assert_str_eq (e, "docker.io%2Flibrary%2Fbusybox:latest");
  _cleanup_free_ char *u = skiff_image_unescape_name (e);
  ck_assert_str_eq (u, "docker.io/library/busybox:latest");
}
END_TEST

/* Writes a small tar (gzip'd when asked) with libarchive. */
static void
write_test_tar (const char *path, bool gzip)
{
  struct archive *a = archive_write_new ();
  archive_write_set_format_pax_restricted (a);
  if (gzip)
    archive_write_add_filter_gzip (a);
  ck_assert_int_eq (archive_write_open_filename (a, path), ARCHIVE_OK);
  struct archive_entry *e = archive_entry_new ();
  const char *const names[] = { "./dir/", "dir/file", "dir/.wh.old", "/abs" };
  for (size_t i = 0; i < 4; i++)
    {
      archive_entry_clear (e);
      archive_entry_set_pathname (e, names[i]);
      bool dir = names[i][strlen (names[i]) - 1] == '/';
      archive_entry_set_filetype (e, dir ? AE_IFDIR : AE_IFREG);
      archive_entry_set_perm (e, dir ? 0750 : 0604);
      archive_entry_set_size (e, dir ? 0 : 5);
      archive_entry_set_mtime (e, 1000000, 0);
      ck_assert_int_eq (archive_write_header (a, e), ARCHIVE_OK);
      if (!dir)
        ck_assert_int_eq (archive_write_data (a, "hello", 5), 5);
    }
  archive_entry_free (e);
  archive_write_free (a);
}

/* A layer with what tar-split must get right: GNU long names (format gnutar) or pax records
 * (long names), a name with a space and a backslash, a hard link, a file larger than one read
 * block, a sparse file, a whiteout; gzip'd. */
static void
write_tricky_tar (const char *path, bool gnu, bool gzip)
{
  struct archive *a = archive_write_new ();
  if (gnu)
    archive_write_set_format_gnutar (a);
  else
    archive_write_set_format_pax (a);
  if (gzip)
    archive_write_add_filter_gzip (a);
  ck_assert_int_eq (archive_write_open_filename (a, path), ARCHIVE_OK);
  char longname[300];
  memset (longname, 'n', sizeof longname - 1);
  longname[0] = 'd';
  longname[1] = '/';
  longname[150] = '/'; /* no component beyond NAME_MAX */
  longname[sizeof longname - 1] = '\0';
  size_t big_len = 600 * 1024 + 3;
  _cleanup_free_ char *big = xmalloc (big_len);
  for (size_t i = 0; i < big_len; i++)
    big[i] = (char)(i % 251);
  struct archive_entry *e = archive_entry_new ();
  struct
  {
    const char *name;
    mode_t type;
    const char *data;
    size_t len;
    const char *hardlink;
  } entries[] = { { "d/", AE_IFDIR, NULL, 0, NULL },
                  { longname, AE_IFREG, "long", 4, NULL },
                  { "d/big", AE_IFREG, big, big_len, NULL },
                  { "d/link", AE_IFREG, NULL, 0, "d/big" },
                  { "d/sp ace\\x", AE_IFREG, "spaced", 6, NULL },
                  { "d/.wh.gone", AE_IFREG, NULL, 0, NULL },
                  { "d/sparse", AE_IFREG, "tail", 4, NULL },
                  { "d/empty", AE_IFREG, NULL, 0, NULL } };
  for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
    {
      archive_entry_clear (e);
      archive_entry_set_pathname (e, entries[i].name);
      archive_entry_set_filetype (e, entries[i].type);
      archive_entry_set_perm (e, 0644);
      archive_entry_set_mtime (e, 1000000, 0);
      if (entries[i].hardlink)
        archive_entry_set_hardlink (e, entries[i].hardlink);
      archive_entry_set_size (e, (la_int64_t)entries[i].len);
      if (strcmp (entries[i].name, "d/sparse") == 0)
        {
          archive_entry_set_size (e, 1 << 20);
          archive_entry_sparse_add_entry (e, (1 << 20) - 4, 4);
        }
      int r = archive_write_header (a, e);
      ck_assert_msg (r == ARCHIVE_OK, "%s: %s", entries[i].name, archive_error_string (a));
      if (entries[i].len > 0)
        ck_assert_int_eq (archive_write_data (a, entries[i].data, entries[i].len),
                          (la_ssize_t)entries[i].len);
    }
  archive_entry_free (e);
  archive_write_free (a);
}

/* The stream the tar-split record gives back with file contents read from dir. */
static char *
replay_from_dir (const char *rec, size_t rec_len, const char *dir, size_t *out_len)
{
  struct skiff_tar_split_reader *r = NULL;
  struct skiff_error *err = NULL;
  char *out = NULL;
  size_t n = 0;
  ck_assert_int_eq (skiff_tar_split_reader_new (rec, rec_len, &r, &err), 0);
  for (;;)
    {
      struct skiff_tar_split_record x;
      int ret = skiff_tar_split_next (r, &x, &err);
      ck_assert_msg (ret == 0, "%s", err ? err->msg : "");
      if (x.kind == SKIFF_TAR_SPLIT_END)
        break;
      _cleanup_free_ char *data = NULL;
      size_t k = x.len;
      const void *src = x.data;
      if (x.kind == SKIFF_TAR_SPLIT_FILE)
        {
          _cleanup_free_ char *path = skiff_path_join (dir, x.path);
          ck_assert_int_eq (skiff_fs_read_file (path, &data, &k, &err), 0);
          ck_assert_int_eq ((int64_t)k, x.size);
          src = data;
        }
      out = xrealloc (out, n + k + 1);
      memcpy (out + n, src, k);
      n += k;
    }
  skiff_tar_split_reader_free (r);
  *out_len = n;
  return out;
}

START_TEST (unpack_keeps_tar_split)
{
  for (int gnu = 0; gnu <= 1; gnu++)
    {
      char dir[] = "/tmp/skiff-tarsplit-XXXXXX";
      ck_assert_ptr_nonnull (mkdtemp (dir));
      _cleanup_free_ char *plain = skiff_path_join (dir, "l.tar");
      _cleanup_free_ char *gz = skiff_path_join (dir, "l.tar.gz");
      _cleanup_free_ char *out = skiff_path_join (dir, "out");
      write_tricky_tar (plain, gnu, false);
      write_tricky_tar (gz, gnu, true);
      _cleanup_free_ char *bytes = NULL;
      size_t len, back_len;
      struct skiff_error *err = NULL;
      ck_assert_int_eq (skiff_fs_read_file (plain, &bytes, &len, &err), 0);
      ck_assert_int_eq (mkdir (out, 0755), 0);
      int fd = open (gz, O_RDONLY);
      struct skiff_layer_info info = { 0 };
      int r = skiff_layer_unpack_fd (fd, "l.tar.gz", out, false, NULL, &info, &err);
      ck_assert_msg (r == 0, "%s", err ? err->msg : "");
      close (fd);
      ck_assert_msg (info.tar_split != NULL, "gnu=%d: no record: %s", gnu, info.tar_split_spoiled);
      ck_assert_uint_lt (info.tar_split_len, len / 20); /* file contents are not in it */
      _cleanup_free_ char *back
          = replay_from_dir (info.tar_split, info.tar_split_len, out, &back_len);
      ck_assert_uint_eq (back_len, len);
      ck_assert_msg (memcmp (back, bytes, len) == 0, "gnu=%d: the stream differs", gnu);
      skiff_layer_info_clear (&info);
      ck_assert_int_eq (skiff_fs_rm_rf (dir, &err), 0);
    }
}
END_TEST

START_TEST (unpack_layer)
{
  char dir[] = "/tmp/skiff-unpack-XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  _cleanup_free_ char *plain = skiff_path_join (dir, "l.tar");
  _cleanup_free_ char *gz = skiff_path_join (dir, "l.tar.gz");
  _cleanup_free_ char *out = skiff_path_join (dir, "out");
  write_test_tar (plain, false);
  write_test_tar (gz, true);
  _cleanup_free_ char *bytes = NULL;
  size_t len;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_fs_read_file (plain, &bytes, &len, &err), 0);
  _cleanup_free_ char *want = skiff_sha256_digest (bytes, len);
  ck_assert_int_eq (mkdir (out, 0755), 0);
  int fd = open (gz, O_RDONLY);
  struct skiff_layer_info info = { 0 };
  int r = skiff_layer_unpack_fd (fd, "l.tar.gz", out, false, want, &info, &err);
  ck_assert_msg (r == 0, "%s", err ? err->msg : "");
  close (fd);
  ck_assert_str_eq (info.diff_id, want); /* DiffID of the gzip'd layer = sha of the plain tar */
  ck_assert_int_eq (info.size, 10);
  /* the content record: what was written, one line per regular file */
  _cleanup_free_ char *found = NULL;
  size_t flen;
  found = skiff_content_scan (out, &flen, &err);
  ck_assert_msg (found != NULL, "%s", err ? err->msg : "");
  ck_assert_uint_eq (flen, info.content_len);
  ck_assert (memcmp (found, info.content, flen) == 0);
  skiff_layer_info_clear (&info);
  _cleanup_free_ char *f = skiff_path_join (out, "dir/file");
  _cleanup_free_ char *wh = skiff_path_join (out, "dir/old");
  _cleanup_free_ char *abs = skiff_path_join (out, "abs");
  struct stat st;
  ck_assert_int_eq (stat (f, &st), 0);
  ck_assert_int_eq (st.st_mode & 07777, 0604);
  ck_assert_int_eq (st.st_mtime, 1000000);
  ck_assert_int_eq (lstat (wh, &st), 0);
  ck_assert (S_ISCHR (st.st_mode) && st.st_rdev == 0);
  ck_assert_int_eq (stat (abs, &st), 0);

  /* a wrong expected DiffID is refused */
  _cleanup_free_ char *out2 = skiff_path_join (dir, "out2");
  ck_assert_int_eq (mkdir (out2, 0755), 0);
  fd = open (plain, O_RDONLY);
  r = skiff_layer_unpack_fd (fd, "l.tar", out2, false, DIFF_B, &info, &err);
  close (fd);
  ck_assert_int_lt (r, 0);
  ck_assert (strstr (err->msg, "l.tar: layer digest (DiffID) mismatch: expected " DIFF_B) != NULL);
  skiff_error_free (err);
  ck_assert_int_eq (skiff_fs_rm_rf (dir, NULL), 0);
}
END_TEST

START_TEST (store_import_lookup)
{
  char dir[] = "/tmp/skiff-store-XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  _cleanup_free_ char *root = skiff_path_join (dir, "root");
  _cleanup_free_ char *run = skiff_path_join (dir, "run");
  _cleanup_free_ char *tar = skiff_path_join (dir, "l.tar");
  write_test_tar (tar, true);
  struct skiff_store_options so = { .root = root, .runroot = run };
  struct skiff_store store;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_store_open (&store, &so, &err), 0);
  _cleanup_free_ char *id1 = NULL;
  _cleanup_free_ char *id2 = NULL;
  _cleanup_free_ char *id3 = NULL;
  char *const chg[] = { (char *)"CMD [\"/bin/true\"]", NULL };
  ck_assert_int_eq (skiff_image_import (&store, tar, "x", chg, &id1, &err), 0);
  ck_assert_int_eq (skiff_image_import (&store, tar, "localhost/y:2", NULL, &id2, &err), 0);
  ck_assert_str_ne (id1, id2); /* created differs */

  static const char *const finds_x[] = { "x", "x:latest", "docker.io/library/x", NULL };
  for (size_t i = 0; finds_x[i]; i++)
    {
      _cleanup_image_ struct skiff_image *img = NULL;
      ck_assert_int_eq (skiff_image_lookup (&store, finds_x[i], &img, &err), 0);
      ck_assert_str_eq (img->id, id1);
      ck_assert_str_eq (img->names[0], "docker.io/library/x:latest");
      ck_assert_str_eq (img->config.cmd[0], "/bin/true");
      ck_assert_str_eq (img->os, "linux");
      ck_assert_int_eq (img->size, 10);
    }
  _cleanup_free_ char *full = xasprintf ("sha256:%s", id2);
  _cleanup_free_ char *prefix = xstrndup (id2, 12);
  const char *const finds_y[] = { "y:2", "localhost/y:2", full, id2, prefix, NULL };
  for (size_t i = 0; finds_y[i]; i++)
    {
      _cleanup_image_ struct skiff_image *img = NULL;
      ck_assert_msg (skiff_image_lookup (&store, finds_y[i], &img, &err) == 0, "%s", finds_y[i]);
      ck_assert_str_eq (img->id, id2);
      _cleanup_strv_ char **lower = skiff_image_lowerdirs (&store, img);
      ck_assert_uint_eq (skiff_strv_len (lower), 1);
      _cleanup_free_ char *want = xasprintf ("%s/layers/%s/diff", root, img->chain_ids[0] + 7);
      ck_assert_str_eq (lower[0], want);
    }
  struct skiff_image *none = NULL;
  ck_assert_int_eq (skiff_image_lookup (&store, "nope", &none, &err), -ENOENT);
  ck_assert_str_eq (err->msg, "nope: image not known");
  ck_assert_int_eq (err->exit_code, 125);
  skiff_error_free (err);
  err = NULL;

  /* retag: x moves to the new image, the old one stays untagged */
  ck_assert_int_eq (skiff_image_import (&store, tar, "x", NULL, &id3, &err), 0);
  struct skiff_image **list = NULL;
  ck_assert_int_eq (skiff_image_list (&store, &list, &err), 0);
  size_t n = 0;
  for (; list[n]; n++)
    if (strcmp (list[n]->id, id1) == 0)
      ck_assert_ptr_null (list[n]->names);
    else if (strcmp (list[n]->id, id3) == 0)
      ck_assert_str_eq (list[n]->names[0], "docker.io/library/x:latest");
  ck_assert_uint_eq (n, 3);
  skiff_image_list_free (list);
  /* one shared layer for all three imports */
  _cleanup_free_ char *layers = skiff_path_join (root, "layers");
  _cleanup_closedir_ DIR *d = opendir (layers);
  struct dirent *de;
  int count = 0;
  while ((de = readdir (d)) != NULL)
    count += de->d_name[0] != '.';
  ck_assert_int_eq (count, 1);
  skiff_store_close (&store);
  ck_assert_int_eq (skiff_fs_rm_rf (dir, NULL), 0);
}
END_TEST

/* The manifest readers over an in-memory archive (pure: no store). */
static void
add_doc (struct load_ctx *ctx, const char *path, const char *text)
{
  ctx->files = xrealloc (ctx->files, (ctx->n_files + 1) * sizeof *ctx->files);
  ctx->files[ctx->n_files++]
      = (struct load_file){ .path = xstrdup (path), .data = xstrdup (text), .len = strlen (text) };
}

static void
clear_ctx (struct load_ctx *ctx)
{
  for (size_t i = 0; i < ctx->n_files; i++)
    {
      free (ctx->files[i].path);
      free (ctx->files[i].data);
    }
  free (ctx->files);
  skiff_strv_free (ctx->link_from);
  skiff_strv_free (ctx->link_to);
  for (size_t i = 0; i < ctx->n_images; i++)
    {
      free (ctx->images[i].config);
      skiff_strv_free (ctx->images[i].layer_paths);
      skiff_strv_free (ctx->images[i].blob_digests);
      skiff_strv_free (ctx->images[i].tags);
      skiff_oci_config_clear (&ctx->images[i].cfg);
      skiff_strv_free (ctx->images[i].chain_ids);
    }
  free (ctx->images);
}

static const char *const small_config
    = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
      "\"diff_ids\":[\"" DIFF_A "\",\"" DIFF_B "\"]}}";

START_TEST (load_docker_manifest)
{
  struct load_ctx ctx = { .what = "a.tar" };
  _cleanup_free_ char *cfg_digest = skiff_sha256_digest (small_config, strlen (small_config));
  _cleanup_free_ char *cfg_name = xasprintf ("%s.json", cfg_digest + 7);
  _cleanup_free_ char *manifest
      = xasprintf ("[{\"Config\":\"%s\",\"RepoTags\":[\"busybox:latest\"],"
                   "\"Layers\":[\"v1a/layer.tar\",\"./b.tar\"]}]",
                   cfg_name);
  add_doc (&ctx, cfg_name, small_config);
  add_doc (&ctx, "manifest.json", manifest);
  skiff_strv_push (&ctx.link_from, "v1a/layer.tar"); /* containers/image's symlinks */
  skiff_strv_push (&ctx.link_to, "a.tar");
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_load_read_manifests (&ctx, &err), 0);
  ck_assert_uint_eq (ctx.n_images, 1);
  ck_assert_str_eq (ctx.images[0].tags[0], "busybox:latest");
  ck_assert_str_eq (ctx.images[0].chain_ids[1],
                    "sha256:7c8cb387cf75f96338e35f961dbb99e257ba951157f6b8fed8a21dceb9a5bcd7");
  ck_assert_str_eq (ctx.images[0].layer_paths[0], "v1a/layer.tar");
  ck_assert_str_eq (ctx.images[0].blob_digests[0], ""); /* docker-archive: no blob digests */
  /* documents are found through archive symlinks */
  skiff_strv_push (&ctx.link_from, "cfg-link.json");
  skiff_strv_push (&ctx.link_to, cfg_name);
  ck_assert_ptr_nonnull (skiff_load_find (&ctx, "./cfg-link.json"));
  clear_ctx (&ctx);
}
END_TEST

START_TEST (load_manifest_errors)
{
  static const struct
  {
    const char *manifest, *want;
  } cases[] = {
    { "{}", "a.tar: manifest.json must be an array" },
    { "[{\"Layers\":[]}]", "a.tar: manifest.json: \"Config\" is missing" },
    { "[{\"Config\":\"nope.json\",\"Layers\":[]}]",
      "a.tar: config nope.json is not in the archive" },
    { "[{\"Config\":\"c.json\",\"Layers\":[\"x.tar\"]}]",
      "a.tar: the image config lists 2 layers, the manifest 1" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct load_ctx ctx = { .what = "a.tar" };
      add_doc (&ctx, "c.json", small_config);
      add_doc (&ctx, "manifest.json", cases[i].manifest);
      struct skiff_error *err = NULL;
      ck_assert_int_lt (skiff_load_read_manifests (&ctx, &err), 0);
      ck_assert_str_eq (err->msg, cases[i].want);
      skiff_error_free (err);
      clear_ctx (&ctx);
    }
  /* a config whose name promises another digest */
  struct load_ctx ctx = { .what = "a.tar" };
  char name[80];
  snprintf (name, sizeof name, "%064d.json", 0);
  add_doc (&ctx, name, small_config);
  _cleanup_free_ char *m = xasprintf ("[{\"Config\":\"%s\",\"Layers\":[\"a\",\"b\"]}]", name);
  add_doc (&ctx, "manifest.json", m);
  struct skiff_error *err = NULL;
  ck_assert_int_lt (skiff_load_read_manifests (&ctx, &err), 0);
  ck_assert (strstr (err->msg, "digest mismatch: expected sha256:000") != NULL);
  skiff_error_free (err);
  clear_ctx (&ctx);
}
END_TEST

START_TEST (load_oci_index)
{
  struct load_ctx ctx = { .what = "o.tar" };
  _cleanup_free_ char *cfg_digest = skiff_sha256_digest (small_config, strlen (small_config));
  _cleanup_free_ char *manifest
      = xasprintf ("{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\",\"size\":1},\"layers\":["
                   "{\"digest\":\"%s\",\"size\":1},{\"digest\":\"%s\",\"size\":1}]}",
                   cfg_digest, DIFF_C, DIFF_B);
  _cleanup_free_ char *man_digest = skiff_sha256_digest (manifest, strlen (manifest));
  _cleanup_free_ char *index = xasprintf (
      "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"%s\",\"size\":1,\"annotations\":"
      "{\"org.opencontainers.image.ref.name\":\"localhost/x:1\"}}]}",
      man_digest);
  _cleanup_free_ char *cfg_path = xasprintf ("blobs/sha256/%s", cfg_digest + 7);
  _cleanup_free_ char *man_path = xasprintf ("blobs/sha256/%s", man_digest + 7);
  add_doc (&ctx, cfg_path, small_config);
  add_doc (&ctx, man_path, manifest);
  add_doc (&ctx, "index.json", index);
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_load_read_manifests (&ctx, &err), 0);
  ck_assert_uint_eq (ctx.n_images, 1);
  ck_assert_str_eq (ctx.images[0].tags[0], "localhost/x:1");
  ck_assert_str_eq (ctx.images[0].blob_digests[0],
                    DIFF_C); /* stored blob digest, checked on unpack */
  _cleanup_free_ char *want_path = xasprintf ("blobs/sha256/%s", DIFF_B + 7);
  ck_assert_str_eq (ctx.images[0].layer_paths[1], want_path);
  clear_ctx (&ctx);
}
END_TEST

START_TEST (hash_thread)
{
  /* more buffers than the ring holds, of varying sizes: the digest of the concatenation */
  size_t total = 0;
  _cleanup_free_ char *all = xmalloc (64 * 1000);
  struct skiff_hash_thread *h = skiff_hash_thread_new (1000);
  for (size_t i = 0; i < 64; i++)
    {
      char *buf = skiff_hash_thread_buffer (h);
      size_t len = 1 + (i * 37) % 1000;
      for (size_t j = 0; j < len; j++)
        buf[j] = (char)(i + j);
      memcpy (all + total, buf, len);
      total += len;
      skiff_hash_thread_submit (h, len);
    }
  _cleanup_free_ char *got = skiff_hash_thread_finish (h);
  _cleanup_free_ char *want = skiff_sha256_digest (all, total);
  ck_assert_str_eq (got, want);
  skiff_hash_thread_free (skiff_hash_thread_new (10)); /* nothing submitted */
}
END_TEST

START_TEST (link_set)
{
  struct skiff_link_set *s = skiff_link_set_new ();
  ck_assert_uint_eq (skiff_link_set_through (s, "a/b"), 0);
  char name[32];
  for (int i = 0; i < 500; i++) /* past several rehashes */
    {
      snprintf (name, sizeof name, "d/l%d", i);
      skiff_link_set_add (s, name);
    }
  skiff_link_set_add (s, "d/l7"); /* twice: still one entry */
  ck_assert (skiff_link_set_has (s, "d/l499"));
  ck_assert (!skiff_link_set_has (s, "d/l500"));
  ck_assert (!skiff_link_set_has (s, "d"));
  ck_assert_uint_eq (skiff_link_set_through (s, "d/l7/x/y"), 4);
  ck_assert_uint_eq (skiff_link_set_through (s, "d/l7"), 0); /* the path itself is no prefix */
  ck_assert_uint_eq (skiff_link_set_through (s, "d/l77x/y"), 0);
  ck_assert (skiff_link_set_remove (s, "d/l7"));
  ck_assert (!skiff_link_set_remove (s, "d/l7"));
  ck_assert_uint_eq (skiff_link_set_through (s, "d/l7/x"), 0);
  skiff_link_set_free (s);
}
END_TEST

/* One tar entry: type, path, link target (symlink/hardlink) or file content. */
static void
add_entry (struct archive *a, mode_t type, const char *path, const char *arg)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, path);
  archive_entry_set_filetype (e, type == 0 ? AE_IFREG : type);
  archive_entry_set_perm (e, 0755);
  if (type == AE_IFLNK)
    archive_entry_set_symlink (e, arg);
  else if (type == 0)
    archive_entry_set_hardlink (e, arg);
  else if (type == AE_IFREG)
    archive_entry_set_size (e, (la_int64_t)strlen (arg));
  ck_assert_int_eq (archive_write_header (a, e), ARCHIVE_OK);
  if (type == AE_IFREG)
    ck_assert_int_eq (archive_write_data (a, arg, strlen (arg)), (la_ssize_t)strlen (arg));
  archive_entry_free (e);
}

/* Unpacks the entries of case n into dir/out<n>; returns the unpack's result. */
static int
unpack_case (const char *dir, int n, const char *outside, struct skiff_error **err)
{
  _cleanup_free_ char *tar = xasprintf ("%s/case%d.tar", dir, n);
  _cleanup_free_ char *out = xasprintf ("%s/out%d", dir, n);
  struct archive *a = archive_write_new ();
  archive_write_set_format_pax_restricted (a);
  ck_assert_int_eq (archive_write_open_filename (a, tar), ARCHIVE_OK);
  add_entry (a, AE_IFLNK, "s", outside);
  if (n == 0) /* a directory entry over the symlink must replace it, not follow it */
    add_entry (a, AE_IFDIR, "s", NULL);
  if (n == 1) /* a hard link to the symlink is a symlink too */
    add_entry (a, 0, "h", "s");
  add_entry (a, AE_IFREG, n == 1 ? "h/f" : n == 2 ? "x/../s/f" : "s/f", "pwned");
  archive_write_free (a);
  ck_assert_int_eq (mkdir (out, 0755), 0);
  int fd = open (tar, O_RDONLY);
  struct skiff_layer_info info = { 0 };
  int r = skiff_layer_unpack_fd (fd, "l.tar", out, false, NULL, &info, err);
  close (fd);
  skiff_layer_info_clear (&info);
  return r;
}

START_TEST (unpack_symlink_escapes)
{
  char dir[] = "/tmp/skiff-unpack-XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  _cleanup_free_ char *outside = skiff_path_join (dir, "outside");
  _cleanup_free_ char *victim = skiff_path_join (outside, "f");
  ck_assert_int_eq (mkdir (outside, 0755), 0);
  struct skiff_error *err = NULL;
  ck_assert_int_eq (unpack_case (dir, 0, outside, &err), 0);
  _cleanup_free_ char *inside = skiff_path_join (dir, "out0/s/f");
  struct stat st;
  ck_assert_int_eq (lstat (inside, &st), 0);
  for (int n = 1; n <= 3; n++)
    {
      ck_assert_int_lt (unpack_case (dir, n, outside, &err), 0);
      ck_assert_msg (strstr (err->msg, "Cannot extract through symlink") != NULL, "%s", err->msg);
      skiff_error_free (err);
      err = NULL;
    }
  ck_assert_int_eq (lstat (victim, &st), -1);
  ck_assert_int_eq (skiff_fs_rm_rf (dir, NULL), 0);
}
END_TEST

START_TEST (archive_sniffing)
{
  char head[SKIFF_SNIFF_LEN] = { 0 };
  struct skiff_error *err = NULL;
  memcpy (head + 257,
          "ustar\0"
          "00",
          8);
  ck_assert_int_eq (skiff_archive_sniff (head, 512, false, "t", &err), 0);
  memset (head, 0, sizeof head);
  memcpy (head, "\x1f\x8b\x08", 3);
  ck_assert_int_eq (skiff_archive_sniff (head, 3, true, "g", &err), 0);
  memcpy (head, "\x28\xb5\x2f\xfd", 4);
  ck_assert_int_eq (skiff_archive_sniff (head, 100, false, "z", &err), 0);
  memcpy (head,
          "\xfd"
          "7zXZ\0",
          6);
  ck_assert_int_eq (skiff_archive_sniff (head, 100, false, "x", &err), 0);
  memcpy (head, "BZh9", 4);
  ck_assert_int_eq (skiff_archive_sniff (head, 100, false, "b", &err), 0);
  memset (head, 0, sizeof head);
  /* an empty tar is zero blocks that end; an endless run of zeros is not a tar */
  ck_assert_int_eq (skiff_archive_sniff (head, 1024, true, "e", &err), 0);
  ck_assert_int_eq (skiff_archive_sniff (head, 10240, true, "e", &err), 0);
  ck_assert_int_lt (skiff_archive_sniff (head, sizeof head, false, "/dev/zero", &err), 0);
  ck_assert_str_eq (err->msg, "/dev/zero: not a tar archive (nor a gzip, zstd, xz or bzip2 "
                              "compressed one)");
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_archive_sniff (head, 100, true, "short", &err), 0); /* not blocks */
  skiff_error_free (err);
  err = NULL;
  ck_assert_int_lt (skiff_archive_sniff ("hello", 5, true, "text", &err), 0);
  skiff_error_free (err);
}
END_TEST

START_TEST (space_reserve_parsing)
{
  struct skiff_error *err = NULL;
  uint64_t v = 1;
  ck_assert_int_eq (skiff_space_reserve_parse ("0", 1000, &v, &err), 0);
  ck_assert_uint_eq (v, 0);
  ck_assert_int_eq (skiff_space_reserve_parse ("5%", 1000, &v, &err), 0);
  ck_assert_uint_eq (v, 50);
  ck_assert_int_eq (skiff_space_reserve_parse ("4096", 0, &v, &err), 0);
  ck_assert_uint_eq (v, 4096);
  ck_assert_int_eq (skiff_space_reserve_parse ("512M", 0, &v, &err), 0);
  ck_assert_uint_eq (v, 512ULL << 20);
  ck_assert_int_eq (skiff_space_reserve_parse ("1GiB", 0, &v, &err), 0);
  ck_assert_uint_eq (v, 1ULL << 30);
  ck_assert_int_eq (skiff_space_reserve_parse ("1.5k", 0, &v, &err), 0);
  ck_assert_uint_eq (v, 1536);
  const char *bad[] = { "", "lots", "-1", "5%%", "200%", "3X", "1GiBs", " 1" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      ck_assert_msg (skiff_space_reserve_parse (bad[i], 1000, &v, &err) < 0, "%s", bad[i]);
      ck_assert_msg (strstr (err->msg, "SKIFF_MIN_FREE=") == err->msg, "%s", err->msg);
      skiff_error_free (err);
      err = NULL;
    }
}
END_TEST

START_TEST (content_record)
{
  struct skiff_content *c = skiff_content_new ();
  skiff_content_begin (c, "b");
  skiff_content_data (c, "abc", 3, 0);
  skiff_content_end (c, 3);
  skiff_content_begin (c, "a\nx"); /* escaped: one line stays one line */
  skiff_content_end (c, 0);
  skiff_content_link (c, "c", "b");
  skiff_content_begin (c, "gone");
  skiff_content_end (c, 0);
  skiff_content_forget (c, "gone");  /* a directory was written over it */
  skiff_content_begin (c, "sparse"); /* a hole reads back as zeros */
  skiff_content_data (c, "x", 1, 2);
  skiff_content_end (c, 4);
  size_t len;
  _cleanup_free_ char *text = skiff_content_text (c, &len);
  skiff_content_free (c);
  const char *want = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0 a\\012x\n"
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3 b\n"
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3 c\n";
  ck_assert_msg (strncmp (text, want, strlen (want)) == 0, "%s", text);
  _cleanup_free_ char *sparse = skiff_sha256_digest ("\0\0x\0", 4);
  _cleanup_free_ char *last = xasprintf ("%s 4 sparse\n", skiff_digest_hex (sparse));
  ck_assert_str_eq (text + strlen (want), last);
  ck_assert_uint_eq (len, strlen (text));

  ck_assert_ptr_null (skiff_content_first_difference (text, len, text, len));
  _cleanup_free_ char *changed = xstrdup (text);
  changed[strlen (want) - 10] ^= 1; /* the digest of c */
  _cleanup_free_ char *d1 = skiff_content_first_difference (text, len, changed, len);
  ck_assert_str_eq (d1, "c: content differs from what was unpacked");
  /* c gone from the disk */
  _cleanup_free_ char *without = xasprintf ("%.*s%s", (int)(strlen (want) - 69), text, last);
  _cleanup_free_ char *d2 = skiff_content_first_difference (text, len, without, strlen (without));
  ck_assert_str_eq (d2, "c: missing (unpacked as a regular file)");
  _cleanup_free_ char *d3 = skiff_content_first_difference (without, strlen (without), text, len);
  ck_assert_str_eq (d3, "c: not in the record of what was unpacked");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("image");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, sha256_vectors);
  tcase_add_test (tc, chain_ids);
  tcase_add_test (tc, path_cleaning);
  tcase_add_test (tc, whiteouts);
  tcase_add_test (tc, config_roundtrip);
  tcase_add_test (tc, config_strslice_and_repeated_keys);
  tcase_add_test (tc, config_errors);
  tcase_add_test (tc, changes);
  tcase_add_test (tc, name_escaping);
  tcase_add_test (tc, unpack_layer);
  tcase_add_test (tc, link_set);
  tcase_add_test (tc, hash_thread);
  tcase_add_test (tc, unpack_symlink_escapes);
  tcase_add_test (tc, store_import_lookup);
  tcase_add_test (tc, load_docker_manifest);
  tcase_add_test (tc, load_manifest_errors);
  tcase_add_test (tc, load_oci_index);
  tcase_add_test (tc, archive_sniffing);
  tcase_add_test (tc, space_reserve_parsing);
  tcase_add_test (tc, content_record);
  tcase_add_test (tc, unpack_keeps_tar_split);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
