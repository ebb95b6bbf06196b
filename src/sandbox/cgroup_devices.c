/* The container's device allowlist in its cgroup: v1's devices controller, or a BPF device
 * program on cgroup v2.  Without it a root container with CAP_MKNOD could make and open any
 * host device (a disk, kvm, the console...).  See skiff/cgroup.h. */
#include "skiff/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/cgroup-devices-internal.h"
#include "sandbox/cgroup-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/resources.h"
#include "skiff/xalloc.h"

/* docker's default (moby's deny-all plus null, zero, random, urandom, tty, console) with the
 * runtime's built-ins added (mknod of anything, full, ptmx, the ptys, tun), as runc and crun
 * apply them.  fuse (c 10:229) is not in it.  Any other node may be made (CAP_MKNOD) but not
 * opened: EPERM, as in docker. */
const struct skiff_device_rule skiff_device_default_rules[] = {
  { 'c', SKIFF_DEV_ANY, SKIFF_DEV_ANY, SKIFF_DEV_MKNOD },
  { 'b', SKIFF_DEV_ANY, SKIFF_DEV_ANY, SKIFF_DEV_MKNOD },
  { 'c', 1, 3, SKIFF_DEV_RWM },               /* null */
  { 'c', 1, 5, SKIFF_DEV_RWM },               /* zero */
  { 'c', 1, 7, SKIFF_DEV_RWM },               /* full */
  { 'c', 1, 8, SKIFF_DEV_RWM },               /* random */
  { 'c', 1, 9, SKIFF_DEV_RWM },               /* urandom */
  { 'c', 5, 0, SKIFF_DEV_RWM },               /* tty */
  { 'c', 5, 1, SKIFF_DEV_RWM },               /* console */
  { 'c', 5, 2, SKIFF_DEV_RWM },               /* ptmx */
  { 'c', 136, SKIFF_DEV_ANY, SKIFF_DEV_RWM }, /* pts/N */
  { 'c', 10, 200, SKIFF_DEV_RWM },            /* net/tun */
};
const size_t skiff_device_default_rules_len
    = sizeof skiff_device_default_rules / sizeof skiff_device_default_rules[0];

static void
number_text (int32_t n, char *buf, size_t size)
{
  if (n == SKIFF_DEV_ANY)
    snprintf (buf, size, "*");
  else
    snprintf (buf, size, "%d", (int)n);
}

void
skiff_device_rule_text (const struct skiff_device_rule *rule, char *buf, size_t size)
{
  char major[16], minor[16], access[4];
  size_t n = 0;
  number_text (rule->major, major, sizeof major);
  number_text (rule->minor, minor, sizeof minor);
  if (rule->access & SKIFF_DEV_READ)
    access[n++] = 'r';
  if (rule->access & SKIFF_DEV_WRITE)
    access[n++] = 'w';
  if (rule->access & SKIFF_DEV_MKNOD)
    access[n++] = 'm';
  access[n] = '\0';
  snprintf (buf, size, "%c %s:%s %s", rule->type, major, minor, access);
}

/* v1: "a" in devices.deny empties the list (the cgroup is new and has no children), then each
 * rule goes to devices.allow. */
static int
limit_v1 (const struct skiff_cgroup *cg, const struct skiff_device_rule *rules, size_t n,
          struct skiff_error **err)
{
  if (cg->devices == NULL)
    return skiff_error_make (err, ENOTSUP,
                             "cgroup %s: the devices controller is not mounted, so the "
                             "container's devices cannot be confined",
                             cg->name);
  if (skiff_cgroup_write (cg->devices, "devices.deny", "a", err) < 0)
    return skiff_error_ret (*err);
  for (size_t i = 0; i < n; i++)
    {
      char line[64];
      skiff_device_rule_text (&rules[i], line, sizeof line);
      if (skiff_cgroup_write (cg->devices, "devices.allow", line, err) < 0)
        return skiff_error_ret (*err);
    }
  return 0;
}

static int
bpf_call (int cmd, union bpf_attr *attr)
{
  return (int)syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

int
skiff_device_bpf_attach (const char *dir, const struct skiff_device_rule *rules, size_t n,
                         struct skiff_error **err)
{
  size_t len;
  _cleanup_free_ struct bpf_insn *prog = skiff_device_bpf_program (rules, n, &len);
  static const char license[] = "Apache-2.0"; /* no GPL-only helper is called */
  union bpf_attr load = {
    .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
    .insns = (uint64_t)(uintptr_t)prog,
    .insn_cnt = (uint32_t)len,
    .license = (uint64_t)(uintptr_t)license,
  };
  _cleanup_close_ int prog_fd = bpf_call (BPF_PROG_LOAD, &load);
  if (prog_fd < 0)
    return skiff_error_make (err, errno, "load the device program for cgroup %s", dir);
  _cleanup_close_ int dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return skiff_error_make (err, errno, "open cgroup %s", dir);
  /* ALLOW_MULTI: a program of an ancestor (systemd's, say) keeps running too */
  union bpf_attr attach = {
    .target_fd = (uint32_t)dir_fd,
    .attach_bpf_fd = (uint32_t)prog_fd,
    .attach_type = BPF_CGROUP_DEVICE,
    .attach_flags = BPF_F_ALLOW_MULTI,
  };
  if (bpf_call (BPF_PROG_ATTACH, &attach) < 0)
    return skiff_error_make (err, errno, "attach the device program to cgroup %s", dir);
  return 0; /* the cgroup holds the program now; our fd may go */
}

int
skiff_cgroup_limit_devices (const struct skiff_cgroup *cg, struct skiff_error **err)
{
  return skiff_cgroup_limit_devices_with (cg, NULL, err);
}

/* "c 1:3 rwm" / "a" into rules (type 'a' is both 'c' and 'b'); false when malformed. */
static bool
parse_rule (const char *text, struct skiff_device_rule out[2], size_t *n)
{
  char type, access[4];
  int64_t major, minor;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_resources_parse_device_rule (text, &type, &major, &minor, access, &e) < 0)
    return false;
  unsigned bits = (strchr (access, 'r') ? SKIFF_DEV_READ : 0)
                  | (strchr (access, 'w') ? SKIFF_DEV_WRITE : 0)
                  | (strchr (access, 'm') ? SKIFF_DEV_MKNOD : 0);
  *n = 0;
  for (const char *t = type == 'a' ? "cb" : (char[]){ type, 0 }; *t; t++)
    out[(*n)++] = (struct skiff_device_rule){ *t, (int32_t)major, (int32_t)minor, bits };
  return true;
}

int
skiff_cgroup_limit_devices_with (const struct skiff_cgroup *cg, char *const *extra_rules,
                                 struct skiff_error **err)
{
  size_t n = skiff_device_default_rules_len, extra = 0;
  while (extra_rules && extra_rules[extra])
    extra++;
  _cleanup_free_ struct skiff_device_rule *rules = xmalloc ((n + 2 * extra) * sizeof *rules);
  memcpy (rules, skiff_device_default_rules, n * sizeof *rules);
  for (size_t i = 0; i < extra; i++)
    {
      size_t k;
      if (!parse_rule (extra_rules[i], rules + n, &k))
        return skiff_error_make (err, EINVAL, "invalid device cgroup rule '%s'", extra_rules[i]);
      n += k;
    }
  if (cg->layout != SKIFF_CGROUP_V2)
    return limit_v1 (cg, rules, n, err);
  return skiff_device_bpf_attach (cg->dirs[0], rules, n, err);
}
