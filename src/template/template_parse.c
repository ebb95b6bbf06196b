/* Template parser: tokens to a syntax tree, following Go's text/template/parse grammar and
 * error wording.  Errors unwind with longjmp; every node is owned by the template's all[]
 * so nothing leaks on the way out. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/strv.h"
#include "skiff/template.h"
#include "skiff/xalloc.h"
#include "template-internal.h"

struct parser
{
  struct skiff_template *t;
  struct tpl_token *toks;
  size_t ntoks, i;
  int line; /* line of the last token read, for error messages */
  char **vars;
  size_t nvars;
  int range_depth;
  char *errmsg;
  jmp_buf fail;
};

static _Noreturn void perror_at (struct parser *p, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
static _Noreturn void
perror_at (struct parser *p, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = tpl_vformat (fmt, ap);
  va_end (ap);
  p->errmsg = xasprintf ("template: :%d: %s", p->line, msg);
  free (msg);
  longjmp (p->fail, 1);
}

static struct tpl_node *
node_new (struct parser *p, enum tpl_node_type type, size_t pos, int line)
{
  struct skiff_template *t = p->t;
  struct tpl_node *n = xzalloc (sizeof *n);
  n->type = type;
  n->pos = pos;
  n->line = line;
  if (t->nall == t->capall)
    {
      t->capall = t->capall ? t->capall * 2 : 64;
      t->all = xrealloc (t->all, t->capall * sizeof *t->all);
    }
  t->all[t->nall++] = n;
  return n;
}

void
tpl_node_add (struct tpl_node *parent, struct tpl_node *kid)
{
  parent->kids = xrealloc (parent->kids, (parent->nkids + 1) * sizeof *parent->kids);
  parent->kids[parent->nkids++] = kid;
}

static void
set_src (struct parser *p, struct tpl_node *n, size_t start, size_t end)
{
  const char *text = p->t->text;
  while (end > start
         && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\n'
             || text[end - 1] == '\r'))
    end--;
  free (n->src);
  n->src = xstrndup (text + start, end > start ? end - start : 0);
}

static struct tpl_token *
tok_next (struct parser *p)
{
  struct tpl_token *tk = &p->toks[p->i];
  if (tk->type == TOK_ERROR)
    {
      p->line = tk->line;
      perror_at (p, "%s", tk->val);
    }
  if (tk->type != TOK_EOF)
    p->i++;
  p->line = tk->line;
  return tk;
}

static struct tpl_token *
tok_peek (struct parser *p)
{
  return &p->toks[p->i];
}

static struct tpl_token *
next_nonspace (struct parser *p)
{
  struct tpl_token *tk;
  do
    tk = tok_next (p);
  while (tk->type == TOK_SPACE);
  return tk;
}

static struct tpl_token *
peek_nonspace (struct parser *p)
{
  size_t j = p->i;
  while (p->toks[j].type == TOK_SPACE)
    j++;
  p->i = j;
  return &p->toks[j];
}

static size_t
tok_end (const struct tpl_token *tk)
{
  return tk->pos + strlen (tk->val);
}

/* End of the last consumed token, for node source text. */
static size_t
consumed_end (struct parser *p)
{
  return p->i > 0 ? tok_end (&p->toks[p->i - 1]) : 0;
}

static const char *
tok_desc (const struct tpl_token *tk, char *buf, size_t size)
{
  if (tk->type == TOK_EOF)
    return "EOF";
  if (tk->type >= TOK_BLOCK)
    snprintf (buf, size, "<%s>", tk->val);
  else if (strlen (tk->val) > 10)
    snprintf (buf, size, "\"%.10s\"...", tk->val);
  else
    snprintf (buf, size, "\"%s\"", tk->val);
  return buf;
}

static _Noreturn void
unexpected (struct parser *p, const struct tpl_token *tk, const char *context)
{
  char buf[64];
  perror_at (p, "unexpected %s in %s", tok_desc (tk, buf, sizeof buf), context);
}

static void
expect (struct parser *p, enum tpl_tok type, const char *context)
{
  struct tpl_token *tk = next_nonspace (p);
  if (tk->type != type)
    unexpected (p, tk, context);
}

/* ---- pipelines ---- */

static struct tpl_node *parse_pipeline (struct parser *p, const char *context, enum tpl_tok end);

static bool
var_defined (struct parser *p, const char *name)
{
  for (size_t k = 0; k < p->nvars; k++)
    if (strcmp (p->vars[k], name) == 0)
      return true;
  return false;
}

static void
var_push (struct parser *p, const char *name)
{
  p->vars = xrealloc (p->vars, (p->nvars + 1) * sizeof *p->vars);
  p->vars[p->nvars++] = xstrdup (name);
}

static void
vars_pop (struct parser *p, size_t to)
{
  while (p->nvars > to)
    free (p->vars[--p->nvars]);
}

