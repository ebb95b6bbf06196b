/* Template evaluator: walks the tree over a yajl value, following Go's text/template
 * exec.go (fields, variables, pipelines, if/with/range) and its error wording. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/template.h"
#include "skiff/xalloc.h"
#include "template-internal.h"

enum
{
  WALK_BREAK = 1,
  WALK_CONTINUE = 2,
};

int
tpl_exec_error (struct tpl_exec *st, const struct tpl_node *at, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = tpl_vformat (fmt, ap);
  va_end (ap);
  const char *text = st->t->text;
  size_t pos = at->pos;
  int line = 1;
  size_t line_start = 0;
  for (size_t k = 0; k < pos && text[k]; k++)
    if (text[k] == '\n')
      line++, line_start = k + 1;
  /* current Go no longer shortens the context (older releases cut it at 20 bytes) */
  skiff_error_make (st->err, 0, "template: :%d:%zu: executing \"\" at <%s>: %s", line,
                    pos - line_start, at->src ? at->src : "", msg);
  free (msg);
  return -1;
}

/* ---- variables ---- */

static void
var_push (struct tpl_exec *st, const char *name, yajl_val v)
{
  if (st->nvars == st->capvars)
    {
      st->capvars = st->capvars ? st->capvars * 2 : 16;
      st->vars = xrealloc (st->vars, st->capvars * sizeof *st->vars);
    }
  st->vars[st->nvars++] = (struct tpl_var){ name, v };
}

static struct tpl_var *
var_find (struct tpl_exec *st, const char *name)
{
  for (size_t k = st->nvars; k > 0; k--)
    if (strcmp (st->vars[k - 1].name, name) == 0)
      return &st->vars[k - 1];
  return NULL;
}

/* ---- fields ---- */

static int eval_pipeline (struct tpl_exec *st, yajl_val dot, const struct tpl_node *pipe,
                          yajl_val *out);
static int eval_arg (struct tpl_exec *st, yajl_val dot, const struct tpl_node *n, yajl_val *out);

static int
eval_field (struct tpl_exec *st, const struct tpl_node *at, const char *name, bool has_args,
            yajl_val recv, yajl_val *out)
{
  *out = NULL;
  if (recv == NULL || recv->type == yajl_t_null)
    return 0; /* Go: field of a missing value (nil map) is no value */
  if (recv->type != yajl_t_object)
    return tpl_exec_error (st, at, "can't evaluate field %s in type %s", name,
                           tpl_type_name (recv, st->flags));
  if (has_args)
    return tpl_exec_error (st, at, "%s is not a method but has arguments", name);
  size_t n = recv->u.object.len;
  for (size_t k = 0; k < n; k++)
    if (strcmp (recv->u.object.keys[k], name) == 0)
      {
        *out = recv->u.object.values[k];
        return 0;
      }
  if (!tpl_is_struct (recv, st->flags))
    return 0;
  /* docker's structs rename JSON keys (Id -> ID): accept a unique case-insensitive match */
  yajl_val found = NULL;
  int matches = 0;
  for (size_t k = 0; k < n; k++)
    if (strcasecmp (recv->u.object.keys[k], name) == 0)
      found = recv->u.object.values[k], matches++;
  if (matches == 1)
    {
      *out = found;
      return 0;
    }
  return tpl_exec_error (st, at, "map has no entry for key \"%s\"", name);
}

static int
not_a_function (struct tpl_exec *st, const struct tpl_node *cmd, bool has_final)
{
  if ((cmd && cmd->nkids > 1) || has_final)
    return tpl_exec_error (st, cmd ? cmd->kids[0] : NULL, "can't give argument to non-function %s",
                           cmd ? cmd->kids[0]->src : "");
  return 0;
}

