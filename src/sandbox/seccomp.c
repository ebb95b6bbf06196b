/* Compiling a seccomp profile with libseccomp, as moby's setupSeccomp + runc resolve it: the
 * native architecture's archMap entry (or every listed architecture), only the rules whose
 * includes/excludes match the native arch, the bounding set and the running kernel, rules
 * whose action is the default skipped.  The program is exported once (in the parent, before
 * the clone) and installed by the child with seccomp(2): nothing of libseccomp runs there. */
#include <ctype.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sandbox/seccomp-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

SKIFF_DEFINE_CLEANUP (seccomp_releasep, scmp_filter_ctx, seccomp_release)
#define _cleanup_seccomp_ __attribute__ ((cleanup (seccomp_releasep)))

int
skiff_seccomp_action_from_name (const char *name, enum skiff_seccomp_action *out)
{
  static const struct
  {
    const char *name;
    enum skiff_seccomp_action action;
  } actions[] = {
    { "SCMP_ACT_KILL", SKIFF_SCMP_KILL_THREAD },
    { "SCMP_ACT_KILL_THREAD", SKIFF_SCMP_KILL_THREAD },
    { "SCMP_ACT_KILL_PROCESS", SKIFF_SCMP_KILL_PROCESS },
    { "SCMP_ACT_TRAP", SKIFF_SCMP_TRAP },
    { "SCMP_ACT_ERRNO", SKIFF_SCMP_ERRNO },
    { "SCMP_ACT_TRACE", SKIFF_SCMP_TRACE },
    { "SCMP_ACT_ALLOW", SKIFF_SCMP_ALLOW },
    { "SCMP_ACT_LOG", SKIFF_SCMP_LOG },
  };
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
    if (strcmp (name, actions[i].name) == 0)
      {
        *out = actions[i].action;
        return 0;
      }
  return -1;
}

int
skiff_seccomp_op_from_name (const char *name, enum skiff_seccomp_op *out)
{
  static const char *const ops[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp (name, ops[i]) == 0)
      {
        *out = (enum skiff_seccomp_op)i;
        return 0;
      }
  return -1;
}

int
skiff_seccomp_parse_kernel (const char *s, unsigned *out)
{
  unsigned major, minor;
  int n = 0;
  if (sscanf (s, "%u.%u%n", &major, &minor, &n) != 2 || major > 0xffff || minor > 0xffff
      || (s[n] != '\0' && s[n] != '.' && s[n] != '-'))
    return -1;
  *out = major << 16 | minor;
  return 0;
}

static bool
has_arch (const char *const *arches, const char *arch)
{
  for (size_t i = 0; arches != NULL && arches[i] != NULL; i++)
    if (strcmp (arches[i], arch) == 0)
      return true;
  return false;
}

bool
skiff_seccomp_rule_applies (const struct skiff_seccomp_rule *r, const char *arch, uint64_t caps,
                            unsigned kernel)
{
  const struct skiff_seccomp_cond *ex = &r->excludes, *in = &r->includes;
  if (has_arch (ex->arches, arch) || (ex->caps & caps) != 0
      || (ex->min_kernel && kernel >= ex->min_kernel))
    return false;
  if ((in->arches != NULL && in->arches[0] != NULL && !has_arch (in->arches, arch))
      || (in->caps & caps) != in->caps || (in->min_kernel && kernel < in->min_kernel))
    return false;
  return true;
}

/* The native architecture in Go's names (moby compares runtime.GOARCH) */
static const char *
native_go_arch (void)
{
  switch (seccomp_arch_native ())
    {
    case SCMP_ARCH_X86_64:
      return "amd64";
    case SCMP_ARCH_X86:
      return "386";
    case SCMP_ARCH_AARCH64:
      return "arm64";
    case SCMP_ARCH_ARM:
      return "arm";
    case SCMP_ARCH_PPC64LE:
      return "ppc64le";
    case SCMP_ARCH_S390X:
      return "s390x";
    case SCMP_ARCH_RISCV64:
      return "riscv64";
    default:
      return "unknown";
    }
}