static struct tpl_node *
term (struct parser *p)
{
  struct tpl_token *tk = next_nonspace (p);
  struct tpl_node *n;
  switch (tk->type)
    {
    case TOK_IDENT:
      if (!tpl_func_known (tk->val))
        perror_at (p, "function \"%s\" not defined", tk->val);
      n = node_new (p, N_IDENT, tk->pos, tk->line);
      n->str = xstrdup (tk->val);
      break;
    case TOK_DOT:
      n = node_new (p, N_DOT, tk->pos, tk->line);
      break;
    case TOK_NIL:
      n = node_new (p, N_NIL, tk->pos, tk->line);
      break;
    case TOK_VARIABLE:
      if (!var_defined (p, tk->val))
        perror_at (p, "undefined variable \"%s\"", tk->val);
      n = node_new (p, N_VARIABLE, tk->pos, tk->line);
      n->str = xstrdup (tk->val);
      break;
    case TOK_FIELD:
      n = node_new (p, N_FIELD, tk->pos, tk->line);
      skiff_strv_push (&n->fields, tk->val + 1);
      break;
    case TOK_BOOL:
      n = node_new (p, N_BOOL, tk->pos, tk->line);
      n->b = strcmp (tk->val, "true") == 0;
      break;
    case TOK_NUMBER:
    case TOK_CHARCONST:
      n = node_new (p, N_NUMBER, tk->pos, tk->line);
      if (tk->type == TOK_CHARCONST)
        {
          if (!tpl_parse_charconst (tk->val, &n->i))
            perror_at (p, "malformed character constant: %s", tk->val);
          n->is_int = true;
        }
      else
        {
          const char *why = tpl_parse_number (tk->val, &n->is_int, &n->i, &n->f);
          if (why)
            perror_at (p, "%s: \"%s\"", why, tk->val);
        }
      break;
    case TOK_STRING:
    case TOK_RAWSTRING:
      n = node_new (p, N_STRING, tk->pos, tk->line);
      n->str = tpl_unquote (tk->val);
      if (n->str == NULL)
        perror_at (p, "invalid syntax");
      break;
    case TOK_LPAREN:
      n = parse_pipeline (p, "parenthesized pipeline", TOK_RPAREN);
      set_src (p, n, tk->pos, consumed_end (p));
      return n;
    default:
      p->i = (size_t)(tk - p->toks);
      return NULL;
    }
  set_src (p, n, tk->pos, tok_end (tk));
  return n;
}

static struct tpl_node *
operand (struct parser *p)
{
  size_t start = peek_nonspace (p)->pos;
  struct tpl_node *n = term (p);
  if (n == NULL || tok_peek (p)->type != TOK_FIELD)
    return n;
  size_t chain_pos = tok_peek (p)->pos;
  char **fields = NULL;
  while (tok_peek (p)->type == TOK_FIELD)
    skiff_strv_push (&fields, tok_next (p)->val + 1);
  switch (n->type)
    {
    case N_FIELD:
    case N_VARIABLE:
      for (size_t k = 0; fields[k]; k++)
        skiff_strv_push (&n->fields, fields[k]);
      skiff_strv_free (fields);
      n->pos = chain_pos; /* Go reports a field chain at its second field */
      break;
    case N_BOOL:
    case N_STRING:
    case N_NUMBER:
    case N_NIL:
    case N_DOT:
      {
        char q[256];
        struct tpl_buf qb = { 0 };
        skiff_strv_free (fields);
        tpl_quote (&qb, n->src, strlen (n->src));
        snprintf (q, sizeof q, "%s", qb.p);
        free (qb.p);
        perror_at (p, "unexpected . after term %s", q);
      }
    default:
      {
        struct tpl_node *c = node_new (p, N_CHAIN, chain_pos, n->line);
        c->fields = fields;
        tpl_node_add (c, n);
        n = c;
        break;
      }
    }
  set_src (p, n, start, consumed_end (p));
  return n;
}

static struct tpl_node *
command (struct parser *p)
{
  struct tpl_token *first = peek_nonspace (p);
  struct tpl_node *cmd = node_new (p, N_CMD, first->pos, first->line);
  size_t end;
  for (;;)
    {
      peek_nonspace (p);
      struct tpl_node *o = operand (p);
      if (o)
        tpl_node_add (cmd, o);
      end = consumed_end (p); /* the command's text stops before a '|' */
      struct tpl_token *tk = tok_next (p);
      if (tk->type == TOK_SPACE)
        continue;
      if (tk->type == TOK_RDELIM || tk->type == TOK_RPAREN)
        p->i--;
      else if (tk->type != TOK_PIPE)
        unexpected (p, tk, "operand");
      break;
    }
  if (cmd->nkids == 0)
    perror_at (p, "empty command");
  set_src (p, cmd, first->pos, end);
  return cmd;
}