static int
eval_field_chain (struct tpl_exec *st, const struct tpl_node *at, yajl_val recv,
                  char *const *fields, const struct tpl_node *cmd, bool has_final, yajl_val *out)
{
  size_t n = 0;
  while (fields[n])
    n++;
  for (size_t k = 0; k < n; k++)
    {
      bool last = k + 1 == n;
      bool has_args = last && ((cmd && cmd->nkids > 1) || has_final);
      if (eval_field (st, at, fields[k], has_args, recv, &recv) < 0)
        return -1;
    }
  *out = recv;
  return 0;
}

/* ---- functions ---- */

static int
eval_and_or (struct tpl_exec *st, yajl_val dot, const struct tpl_node *ident,
             struct tpl_node *const *args, size_t nargs, yajl_val final, bool has_final,
             yajl_val *out)
{
  bool is_or = strcmp (ident->str, "or") == 0;
  if (nargs + has_final == 0)
    return tpl_exec_error (st, ident, "wrong number of args for %s: want at least 1 got 0",
                           ident->str);
  yajl_val v = NULL;
  for (size_t k = 0; k < nargs; k++)
    {
      if (eval_arg (st, dot, args[k], &v) < 0)
        return -1;
      if (tpl_truth (v) == is_or)
        {
          *out = v;
          return 0;
        }
    }
  *out = has_final ? final : v;
  return 0;
}

static int
eval_function (struct tpl_exec *st, yajl_val dot, const struct tpl_node *cmd,
               const struct tpl_node *ident, struct tpl_node *const *args, size_t nargs,
               yajl_val final, bool has_final, yajl_val *out)
{
  if (strcmp (ident->str, "and") == 0 || strcmp (ident->str, "or") == 0)
    return eval_and_or (st, dot, ident, args, nargs, final, has_final, out);
  tpl_func fn = tpl_func_lookup (ident->str, st->flags);
  yajl_val *argv = xzalloc ((nargs + 1) * sizeof *argv);
  int r = 0;
  for (size_t k = 0; k < nargs && r == 0; k++)
    r = eval_arg (st, dot, args[k], &argv[k]);
  if (has_final)
    argv[nargs] = final;
  st->call = cmd; /* Go reports "error calling" at the whole command */
  if (r == 0)
    r = fn (st, ident, argv, nargs + has_final, out);
  st->call = NULL;
  free (argv);
  return r;
}

/* ---- commands and pipelines ---- */

static int
eval_command (struct tpl_exec *st, yajl_val dot, const struct tpl_node *cmd, yajl_val final,
              bool has_final, yajl_val *out)
{
  const struct tpl_node *w = cmd->kids[0];
  *out = NULL;
  switch (w->type)
    {
    case N_FIELD:
      return eval_field_chain (st, w, dot, w->fields, cmd, has_final, out);
    case N_CHAIN:
      {
        yajl_val recv;
        if (w->kids[0]->type == N_NIL)
          return tpl_exec_error (st, w, "indirection through explicit nil in %s", w->src);
        if (eval_arg (st, dot, w->kids[0], &recv) < 0)
          return -1;
        return eval_field_chain (st, w, recv, w->fields, cmd, has_final, out);
      }
    case N_IDENT:
      return eval_function (st, dot, cmd, w, cmd->kids + 1, cmd->nkids - 1, final, has_final, out);
    case N_VARIABLE:
      {
        struct tpl_var *v = var_find (st, w->str);
        if (v == NULL)
          return tpl_exec_error (st, w, "undefined variable: %s", w->str);
        if (w->fields == NULL)
          {
            if (not_a_function (st, cmd, has_final) < 0)
              return -1;
            *out = v->v;
            return 0;
          }
        return eval_field_chain (st, w, v->v, w->fields, cmd, has_final, out);
      }
    case N_PIPE:
      if (not_a_function (st, cmd, has_final) < 0)
        return -1;
      return eval_pipeline (st, dot, w, out);
    default:
      break;
    }
  if (not_a_function (st, cmd, has_final) < 0)
    return -1;
  if (w->type == N_NIL)
    return tpl_exec_error (st, w, "nil is not a command");
  return eval_arg (st, dot, w, out);
}