static unsigned
running_kernel (void)
{
  struct utsname u;
  unsigned k = 0;
  if (uname (&u) == 0 && skiff_seccomp_parse_kernel (u.release, &k) < 0)
    k = 0;
  return k;
}

static uint32_t
scmp_action (enum skiff_seccomp_action a, int errno_ret)
{
  switch (a)
    {
    case SKIFF_SCMP_KILL_PROCESS:
      return SCMP_ACT_KILL_PROCESS;
    case SKIFF_SCMP_TRAP:
      return SCMP_ACT_TRAP;
    case SKIFF_SCMP_ERRNO:
      return SCMP_ACT_ERRNO ((uint16_t)(errno_ret >= 0 ? errno_ret : EPERM));
    case SKIFF_SCMP_TRACE:
      return SCMP_ACT_TRACE ((uint16_t)(errno_ret >= 0 ? errno_ret : EPERM));
    case SKIFF_SCMP_ALLOW:
      return SCMP_ACT_ALLOW;
    case SKIFF_SCMP_LOG:
      return SCMP_ACT_LOG;
    case SKIFF_SCMP_KILL_THREAD:
    default:
      return SCMP_ACT_KILL_THREAD;
    }
}

uint32_t
skiff_seccomp_arch_from_name (const char *name)
{
  char lower[32];
  size_t i = 0;
  if (strncmp (name, "SCMP_ARCH_", 10) != 0)
    return 0;
  for (name += 10; *name && i < sizeof lower - 1; name++)
    lower[i++] = (char)tolower ((unsigned char)*name);
  lower[i] = '\0';
  return *name ? 0 : seccomp_arch_resolve_name (lower);
}

static int
add_arch (scmp_filter_ctx ctx, const char *name, struct skiff_error **err)
{
  uint32_t a = skiff_seccomp_arch_from_name (name);
  if (a == 0)
    return skiff_error_make (err, 0, "seccomp: unknown architecture %s", name);
  int r = seccomp_arch_add (ctx, a);
  if (r < 0 && r != -EEXIST)
    return skiff_error_make (err, -r, "seccomp: add architecture %s", name);
  return 0;
}

static int
add_arches (scmp_filter_ctx ctx, const struct skiff_seccomp_profile *p, struct skiff_error **err)
{
  int r = 0;
  for (size_t i = 0; p->architectures != NULL && p->architectures[i] != NULL && r == 0; i++)
    r = add_arch (ctx, p->architectures[i], err);
  uint32_t native = seccomp_arch_native ();
  for (size_t i = 0; i < p->narchmap && r == 0; i++)
    {
      const struct skiff_seccomp_archmap *m = &p->archmap[i];
      if (skiff_seccomp_arch_from_name (m->arch) != native)
        continue;
      r = add_arch (ctx, m->arch, err);
      for (size_t j = 0; m->sub != NULL && m->sub[j] != NULL && r == 0; j++)
        r = add_arch (ctx, m->sub[j], err);
    }
  return r;
}