/* Declarations "$x :=", "$x =", "$i, $e :=" at the start of a pipeline. */
static void
declarations (struct parser *p, struct tpl_node *pipe, const char *context)
{
  for (;;)
    {
      struct tpl_token *v = peek_nonspace (p);
      if (v->type != TOK_VARIABLE)
        return;
      size_t save = p->i;
      tok_next (p);
      struct tpl_token *nx = peek_nonspace (p);
      if (nx->type == TOK_ASSIGN || nx->type == TOK_DECLARE)
        {
          tok_next (p);
          pipe->b = nx->type == TOK_ASSIGN;
          if (pipe->b && !var_defined (p, v->val))
            perror_at (p, "undefined variable \"%s\"", v->val);
          skiff_strv_push (&pipe->decl, v->val);
          if (!pipe->b)
            var_push (p, v->val);
          return;
        }
      if (nx->type == TOK_CHAR && strcmp (nx->val, ",") == 0)
        {
          tok_next (p);
          skiff_strv_push (&pipe->decl, v->val);
          var_push (p, v->val);
          if (strcmp (context, "range") == 0 && skiff_strv_len (pipe->decl) < 2)
            {
              enum tpl_tok t = peek_nonspace (p)->type;
              if (t == TOK_VARIABLE || t == TOK_RDELIM || t == TOK_RPAREN)
                continue;
              perror_at (p, "range can only initialize variables");
            }
          perror_at (p, "too many declarations in %s", context);
        }
      p->i = save;
      return;
    }
}

static struct tpl_node *
parse_pipeline (struct parser *p, const char *context, enum tpl_tok end)
{
  struct tpl_token *first = peek_nonspace (p);
  struct tpl_node *pipe = node_new (p, N_PIPE, first->pos, first->line);
  declarations (p, pipe, context);
  for (;;)
    {
      struct tpl_token *tk = next_nonspace (p);
      if (tk->type == end)
        break;
      switch (tk->type)
        {
        case TOK_BOOL:
        case TOK_CHARCONST:
        case TOK_DOT:
        case TOK_FIELD:
        case TOK_IDENT:
        case TOK_NUMBER:
        case TOK_NIL:
        case TOK_RAWSTRING:
        case TOK_STRING:
        case TOK_VARIABLE:
        case TOK_LPAREN:
          p->i = (size_t)(tk - p->toks);
          tpl_node_add (pipe, command (p));
          break;
        default:
          unexpected (p, tk, context);
        }
    }
  if (pipe->nkids == 0)
    perror_at (p, "missing value for %s", context);
  for (size_t k = 1; k < pipe->nkids; k++)
    switch (pipe->kids[k]->kids[0]->type)
      {
      case N_BOOL:
      case N_DOT:
      case N_NIL:
      case N_NUMBER:
      case N_STRING:
        perror_at (p, "non executable command in pipeline stage %zu", k + 1);
      default:
        break;
      }
  set_src (p, pipe, first->pos, p->toks[p->i - 1].pos);
  return pipe;
}

/* ---- lists and control structures ---- */

enum stop
{
  STOP_END,
  STOP_ELSE,
};

static struct tpl_node *text_or_action (struct parser *p, enum stop *stop);

/* Items up to {{end}} or {{else}}; *stop says which. */
static struct tpl_node *
item_list (struct parser *p, enum stop *stop)
{
  struct tpl_node *list = node_new (p, N_LIST, peek_nonspace (p)->pos, p->line);
  while (peek_nonspace (p)->type != TOK_EOF)
    {
      struct tpl_node *n = text_or_action (p, stop);
      if (n == NULL)
        return list;
      tpl_node_add (list, n);
    }
  tok_next (p);
  perror_at (p, "unexpected EOF");
}

static struct tpl_node *
control (struct parser *p, enum tpl_node_type type, const char *context, size_t pos)
{
  size_t nvars = p->nvars;
  struct tpl_node *n = node_new (p, type, pos, p->line);
  struct tpl_node *pipe = parse_pipeline (p, context, TOK_RDELIM);
  tpl_node_add (n, pipe);
  n->pos = pipe->pos; /* Go places a control node at its pipeline */
  if (type == N_RANGE)
    p->range_depth++;
  enum stop stop;
  tpl_node_add (n, item_list (p, &stop));
  if (type == N_RANGE)
    p->range_depth--;
  struct tpl_node *else_list = NULL;
  if (stop == STOP_ELSE)
    {
      enum tpl_tok t = tok_peek (p)->type;
      if ((type == N_IF && t == TOK_IF) || (type == N_WITH && t == TOK_WITH))
        {
          /* {{else if x}} is {{else}}{{if x}}...{{end}}{{end}} sharing one end */
          struct tpl_token *kw = tok_next (p);
          else_list = node_new (p, N_LIST, kw->pos, kw->line);
          tpl_node_add (else_list, control (p, type, context, kw->pos));
        }
      else
        {
          else_list = item_list (p, &stop);
          if (stop != STOP_END)
            perror_at (p, "expected end; found {{else}}");
        }
    }
  tpl_node_add (n, else_list);
  vars_pop (p, nvars);
  /* error context: the whole construct, from its "{{" through "{{end}}" */
  size_t start = pos;
  while (start > 0 && strncmp (p->t->text + start, "{{", 2) != 0)
    start--;
  set_src (p, n, start, consumed_end (p));
  return n;
}

