#pragma once
/* Seccomp profiles (security-defaults.md §4): one in-memory form for the compiled-in default
 * (seccomp_default.c, a table) and for a docker/OCI JSON profile (seccomp_profile.c, yajl), and
 * the compiler (seccomp.c) that resolves a profile against the native architecture, the
 * container's bounding set and the kernel version into a BPF program, which the sandboxed child
 * loads right before (or, without no_new_privs, just ahead of) its user switch. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct skiff_error;

enum skiff_seccomp_action
{
  SKIFF_SCMP_KILL_THREAD, /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
  SKIFF_SCMP_KILL_PROCESS,
  SKIFF_SCMP_TRAP,
  SKIFF_SCMP_ERRNO,
  SKIFF_SCMP_TRACE,
  SKIFF_SCMP_ALLOW,
  SKIFF_SCMP_LOG,
};

/* SCMP_CMP_* of runtime-spec, in libseccomp's order (enum scmp_compare = this + 1) */
enum skiff_seccomp_op
{
  SKIFF_SCMP_NE,
  SKIFF_SCMP_LT,
  SKIFF_SCMP_LE,
  SKIFF_SCMP_EQ,
  SKIFF_SCMP_GE,
  SKIFF_SCMP_GT,
  SKIFF_SCMP_MASKED_EQ,
};

struct skiff_seccomp_arg
{
  unsigned index;
  uint64_t value, value_two;
  enum skiff_seccomp_op op;
};

/* A rule's includes/excludes (moby's Filter): capabilities as a bit mask, Go arch names
 * ("amd64", "x32", "s390x"...; NULL-terminated, NULL = none) and a minimum kernel
 * (major << 16 | minor; 0 = none). */
struct skiff_seccomp_cond
{
  uint64_t caps;
  const char *const *arches;
  unsigned min_kernel;
};

#define SKIFF_SECCOMP_MAX_ARGS 6

struct skiff_seccomp_rule
{
  const char *const *names; /* NULL-terminated */
  enum skiff_seccomp_action action;
  int errno_ret; /* ERRNO/TRACE; -1: not given (EPERM for ERRNO, as runc) */
  struct skiff_seccomp_arg args[SKIFF_SECCOMP_MAX_ARGS];
  size_t nargs;
  struct skiff_seccomp_cond includes, excludes;
};

/* archMap entry: the native architecture and the ones it also runs ("SCMP_ARCH_X86_64" with
 * "SCMP_ARCH_X86", "SCMP_ARCH_X32") */
struct skiff_seccomp_archmap
{
  const char *arch;
  const char *const *sub; /* NULL-terminated, may be NULL */
};

struct skiff_seccomp_profile
{
  enum skiff_seccomp_action default_action;
  int default_errno; /* -1: not given */
  /* either architectures (every one added) or archmap (the native's entry) or neither */
  const char *const *architectures;
  const struct skiff_seccomp_archmap *archmap;
  size_t narchmap;
  unsigned flags; /* SECCOMP_FILTER_FLAG_* for the seccomp(2) call */
  const struct skiff_seccomp_rule *rules;
  size_t nrules;
};

/* seccomp_default.c: docker's default profile (moby/profiles seccomp/default.json). */
extern const struct skiff_seccomp_profile skiff_seccomp_default_profile;

/* seccomp_profile.c: parses a docker/OCI JSON profile; `what` (the file name) and the key
 * (`syscalls[3].names[1]`) are in every error: malformed JSON, a wrong type, an unknown action,
 * operator, flag, architecture, capability or syscall name (one libseccomp knows on no
 * architecture), "name" with "names", "architectures" with "archMap".  *out is freed with
 * skiff_seccomp_profile_free. */
int skiff_seccomp_profile_parse (const char *text, const char *what,
                                 struct skiff_seccomp_profile **out, struct skiff_error **err);
void skiff_seccomp_profile_free (struct skiff_seccomp_profile *p);

/* seccomp.c: a compiled filter, ready for seccomp(SECCOMP_SET_MODE_FILTER). */
struct skiff_seccomp_bpf
{
  void *insns; /* struct sock_filter[len] */
  unsigned short len;
  unsigned flags;
};

/* Resolves p for this machine (native arch and its sub-arches, caps = the bounding set,
 * the running kernel) as moby's setupSeccomp does, and compiles it with libseccomp. */
int skiff_seccomp_compile (const struct skiff_seccomp_profile *p, uint64_t caps,
                           struct skiff_seccomp_bpf *out, struct skiff_error **err);
void skiff_seccomp_bpf_clear (struct skiff_seccomp_bpf *b);
/* seccomp_cache.c: the same, through <cache_dir>/<key>.bpf (NULL: no cache) */
int skiff_seccomp_compile_cached (const struct skiff_seccomp_profile *p, uint64_t caps,
                                  const char *cache_dir, struct skiff_seccomp_bpf *out,
                                  struct skiff_error **err);
/* Child side: installs the filter (no_new_privs, or CAP_SYS_ADMIN in our user namespace). */
int skiff_seccomp_bpf_load (const struct skiff_seccomp_bpf *b, struct skiff_error **err);

/* Pure helpers shared by the parser and the compiler (unit-tested). */
int skiff_seccomp_action_from_name (const char *name, enum skiff_seccomp_action *out);
int skiff_seccomp_op_from_name (const char *name, enum skiff_seccomp_op *out);
/* "SCMP_ARCH_X86_64" -> libseccomp's token; 0 if unknown */
uint32_t skiff_seccomp_arch_from_name (const char *name);
/* "4.8" -> 4 << 16 | 8; -1 if malformed */
int skiff_seccomp_parse_kernel (const char *s, unsigned *out);
/* true when rule applies for native Go arch `arch`, bounding set caps and kernel */
bool skiff_seccomp_rule_applies (const struct skiff_seccomp_rule *r, const char *arch,
                                 uint64_t caps, unsigned kernel);