static int
eval_arg (struct tpl_exec *st, yajl_val dot, const struct tpl_node *n, yajl_val *out)
{
  switch (n->type)
    {
    case N_DOT:
      *out = dot;
      return 0;
    case N_NIL:
      *out = tpl_mk_null ();
      return 0;
    case N_BOOL:
      *out = tpl_mk_bool (n->b);
      return 0;
    case N_NUMBER:
      *out = n->is_int ? tpl_mk_int (&st->arena, n->i) : tpl_mk_float (&st->arena, n->f);
      return 0;
    case N_STRING:
      *out = tpl_mk_string (&st->arena, xstrdup (n->str));
      return 0;
    case N_PIPE:
      return eval_pipeline (st, dot, n, out);
    case N_IDENT:
      return eval_function (st, dot, n, n, NULL, 0, NULL, false, out);
    default:
      {
        /* field, variable, chain: a one-word command */
        struct tpl_node cmd = { .type = N_CMD, .kids = (struct tpl_node **)&n, .nkids = 1 };
        return eval_command (st, dot, &cmd, NULL, false, out);
      }
    }
}

static int
eval_pipeline (struct tpl_exec *st, yajl_val dot, const struct tpl_node *pipe, yajl_val *out)
{
  yajl_val v = NULL;
  for (size_t k = 0; k < pipe->nkids; k++)
    if (eval_command (st, dot, pipe->kids[k], v, k > 0, &v) < 0)
      return -1;
  for (size_t k = 0; pipe->decl && pipe->decl[k]; k++)
    {
      struct tpl_var *var = pipe->b ? var_find (st, pipe->decl[k]) : NULL;
      if (var)
        var->v = v;
      else
        var_push (st, pipe->decl[k], v);
    }
  *out = v;
  return 0;
}

/* ---- statements ---- */

static int walk (struct tpl_exec *st, yajl_val dot, const struct tpl_node *n, struct tpl_buf *b);

static int
walk_list (struct tpl_exec *st, yajl_val dot, const struct tpl_node *list, struct tpl_buf *b)
{
  for (size_t k = 0; list && k < list->nkids; k++)
    {
      int r = walk (st, dot, list->kids[k], b);
      if (r != 0)
        return r;
    }
  return 0;
}

static int
walk_if_with (struct tpl_exec *st, yajl_val dot, const struct tpl_node *n, struct tpl_buf *b)
{
  size_t mark = st->nvars;
  yajl_val v;
  int r = eval_pipeline (st, dot, n->kids[0], &v);
  if (r == 0)
    {
      if (tpl_truth (v))
        r = walk_list (st, n->type == N_WITH ? v : dot, n->kids[1], b);
      else
        r = walk_list (st, dot, n->kids[2], b);
    }
  st->nvars = mark;
  return r;
}

/* One iteration: binds the range variables, walks the body with dot = elem. */
static int
range_once (struct tpl_exec *st, const struct tpl_node *n, yajl_val index, yajl_val elem,
            struct tpl_buf *b)
{
  const struct tpl_node *pipe = n->kids[0];
  size_t mark = st->nvars;
  char **decl = pipe->decl;
  if (decl && decl[0])
    {
      if (decl[1])
        {
          var_push (st, decl[0], index);
          var_push (st, decl[1], elem);
        }
      else
        var_push (st, decl[0], elem);
    }
  int r = walk_list (st, elem, n->kids[1], b);
  st->nvars = mark;
  return r;
}

static int
cmp_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static int
range_object (struct tpl_exec *st, const struct tpl_node *n, yajl_val v, struct tpl_buf *b)
{
  size_t len = v->u.object.len;
  const char **keys = xmalloc ((len ? len : 1) * sizeof *keys);
  for (size_t k = 0; k < len; k++)
    keys[k] = v->u.object.keys[k];
  /* Go visits map keys in sorted order */
  qsort (keys, len, sizeof *keys, cmp_keys);
  int r = 0;
  for (size_t k = 0; k < len && (r == 0 || r == WALK_CONTINUE); k++)
    {
      yajl_val e = NULL;
      for (size_t j = 0; j < len; j++)
        if (v->u.object.keys[j] == keys[k])
          e = v->u.object.values[j];
      r = range_once (st, n, tpl_mk_string (&st->arena, xstrdup (keys[k])), e, b);
    }
  free (keys);
  return r;
}