/* One name of a rule; several conditions on the same argument are separate rules (runc). */
static int
add_syscall (scmp_filter_ctx ctx, const struct skiff_seccomp_rule *rule, uint32_t action,
             const char *name, struct skiff_error **err)
{
  int nr = seccomp_syscall_resolve_name (name);
  if (nr == __NR_SCMP_ERROR)
    return 0; /* the parser refused names no architecture knows; this kernel's libseccomp too */
  struct scmp_arg_cmp cmp[SKIFF_SECCOMP_MAX_ARGS];
  bool repeated = false;
  for (size_t i = 0; i < rule->nargs; i++)
    {
      const struct skiff_seccomp_arg *a = &rule->args[i];
      cmp[i] = (struct scmp_arg_cmp){ .arg = a->index,
                                      .op = (enum scmp_compare) (a->op + 1),
                                      .datum_a = a->value,
                                      .datum_b = a->value_two };
      for (size_t j = 0; j < i; j++)
        repeated = repeated || rule->args[j].index == a->index;
    }
  int r = 0;
  if (!repeated)
    r = seccomp_rule_add_array (ctx, action, nr, (unsigned)rule->nargs, cmp);
  for (size_t i = 0; repeated && i < rule->nargs && r == 0; i++)
    r = seccomp_rule_add_array (ctx, action, nr, 1, &cmp[i]);
  if (r < 0)
    return skiff_error_make (err, -r, "seccomp: add a rule for %s", name);
  return 0;
}

static int
export_bpf (scmp_filter_ctx ctx, struct skiff_seccomp_bpf *out, struct skiff_error **err)
{
  _cleanup_close_ int fd = memfd_create ("skiff-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "seccomp: memfd_create");
  int r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return skiff_error_make (err, -r, "seccomp: export the filter");
  off_t size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % (off_t)sizeof (struct sock_filter) != 0
      || size / (off_t)sizeof (struct sock_filter) > BPF_MAXINSNS)
    return skiff_error_make (err, EINVAL, "seccomp: the filter has %lld bytes", (long long)size);
  out->insns = xmalloc ((size_t)size);
  if (pread (fd, out->insns, (size_t)size, 0) != size)
    {
      skiff_seccomp_bpf_clear (out);
      return skiff_error_make (err, errno ? errno : EIO, "seccomp: read the filter back");
    }
  out->len = (unsigned short)(size / (off_t)sizeof (struct sock_filter));
  return 0;
}

int
skiff_seccomp_compile (const struct skiff_seccomp_profile *p, uint64_t caps,
                       struct skiff_seccomp_bpf *out, struct skiff_error **err)
{
  uint32_t def = scmp_action (p->default_action, p->default_errno);
  _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init (def);
  if (ctx == NULL)
    return skiff_error_make (err, ENOMEM, "seccomp: init the filter");
  /* a binary tree of syscall numbers: a short path for each, which is what the kernel walks
   * for every syscall it cannot cache, and when it builds that cache at seccomp(2) */
  int r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (r < 0)
    return skiff_error_make (err, -r, "seccomp: ask for the binary-tree filter");
  if ((r = add_arches (ctx, p, err)) < 0)
    return r;
  const char *arch = native_go_arch ();
  unsigned kernel = running_kernel ();
  for (size_t i = 0; i < p->nrules; i++)
    {
      const struct skiff_seccomp_rule *rule = &p->rules[i];
      uint32_t action = scmp_action (rule->action, rule->errno_ret);
      if (action == def || !skiff_seccomp_rule_applies (rule, arch, caps, kernel))
        continue;
      for (size_t j = 0; rule->names[j] != NULL; j++)
        if ((r = add_syscall (ctx, rule, action, rule->names[j], err)) < 0)
          return r;
    }
  memset (out, 0, sizeof *out);
  out->flags = p->flags;
  return export_bpf (ctx, out, err);
}

void
skiff_seccomp_bpf_clear (struct skiff_seccomp_bpf *b)
{
  free (b->insns);
  memset (b, 0, sizeof *b);
}

int
skiff_seccomp_bpf_load (const struct skiff_seccomp_bpf *b, struct skiff_error **err)
{
  struct sock_fprog prog = { .len = b->len, .filter = b->insns };
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, b->flags, &prog) < 0)
    {
      if (errno == EINVAL)
        return skiff_error_make (err, errno,
                                 "install the seccomp filter (a kernel without "
                                 "CONFIG_SECCOMP_FILTER, or a flag it does not know)");
      return skiff_error_make (err, errno, "install the seccomp filter");
    }
  return 0;
}
