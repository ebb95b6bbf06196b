#pragma once
/* The container's device allowlist and its two encodings: v1 devices.allow lines and a cgroup v2
 * BPF_PROG_TYPE_CGROUP_DEVICE program.  Shared by cgroup_devices.c, cgroup_device_bpf.c and the
 * unit tests. */

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

struct skiff_error;

/* Access bits as the kernel hands them to a device program (BPF_DEVCG_ACC_*). */
#define SKIFF_DEV_MKNOD BPF_DEVCG_ACC_MKNOD
#define SKIFF_DEV_READ BPF_DEVCG_ACC_READ
#define SKIFF_DEV_WRITE BPF_DEVCG_ACC_WRITE
#define SKIFF_DEV_RWM (SKIFF_DEV_MKNOD | SKIFF_DEV_READ | SKIFF_DEV_WRITE)
#define SKIFF_DEV_ANY (-1) /* a wildcard major or minor ("*") */

/* One exception to "deny everything": type 'c' or 'b', major and minor (SKIFF_DEV_ANY or a
 * number), and the access it grants. */
struct skiff_device_rule
{
  char type;
  int32_t major, minor;
  unsigned access;
};

/* docker's effective default (moby's list plus the runtime's: security-defaults.md §3). */
extern const struct skiff_device_rule skiff_device_default_rules[];
extern const size_t skiff_device_default_rules_len;

/* The rule as a v1 devices.allow line, e.g. "c 136:* rwm"; buf of at least 32 bytes. */
void skiff_device_rule_text (const struct skiff_device_rule *rule, char *buf, size_t size);

/* A device program allowing exactly the rules (any other access: 0 = EPERM).  Pure; *len gets
 * the instruction count.  The caller frees the array. */
struct bpf_insn *skiff_device_bpf_program (const struct skiff_device_rule *rules, size_t n,
                                           size_t *len);

/* Loads that program and attaches it to the cgroup2 directory dir (BPF_F_ALLOW_MULTI). */
int skiff_device_bpf_attach (const char *dir, const struct skiff_device_rule *rules, size_t n,
                             struct skiff_error **err);
