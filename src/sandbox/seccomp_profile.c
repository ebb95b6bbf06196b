/* A docker/OCI seccomp profile (security-defaults.md §4, moby/profiles seccomp.go) read with
 * yajl into the form seccomp.c compiles.  Fields match keys as Go's decoder does (ignoring
 * case).  Everything the compiler would trip over is refused here, naming the file and the key:
 * a container is never created with a profile that cannot load. */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <linux/seccomp.h>

#include "sandbox/seccomp-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct ctx
{
  const char *what; /* the file */
  struct skiff_error **err;
};

static int
bad (const struct ctx *c, const char *key, const char *fmt, const char *detail)
{
  return skiff_error_make (c->err, 0, "seccomp profile %s: \"%s\": %s%s", c->what, key, fmt,
                           detail ? detail : "");
}

static int
get_string (const struct ctx *c, yajl_val obj, const char *field, const char *key, char **out)
{
  yajl_val v = skiff_json_get_field (obj, field);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_STRING (v))
    return bad (c, key, "must be a string", NULL);
  *out = xstrdup (YAJL_GET_STRING (v));
  return 0;
}

/* an array of strings (absent/null: NULL) */
static int
get_strv (const struct ctx *c, yajl_val obj, const char *field, const char *key, char ***out)
{
  yajl_val v = skiff_json_get_field (obj, field);
  *out = NULL;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_ARRAY (v))
    return bad (c, key, "must be an array of strings", NULL);
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      if (!YAJL_IS_STRING (v->u.array.values[i]))
        {
          skiff_strv_free (*out);
          *out = NULL;
          return bad (c, key, "must be an array of strings", NULL);
        }
      skiff_strv_push (out, YAJL_GET_STRING (v->u.array.values[i]));
    }
  return 0;
}

/* an unsigned number (uint64 in Go: values above INT64_MAX are legal) */
static int
get_u64 (const struct ctx *c, yajl_val obj, const char *field, const char *key, uint64_t max,
         bool *given, uint64_t *out)
{
  yajl_val v = skiff_json_get_field (obj, field);
  *given = v != NULL && !YAJL_IS_NULL (v);
  if (!*given)
    return 0;
  const char *s = YAJL_IS_NUMBER (v) ? v->u.number.r : NULL;
  char *end = NULL;
  errno = 0;
  unsigned long long n = s != NULL && *s != '-' ? strtoull (s, &end, 10) : 0;
  if (s == NULL || *s == '-' || end == s || *end != '\0' || errno != 0 || n > max)
    return bad (c, key, "must be an unsigned integer", NULL);
  *out = n;
  return 0;
}

static int
parse_action (const struct ctx *c, yajl_val obj, const char *field, const char *key,
              enum skiff_seccomp_action *out)
{
  _cleanup_free_ char *s = NULL;
  int r = get_string (c, obj, field, key, &s);
  if (r < 0)
    return r;
  if (s == NULL || *s == '\0')
    return bad (c, key, "missing", NULL);
  if (strcmp (s, "SCMP_ACT_NOTIFY") == 0)
    return bad (c, key, "SCMP_ACT_NOTIFY is not supported by skiff", NULL);
  if (skiff_seccomp_action_from_name (s, out) < 0)
    return bad (c, key, "unknown action ", s);
  return 0;
}

static int
parse_caps (const struct ctx *c, yajl_val obj, const char *key, uint64_t *mask)
{
  _cleanup_strv_ char **names = NULL;
  int r = get_strv (c, obj, "caps", key, &names);
  for (size_t i = 0; r == 0 && names != NULL && names[i] != NULL; i++)
    {
      cap_value_t v;
      if (cap_from_name (names[i], &v) < 0 || v < 0 || v >= 64)
        return bad (c, key, "unknown capability ", names[i]);
      *mask |= (uint64_t)1 << v;
    }
  return r;
}