/* Returns NULL for {{end}} / {{else}} (setting *stop). */
static struct tpl_node *
action (struct parser *p, enum stop *stop)
{
  struct tpl_token *tk = next_nonspace (p);
  switch (tk->type)
    {
    case TOK_IF:
      return control (p, N_IF, "if", tk->pos);
    case TOK_RANGE:
      return control (p, N_RANGE, "range", tk->pos);
    case TOK_WITH:
      return control (p, N_WITH, "with", tk->pos);
    case TOK_END:
      expect (p, TOK_RDELIM, "end");
      *stop = STOP_END;
      return NULL;
    case TOK_ELSE:
      {
        enum tpl_tok t = peek_nonspace (p)->type;
        if (t != TOK_IF && t != TOK_WITH)
          expect (p, TOK_RDELIM, "else");
        *stop = STOP_ELSE;
        return NULL;
      }
    case TOK_BREAK:
    case TOK_CONTINUE:
      {
        const char *what = tk->type == TOK_BREAK ? "{{break}}" : "{{continue}}";
        struct tpl_node *n
            = node_new (p, tk->type == TOK_BREAK ? N_BREAK : N_CONTINUE, tk->pos, tk->line);
        n->src = xstrdup (what);
        expect (p, TOK_RDELIM, what);
        if (p->range_depth == 0)
          perror_at (p, "%s outside {{range}}", what);
        return n;
      }
    case TOK_BLOCK:
    case TOK_DEFINE:
    case TOK_TEMPLATE:
      perror_at (p, "{{%s}} is not supported", tk->val);
    default:
      break;
    }
  p->i = (size_t)(tk - p->toks);
  struct tpl_node *n = node_new (p, N_ACTION, tk->pos, tk->line);
  struct tpl_node *pipe = parse_pipeline (p, "command", TOK_RDELIM);
  tpl_node_add (n, pipe);
  n->src = xasprintf ("{{%s}}", pipe->src);
  return n;
}

static struct tpl_node *
text_or_action (struct parser *p, enum stop *stop)
{
  struct tpl_token *tk = next_nonspace (p);
  if (tk->type == TOK_TEXT)
    {
      struct tpl_node *n = node_new (p, N_TEXT, tk->pos, tk->line);
      n->str = xstrdup (tk->val);
      return n;
    }
  if (tk->type == TOK_LDELIM)
    return action (p, stop);
  unexpected (p, tk, "input");
}

static void
parse_root (struct parser *p)
{
  struct tpl_node *root = node_new (p, N_LIST, 0, 1);
  p->t->root = root;
  while (peek_nonspace (p)->type != TOK_EOF)
    {
      enum stop s = STOP_END;
      struct tpl_node *n = text_or_action (p, &s);
      if (n == NULL)
        perror_at (p, "unexpected {{%s}}", s == STOP_END ? "end" : "else");
      tpl_node_add (root, n);
    }
}

int
skiff_template_parse (const char *text, struct skiff_template **out, struct skiff_error **err)
{
  struct skiff_template *t = xzalloc (sizeof *t);
  t->text = xstrdup (text);
  struct parser p = { .t = t, .line = 1 };
  p.toks = tpl_lex (t->text, &p.ntoks);
  var_push (&p, "$");
  int r = 0;
  if (setjmp (p.fail) == 0)
    parse_root (&p);
  else
    {
      r = skiff_error_make (err, 0, "%s", p.errmsg);
      free (p.errmsg);
      skiff_template_free (t);
      t = NULL;
    }
  vars_pop (&p, 0);
  free (p.vars);
  tpl_tokens_free (p.toks, p.ntoks);
  *out = t;
  return r;
}

void
skiff_template_free (struct skiff_template *t)
{
  if (t == NULL)
    return;
  for (size_t k = 0; k < t->nall; k++)
    {
      struct tpl_node *n = t->all[k];
      free (n->src);
      free (n->str);
      skiff_strv_free (n->fields);
      skiff_strv_free (n->decl);
      free (n->kids);
      free (n);
    }
  free (t->all);
  free (t->text);
  free (t);
}
