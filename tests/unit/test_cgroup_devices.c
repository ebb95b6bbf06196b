/* The device allowlist: its v1 text, the shape of the v2 BPF program, what that program decides
 * (run by a small interpreter of the instructions it uses), and, as real root, the program
 * loaded by the kernel and attached to a cgroup2 directory in a private mount namespace (the
 * host's own cgroup2 tree, mounted where pure-v2 hosts have it; nothing outside changes). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/cgroup-devices-internal.h"
#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"

#include "real-root.h"

START_TEST (v1_text)
{
  static const char *const want[] = {
    "c *:* m",   "b *:* m",   "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",   "c 1:8 rwm",
    "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
  };
  ck_assert_uint_eq (skiff_device_default_rules_len, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < skiff_device_default_rules_len; i++)
    {
      char buf[32];
      skiff_device_rule_text (&skiff_device_default_rules[i], buf, sizeof buf);
      ck_assert_str_eq (buf, want[i]);
    }
  char buf[32];
  skiff_device_rule_text (&(struct skiff_device_rule){ 'b', 8, SKIFF_DEV_ANY, SKIFF_DEV_READ }, buf,
                          sizeof buf);
  ck_assert_str_eq (buf, "b 8:* r");
}
END_TEST

START_TEST (program_shape)
{
  size_t len;
  struct bpf_insn *p
      = skiff_device_bpf_program (skiff_device_default_rules, skiff_device_default_rules_len, &len);
  /* prologue 6; c *:* m and b *:* m 6 each (type, 3 for the access, return); nine fixed
   * major:minor rules 5 each; c 136:* 4; the final deny 2 */
  ck_assert_uint_eq (len, 6 + 6 + 6 + 9 * 5 + 4 + 2);
  ck_assert_uint_eq (p[0].code, BPF_LDX | BPF_MEM | BPF_W);
  ck_assert_int_eq (p[0].off, 0);
  ck_assert_int_eq (p[4].off, 4);
  ck_assert_int_eq (p[5].off, 8);
  ck_assert_uint_eq (p[len - 2].code, BPF_ALU64 | BPF_MOV | BPF_K);
  ck_assert_int_eq (p[len - 2].imm, 0);
  ck_assert_uint_eq (p[len - 1].code, BPF_JMP | BPF_EXIT);
  for (size_t i = 0; i < len; i++)
    if (p[i].code == (BPF_JMP | BPF_JNE | BPF_K))
      {
        /* forward, inside the program, onto the first instruction of the next rule */
        size_t target = i + 1 + (size_t)p[i].off;
        ck_assert_int_gt (p[i].off, 0);
        ck_assert_uint_lt (target, len);
        ck_assert_uint_eq (p[target - 1].code, BPF_JMP | BPF_EXIT);
      }
  free (p);
  struct bpf_insn *empty = skiff_device_bpf_program (NULL, 0, &len);
  ck_assert_uint_eq (len, 8);
  free (empty);
}
END_TEST

/* Runs the instructions the builder emits; fails the test on anything else. */
static int
interpret (const struct bpf_insn *p, size_t len, const struct bpf_cgroup_dev_ctx *ctx)
{
  uint64_t r[11] = { 0 };
  for (size_t pc = 0; pc < len; pc++)
    {
      const struct bpf_insn *i = &p[pc];
      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          ck_assert_uint_eq (i->src_reg, BPF_REG_1);
          ck_assert (i->off >= 0 && (size_t)i->off + 4 <= sizeof *ctx);
          uint32_t v;
          memcpy (&v, (const char *)ctx + i->off, 4);
          r[i->dst_reg] = v;
          break;
        case BPF_ALU | BPF_MOV | BPF_X:
          r[i->dst_reg] = (uint32_t)r[i->src_reg];
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          r[i->dst_reg] = (uint32_t)r[i->dst_reg] & (uint32_t)i->imm;
          break;
        case BPF_ALU | BPF_RSH | BPF_K:
          r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm;
          break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
          r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (r[i->dst_reg] != (uint64_t)(int64_t)i->imm)
            pc += (size_t)i->off;
          break;
        case BPF_JMP | BPF_EXIT:
          return (int)r[0];
        default:
          ck_abort_msg ("unexpected opcode 0x%02x at %zu", i->code, pc);
        }
    }
  ck_abort_msg ("ran off the end of the program");
  return -1;
}

static int
decide (char type, uint32_t major, uint32_t minor, unsigned access)
{
  size_t len;
  _cleanup_free_ struct bpf_insn *p
      = skiff_device_bpf_program (skiff_device_default_rules, skiff_device_default_rules_len, &len);
  struct bpf_cgroup_dev_ctx ctx = {
    .access_type = access << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
    .major = major,
    .minor = minor,
  };
  return interpret (p, len, &ctx);
}

