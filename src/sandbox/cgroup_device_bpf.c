/* The cgroup v2 device program for an allowlist, assembled by hand (no libbpf, no clang).
 *
 * The kernel calls it for every mknod and device open with a struct bpf_cgroup_dev_ctx:
 * access_type (access bits << 16 | BPF_DEVCG_DEV_BLOCK or _CHAR), major, minor.  It returns 1
 * to allow and 0 to refuse (EPERM).  Shape:
 *
 *   r2 = type, r3 = access, r4 = major, r5 = minor          prologue, 6 instructions
 *   per rule: each test that fails jumps past the rule      1 per fixed type/major/minor,
 *             r0 = 1; exit                                  3 for a partial access, + 2
 *   r0 = 0; exit                                            nothing matched
 *
 * The rules only allow, so their order does not matter (the same as v1's devices.allow after
 * "a" in devices.deny). */
#include "sandbox/cgroup-devices-internal.h"

#include "skiff/xalloc.h"

#define PROLOGUE_LEN 6
#define EPILOGUE_LEN 2
#define MAX_RULE_LEN 8 /* type 1 + access 3 + major 1 + minor 1 + return 2 */

static struct bpf_insn
insn (uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* dst = *(u32 *)(ctx + off) */
static struct bpf_insn
load_ctx_u32 (uint8_t dst, int16_t off)
{
  return insn (BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0);
}

static struct bpf_insn
alu32_imm (uint8_t op, uint8_t dst, int32_t imm)
{
  return insn (BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

/* if dst != imm goto +off (off patched once the rule's length is known) */
static struct bpf_insn
jump_if_not (uint8_t dst, int32_t imm)
{
  return insn (BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, imm);
}

static size_t
emit_return (struct bpf_insn *p, int32_t verdict)
{
  p[0] = insn (BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, verdict);
  p[1] = insn (BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  return 2;
}

static size_t
emit_prologue (struct bpf_insn *p)
{
  p[0] = load_ctx_u32 (BPF_REG_2, offsetof (struct bpf_cgroup_dev_ctx, access_type));
  p[1] = insn (BPF_ALU | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0);
  p[2] = alu32_imm (BPF_AND, BPF_REG_2, 0xffff);
  p[3] = alu32_imm (BPF_RSH, BPF_REG_3, 16);
  p[4] = load_ctx_u32 (BPF_REG_4, offsetof (struct bpf_cgroup_dev_ctx, major));
  p[5] = load_ctx_u32 (BPF_REG_5, offsetof (struct bpf_cgroup_dev_ctx, minor));
  return PROLOGUE_LEN;
}

/* One rule: its tests, then "allow".  Every failed test jumps to the instruction after it. */
static size_t
emit_rule (const struct skiff_device_rule *rule, struct bpf_insn *p)
{
  size_t n = 0, jumps[4], n_jumps = 0;
  if (rule->type == 'b' || rule->type == 'c')
    {
      jumps[n_jumps++] = n;
      p[n++]
          = jump_if_not (BPF_REG_2, rule->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    }
  unsigned denied = SKIFF_DEV_RWM & ~rule->access;
  if (denied != 0) /* the request may ask for nothing outside rule->access */
    {
      p[n++] = insn (BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
      p[n++] = alu32_imm (BPF_AND, BPF_REG_1, (int32_t)denied);
      jumps[n_jumps++] = n;
      p[n++] = jump_if_not (BPF_REG_1, 0);
    }
  if (rule->major != SKIFF_DEV_ANY)
    {
      jumps[n_jumps++] = n;
      p[n++] = jump_if_not (BPF_REG_4, rule->major);
    }
  if (rule->minor != SKIFF_DEV_ANY)
    {
      jumps[n_jumps++] = n;
      p[n++] = jump_if_not (BPF_REG_5, rule->minor);
    }
  n += emit_return (p + n, 1);
  for (size_t i = 0; i < n_jumps; i++)
    p[jumps[i]].off = (int16_t)(n - jumps[i] - 1);
  return n;
}

struct bpf_insn *
skiff_device_bpf_program (const struct skiff_device_rule *rules, size_t n, size_t *len)
{
  struct bpf_insn *prog = xmalloc ((PROLOGUE_LEN + n * MAX_RULE_LEN + EPILOGUE_LEN) * sizeof *prog);
  size_t at = emit_prologue (prog);
  for (size_t i = 0; i < n; i++)
    at += emit_rule (&rules[i], prog + at);
  at += emit_return (prog + at, 0);
  *len = at;
  return prog;
}