static int
parse_cond (const struct ctx *c, yajl_val rule, const char *field, const char *key,
            struct skiff_seccomp_cond *out)
{
  yajl_val v = skiff_json_get_field (rule, field);
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  _cleanup_free_ char *k = xasprintf ("%s.%s", key, field);
  if (!YAJL_IS_OBJECT (v))
    return bad (c, k, "must be an object", NULL);
  _cleanup_free_ char *kc = xasprintf ("%s.caps", k), *ka = xasprintf ("%s.arches", k);
  _cleanup_free_ char *kk = xasprintf ("%s.minKernel", k), *kernel = NULL;
  char **arches = NULL;
  int r = parse_caps (c, v, kc, &out->caps);
  if (r == 0 && (r = get_strv (c, v, "arches", ka, &arches)) == 0)
    out->arches = (const char *const *)arches;
  if (r == 0 && (r = get_string (c, v, "minKernel", kk, &kernel)) == 0 && kernel != NULL
      && *kernel != '\0' && skiff_seccomp_parse_kernel (kernel, &out->min_kernel) < 0)
    r = bad (c, kk, "not a kernel version <major>.<minor>: ", kernel);
  return r;
}

static int
parse_arg (const struct ctx *c, yajl_val a, const char *key, struct skiff_seccomp_arg *out)
{
  if (!YAJL_IS_OBJECT (a))
    return bad (c, key, "must be an object", NULL);
  _cleanup_free_ char *ki = xasprintf ("%s.index", key), *kv = xasprintf ("%s.value", key);
  _cleanup_free_ char *k2 = xasprintf ("%s.valueTwo", key), *ko = xasprintf ("%s.op", key);
  _cleanup_free_ char *op = NULL;
  uint64_t index = 0;
  bool given;
  int r = get_u64 (c, a, "index", ki, SKIFF_SECCOMP_MAX_ARGS - 1, &given, &index);
  if (r == 0)
    r = get_u64 (c, a, "value", kv, UINT64_MAX, &given, &out->value);
  if (r == 0)
    r = get_u64 (c, a, "valueTwo", k2, UINT64_MAX, &given, &out->value_two);
  if (r == 0)
    r = get_string (c, a, "op", ko, &op);
  if (r < 0)
    return r;
  out->index = (unsigned)index;
  if (op == NULL || skiff_seccomp_op_from_name (op, &out->op) < 0)
    return bad (c, ko, op ? "unknown operator " : "missing", op);
  return 0;
}

static int
parse_names (const struct ctx *c, yajl_val rule, const char *key, char ***names)
{
  _cleanup_free_ char *kn = xasprintf ("%s.names", key), *k1 = xasprintf ("%s.name", key);
  _cleanup_free_ char *one = NULL;
  int r = get_strv (c, rule, "names", kn, names);
  if (r == 0)
    r = get_string (c, rule, "name", k1, &one);
  if (r < 0)
    return r;
  if (one != NULL && *names != NULL)
    return bad (c, key, "\"name\" and \"names\" together", NULL);
  if (one != NULL)
    skiff_strv_push (names, one);
  if (*names == NULL || (*names)[0] == NULL)
    return bad (c, kn, "no syscall named", NULL);
  for (size_t i = 0; (*names)[i] != NULL; i++)
    if (seccomp_syscall_resolve_name ((*names)[i]) == __NR_SCMP_ERROR)
      {
        _cleanup_free_ char *ki = one ? xstrdup (k1) : xasprintf ("%s[%zu]", kn, i);
        return bad (c, ki, "unknown syscall ", (*names)[i]);
      }
  return 0;
}