START_TEST (program_decisions)
{
  const unsigned r = SKIFF_DEV_READ, w = SKIFF_DEV_WRITE, m = SKIFF_DEV_MKNOD;
  /* allowed */
  ck_assert_int_eq (decide ('c', 1, 3, r | w), 1);    /* null */
  ck_assert_int_eq (decide ('c', 1, 9, r), 1);        /* urandom */
  ck_assert_int_eq (decide ('c', 5, 2, r | w), 1);    /* ptmx */
  ck_assert_int_eq (decide ('c', 136, 42, r | w), 1); /* a pty */
  ck_assert_int_eq (decide ('c', 10, 200, r | w), 1); /* tun */
  ck_assert_int_eq (decide ('b', 7, 0, m), 1);        /* mknod of anything */
  ck_assert_int_eq (decide ('c', 10, 229, m), 1);
  ck_assert_int_eq (decide ('c', 1, 3, r | w | m), 1);
  /* refused */
  ck_assert_int_eq (decide ('b', 7, 0, r), 0); /* a loop disk */
  ck_assert_int_eq (decide ('b', 7, 0, r | m), 0);
  ck_assert_int_eq (decide ('c', 10, 229, r | w), 0); /* fuse */
  ck_assert_int_eq (decide ('c', 10, 232, r | w), 0); /* kvm */
  ck_assert_int_eq (decide ('c', 4, 0, w), 0);        /* tty0 */
  ck_assert_int_eq (decide ('c', 10, 183, r), 0);     /* hwrng */
  ck_assert_int_eq (decide ('c', 1, 1, r), 0);        /* mem */
  ck_assert_int_eq (decide ('b', 1, 3, r), 0);        /* null's numbers as a block device */
  ck_assert_int_eq (decide ('c', 137, 0, r), 0);
  ck_assert_int_eq (decide ('c', 1, 0x10003, r), 0); /* minor compared in full */
}
END_TEST

/* In the limited cgroup: 0 when /dev/null opens and a made loop node does not (EPERM). */
static int
probe_in (const struct skiff_cgroup *cg, const char *tmp)
{
  struct skiff_error *err = NULL;
  if (skiff_cgroup_add_pid (cg, getpid (), &err) < 0)
    return 10;
  int fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return 11;
  close (fd);
  char node[256];
  snprintf (node, sizeof node, "%s/loop", tmp);
  if (mknod (node, S_IFBLK | 0600, makedev (7, 0)) < 0)
    return 12;
  fd = open (node, O_RDONLY | O_CLOEXEC);
  int e = errno;
  unlink (node);
  return fd < 0 && e == EPERM ? 0 : 13;
}

/* In a forked child (the mount namespace and cgroup membership stay there): cgroup2 mounted on
 * /sys/fs/cgroup, a cgroup made and limited through the v2 path, a grandchild probing it. */
static int
v2_child (const char *tmp)
{
  struct skiff_error *err = NULL;
  enum skiff_cgroup_layout l;
  struct skiff_cgroup *cg = NULL;
  char name[64];
  snprintf (name, sizeof name, "skiff-test-devices/%d", (int)getpid ());
  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0
      || mount ("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) < 0)
    return 2;
  if (skiff_cgroup_detect (&l, &err) < 0 || l != SKIFF_CGROUP_V2)
    return 3;
  if (skiff_cgroup_create (name, &cg, &err) < 0)
    return 4;
  int rc = skiff_cgroup_limit_devices (cg, &err) < 0 ? 5 : 0;
  if (rc != 0)
    fprintf (stderr, "%s\n", err->msg);
  pid_t pid = rc == 0 ? fork () : 0;
  if (rc == 0 && pid == 0)
    _exit (probe_in (cg, tmp));
  int status = 0;
  if (rc == 0 && (pid < 0 || waitpid (pid, &status, 0) != pid))
    rc = 6;
  else if (rc == 0)
    rc = WIFEXITED (status) ? WEXITSTATUS (status) : 7;
  skiff_cgroup_remove (cg, &err);
  rmdir ("/sys/fs/cgroup/skiff-test-devices");
  skiff_cgroup_free (cg);
  return rc;
}

START_TEST (v2_program_attached)
{
  enum skiff_cgroup_layout l;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (skiff_cgroup_detect (&l, &err), 0);
  if (!is_real_root ())
    {
      printf ("device program in the kernel: not run: unprivileged\n");
      return;
    }
  if (l == SKIFF_CGROUP_V1)
    {
      printf ("device program in the kernel: SKIPPED: the kernel has no cgroup2 mounted\n");
      return;
    }
  char tmp[] = "/tmp/skiff-test-devices.XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (tmp));
  pid_t pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    _exit (v2_child (tmp));
  int status;
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  rmdir (tmp);
  ck_assert (WIFEXITED (status));
  ck_assert_int_eq (WEXITSTATUS (status), 0);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("cgroup_devices");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, v1_text);
  tcase_add_test (tc, program_shape);
  tcase_add_test (tc, program_decisions);
  tcase_add_test (tc, v2_program_attached);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