static int
walk_range (struct tpl_exec *st, yajl_val dot, const struct tpl_node *n, struct tpl_buf *b)
{
  const struct tpl_node *pipe = n->kids[0];
  yajl_val v = NULL;
  size_t mark = st->nvars;
  for (size_t k = 0; k < pipe->nkids; k++)
    if (eval_command (st, dot, pipe->kids[k], v, k > 0, &v) < 0)
      return -1;
  int r = 0;
  size_t count = 0;
  if (v == NULL || v->type == yajl_t_null)
    count = 0;
  else if (v->type == yajl_t_array)
    {
      count = v->u.array.len;
      for (size_t k = 0; k < count && (r == 0 || r == WALK_CONTINUE); k++)
        r = range_once (st, n, tpl_mk_int (&st->arena, (int64_t)k), v->u.array.values[k], b);
    }
  else if (v->type == yajl_t_object)
    {
      count = v->u.object.len;
      r = range_object (st, n, v, b);
    }
  else if (tpl_is_int (v))
    {
      count = v->u.number.i > 0 ? (size_t)v->u.number.i : 0;
      for (size_t k = 0; k < count && (r == 0 || r == WALK_CONTINUE); k++)
        {
          yajl_val i = tpl_mk_int (&st->arena, (int64_t)k);
          r = range_once (st, n, i, i, b);
        }
    }
  else
    {
      struct tpl_buf vb = { 0 };
      tpl_print_value (&vb, v, st->flags);
      r = tpl_exec_error (st, n, "range can't iterate over %s", vb.p);
      free (vb.p);
    }
  if (r == WALK_BREAK || r == WALK_CONTINUE)
    r = 0;
  if (r == 0 && count == 0)
    r = walk_list (st, dot, n->kids[2], b);
  st->nvars = mark;
  return r;
}

static int
walk (struct tpl_exec *st, yajl_val dot, const struct tpl_node *n, struct tpl_buf *b)
{
  switch (n->type)
    {
    case N_TEXT:
      tpl_buf_puts (b, n->str);
      return 0;
    case N_ACTION:
      {
        yajl_val v;
        if (eval_pipeline (st, dot, n->kids[0], &v) < 0)
          return -1;
        if (n->kids[0]->decl == NULL)
          tpl_print_value (b, v, st->flags);
        return 0;
      }
    case N_IF:
    case N_WITH:
      return walk_if_with (st, dot, n, b);
    case N_RANGE:
      return walk_range (st, dot, n, b);
    case N_BREAK:
      return WALK_BREAK;
    case N_CONTINUE:
      return WALK_CONTINUE;
    case N_LIST:
      return walk_list (st, dot, n, b);
    default:
      return tpl_exec_error (st, n, "unknown node");
    }
}

int
skiff_template_execute_flags (const struct skiff_template *t, yajl_val data, int flags, char **out,
                              struct skiff_error **err)
{
  struct tpl_exec st = { .t = t, .err = err, .flags = flags };
  struct tpl_buf b = { 0 };
  *out = NULL;
  var_push (&st, "$", data);
  int r = walk_list (&st, data, t->root, &b);
  tpl_arena_free (&st.arena);
  free (st.vars);
  if (r < 0)
    {
      free (b.p);
      return r;
    }
  *out = tpl_buf_steal (&b);
  return 0;
}

int
skiff_template_execute (const struct skiff_template *t, yajl_val data, char **out,
                        struct skiff_error **err)
{
  return skiff_template_execute_flags (t, data, 0, out, err);
}