static int
parse_rule (const struct ctx *c, yajl_val v, const char *key, struct skiff_seccomp_rule *out)
{
  if (!YAJL_IS_OBJECT (v))
    return bad (c, key, "must be an object", NULL);
  char **names = NULL;
  _cleanup_free_ char *ka = xasprintf ("%s.action", key), *ke = xasprintf ("%s.errnoRet", key);
  _cleanup_free_ char *kargs = xasprintf ("%s.args", key);
  int r = parse_names (c, v, key, &names);
  out->names = (const char *const *)names;
  if (r == 0)
    r = parse_action (c, v, "action", ka, &out->action);
  uint64_t e = 0;
  bool given = false;
  if (r == 0)
    r = get_u64 (c, v, "errnoRet", ke, 4095, &given, &e);
  out->errno_ret = given ? (int)e : -1;
  yajl_val args = skiff_json_get_field (v, "args");
  if (r == 0 && args != NULL && !YAJL_IS_NULL (args)
      && (!YAJL_IS_ARRAY (args) || args->u.array.len > SKIFF_SECCOMP_MAX_ARGS))
    r = bad (c, kargs, "must be an array of at most 6 conditions", NULL);
  for (size_t i = 0; r == 0 && args != NULL && YAJL_IS_ARRAY (args) && i < args->u.array.len; i++)
    {
      _cleanup_free_ char *k = xasprintf ("%s[%zu]", kargs, i);
      r = parse_arg (c, args->u.array.values[i], k, &out->args[out->nargs++]);
    }
  if (r == 0)
    r = parse_cond (c, v, "includes", key, &out->includes);
  if (r == 0)
    r = parse_cond (c, v, "excludes", key, &out->excludes);
  return r;
}

static int
parse_flags (const struct ctx *c, yajl_val root, unsigned *flags)
{
  _cleanup_strv_ char **names = NULL;
  int r = get_strv (c, root, "flags", "flags", &names);
  for (size_t i = 0; r == 0 && names != NULL && names[i] != NULL; i++)
    if (strcmp (names[i], "SECCOMP_FILTER_FLAG_LOG") == 0)
      *flags |= SECCOMP_FILTER_FLAG_LOG;
    else if (strcmp (names[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
      *flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else if (strcmp (names[i], "SECCOMP_FILTER_FLAG_TSYNC") == 0)
      *flags |= SECCOMP_FILTER_FLAG_TSYNC;
    else
      return bad (c, "flags", "unknown or unsupported flag ", names[i]);
  return r;
}

static int
check_arch_name (const struct ctx *c, const char *key, const char *name)
{
  if (skiff_seccomp_arch_from_name (name) == 0)
    return bad (c, key, "unknown architecture ", name);
  return 0;
}

static int
parse_archmap (const struct ctx *c, yajl_val m, struct skiff_seccomp_profile *p)
{
  if (!YAJL_IS_ARRAY (m))
    return bad (c, "archMap", "must be an array", NULL);
  struct skiff_seccomp_archmap *out = xzalloc ((m->u.array.len + 1) * sizeof *out);
  p->archmap = out;
  int r = 0;
  for (size_t i = 0; r == 0 && i < m->u.array.len; i++, p->narchmap++)
    {
      yajl_val e = m->u.array.values[i];
      _cleanup_free_ char *k = xasprintf ("archMap[%zu].architecture", i);
      _cleanup_free_ char *ks = xasprintf ("archMap[%zu].subArchitectures", i);
      char *arch = NULL, **sub = NULL;
      if (!YAJL_IS_OBJECT (e))
        return bad (c, k, "must be an object", NULL);
      r = get_string (c, e, "architecture", k, &arch);
      out[i].arch = arch;
      if (r == 0 && arch == NULL)
        r = bad (c, k, "missing", NULL);
      if (r == 0)
        r = check_arch_name (c, k, arch);
      if (r == 0 && (r = get_strv (c, e, "subArchitectures", ks, &sub)) == 0)
        out[i].sub = (const char *const *)sub;
      for (size_t j = 0; r == 0 && sub != NULL && sub[j] != NULL; j++)
        r = check_arch_name (c, ks, sub[j]);
    }
  return r;
}

static int
parse_top (const struct ctx *c, yajl_val root, struct skiff_seccomp_profile *p)
{
  if (!YAJL_IS_OBJECT (root))
    return bad (c, "", "the profile must be a JSON object", NULL);
  int r = parse_action (c, root, "defaultAction", "defaultAction", &p->default_action);
  uint64_t e = 0;
  bool given = false;
  if (r == 0)
    r = get_u64 (c, root, "defaultErrnoRet", "defaultErrnoRet", 4095, &given, &e);
  p->default_errno = given ? (int)e : -1;
  char **arches = NULL;
  if (r == 0 && (r = get_strv (c, root, "architectures", "architectures", &arches)) == 0)
    p->architectures = (const char *const *)arches;
  for (size_t i = 0; r == 0 && arches != NULL && arches[i] != NULL; i++)
    r = check_arch_name (c, "architectures", arches[i]);
  yajl_val m = skiff_json_get_field (root, "archMap");
  if (r == 0 && m != NULL && !YAJL_IS_NULL (m))
    r = arches != NULL ? bad (c, "archMap", "\"architectures\" and \"archMap\" together", NULL)
                       : parse_archmap (c, m, p);
  yajl_val lp = skiff_json_get_field (root, "listenerPath");
  if (r == 0 && lp != NULL && YAJL_IS_STRING (lp) && *YAJL_GET_STRING (lp) != '\0')
    r = bad (c, "listenerPath", "seccomp notify listeners are not supported by skiff", NULL);
  if (r == 0)
    r = parse_flags (c, root, &p->flags);
  return r;
}

int
skiff_seccomp_profile_parse (const char *text, const char *what, struct skiff_seccomp_profile **out,
                             struct skiff_error **err)
{
  struct ctx c = { what, err };
  _cleanup_free_ char *doc = xasprintf ("seccomp profile %s", what);
  _cleanup_yajl_val_ yajl_val root = NULL;
  int r = skiff_json_parse (text, doc, &root, err);
  if (r < 0)
    return r;
  struct skiff_seccomp_profile *p = xzalloc (sizeof *p);
  r = parse_top (&c, root, p);
  yajl_val sc = skiff_json_get_field (root, "syscalls");
  if (r == 0 && sc != NULL && !YAJL_IS_NULL (sc) && !YAJL_IS_ARRAY (sc))
    r = bad (&c, "syscalls", "must be an array", NULL);
  if (r == 0 && sc != NULL && YAJL_IS_ARRAY (sc))
    {
      struct skiff_seccomp_rule *rules = xzalloc ((sc->u.array.len + 1) * sizeof *rules);
      p->rules = rules;
      for (size_t i = 0; r == 0 && i < sc->u.array.len; i++, p->nrules++)
        {
          _cleanup_free_ char *k = xasprintf ("syscalls[%zu]", i);
          r = parse_rule (&c, sc->u.array.values[i], k, &rules[i]);
        }
    }
  if (r < 0)
    {
      skiff_seccomp_profile_free (p);
      return r;
    }
  *out = p;
  return 0;
}

static void
strv_free_const (const char *const *v)
{
  skiff_strv_free ((char **)v);
}

void
skiff_seccomp_profile_free (struct skiff_seccomp_profile *p)
{
  if (p == NULL)
    return;
  strv_free_const (p->architectures);
  for (size_t i = 0; p->archmap != NULL && i <= p->narchmap; i++)
    {
      free ((char *)p->archmap[i].arch);
      strv_free_const (p->archmap[i].sub);
    }
  free ((void *)p->archmap);
  for (size_t i = 0; p->rules != NULL && i <= p->nrules; i++)
    {
      strv_free_const (p->rules[i].names);
      strv_free_const (p->rules[i].includes.arches);
      strv_free_const (p->rules[i].excludes.arches);
    }
  free ((void *)p->rules);
  free (p);
}
