#pragma once
/* Private declarations shared by the template lexer, parser, evaluator and functions. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

struct skiff_error;

/* ---- growable string buffer ---- */
struct tpl_buf
{
  char *p;
  size_t len, cap;
};
void tpl_buf_add (struct tpl_buf *b, const char *s, size_t n);
void tpl_buf_puts (struct tpl_buf *b, const char *s);
void tpl_buf_putc (struct tpl_buf *b, char c);
void tpl_buf_printf (struct tpl_buf *b, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* vasprintf that aborts on OOM, like xasprintf. */
char *tpl_vformat (const char *fmt, va_list ap) __attribute__ ((format (printf, 1, 0)));
/* Returns the NUL-terminated text and resets b. */
char *tpl_buf_steal (struct tpl_buf *b);

/* ---- lexer ---- */
enum tpl_tok
{
  TOK_ERROR,
  TOK_EOF,
  TOK_TEXT,
  TOK_LDELIM,
  TOK_RDELIM,
  TOK_SPACE,
  TOK_FIELD,    /* ".Name" */
  TOK_VARIABLE, /* "$x" or "$" */
  TOK_IDENT,
  TOK_DOT,
  TOK_BOOL,
  TOK_NUMBER,
  TOK_CHARCONST,
  TOK_STRING,
  TOK_RAWSTRING,
  TOK_PIPE,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_DECLARE, /* := */
  TOK_ASSIGN,  /* = */
  TOK_CHAR,    /* any other printable character, e.g. ',' */
  /* keywords */
  TOK_BLOCK,
  TOK_BREAK,
  TOK_CONTINUE,
  TOK_DEFINE,
  TOK_ELSE,
  TOK_END,
  TOK_IF,
  TOK_NIL,
  TOK_RANGE,
  TOK_TEMPLATE,
  TOK_WITH,
};

struct tpl_token
{
  enum tpl_tok type;
  size_t pos; /* byte offset in the template text */
  int line;
  char *val; /* owned copy of the token text (TEXT: after trimming; ERROR: the message) */
};

/* Tokenises the whole text; the array ends with TOK_EOF or TOK_ERROR. */
struct tpl_token *tpl_lex (const char *text, size_t *ntokens);
void tpl_tokens_free (struct tpl_token *toks, size_t n);

/* ---- literals ---- */
/* Go strconv.Unquote of a "..." or `...` token; NULL on bad syntax. */
char *tpl_unquote (const char *tok);
/* 'x' token to its code point; false on bad syntax. */
bool tpl_parse_charconst (const char *tok, int64_t *out);
/* Number token; returns NULL or why it is bad ("illegal number syntax"). */
const char *tpl_parse_number (const char *tok, bool *is_int, int64_t *i, double *f);

/* ---- syntax tree ---- */
enum tpl_node_type
{
  N_LIST,
  N_TEXT,
  N_ACTION,
  N_IF,
  N_RANGE,
  N_WITH,
  N_BREAK,
  N_CONTINUE,
  N_PIPE,
  N_CMD,
  N_FIELD,    /* fields[] from dot */
  N_VARIABLE, /* name, then fields[] */
  N_CHAIN,    /* kids[0] (a term), then fields[] */
  N_DOT,
  N_NIL,
  N_BOOL,
  N_NUMBER,
  N_STRING,
  N_IDENT,
};

struct tpl_node
{
  enum tpl_node_type type;
  size_t pos;
  int line;
  char *src;     /* source text for error context (Go's node String()) */
  char *str;     /* TEXT/STRING contents, IDENT name, VARIABLE name */
  char **fields; /* NULL-terminated field names (FIELD, VARIABLE, CHAIN) */
  bool b;        /* BOOL value; PIPE: is assignment (=) */
  bool is_int;   /* NUMBER */
  int64_t i;
  double f;
  char **decl; /* PIPE: declared variable names, NULL-terminated */
  /* LIST: items; PIPE: commands; CMD: arguments; CHAIN: [term].
   * IF/RANGE/WITH: [pipe, list, else-list or NULL] */
  struct tpl_node **kids;
  size_t nkids;
};

void tpl_node_add (struct tpl_node *parent, struct tpl_node *kid);

/* Every node is also recorded in all[], which owns them (so a failed parse frees cleanly). */
struct skiff_template
{
  char *text;
  struct tpl_node *root; /* N_LIST */
  struct tpl_node **all;
  size_t nall, capall;
};

/* ---- values ---- */
/* Values are yajl nodes: NULL is Go's "no value" (missing); nodes made during execution live
 * in an arena owned by the execution. */
struct tpl_arena
{
  yajl_val *nodes;
  size_t n, cap;
};
yajl_val tpl_mk_string (struct tpl_arena *a, char *owned);
yajl_val tpl_mk_int (struct tpl_arena *a, int64_t i);
yajl_val tpl_mk_float (struct tpl_arena *a, double f);
yajl_val tpl_mk_bool (bool b);
yajl_val tpl_mk_null (void);
/* Array with room for n values (len set to n). */
yajl_val tpl_mk_array (struct tpl_arena *a, size_t n);
void tpl_arena_free (struct tpl_arena *a);

bool tpl_is_int (yajl_val v);
bool tpl_is_float (yajl_val v);
bool tpl_is_bool (yajl_val v);
bool tpl_is_struct (yajl_val v, int flags);
/* Go's truth: false, 0, "", nil, empty array/object are false. */
bool tpl_truth (yajl_val v);
/* Go type name for messages: string, int, float64, bool, []interface {}, ... */
const char *tpl_type_name (yajl_val v, int flags);

/* fmt %v of a value; top-level missing/null print "<no value>". */
void tpl_print_value (struct tpl_buf *b, yajl_val v, int flags);
/* Go encoding/json, no HTML escaping; indent NULL = compact. */
void tpl_json_encode (struct tpl_buf *b, yajl_val v, const char *indent);
/* Go strconv.FormatFloat(f, fmt, -1, 64) for fmt 'g' (fmt %v) and 'j' (encoding/json). */
void tpl_format_float (struct tpl_buf *b, double f, char fmt);
/* strconv.Quote */
void tpl_quote (struct tpl_buf *b, const char *s, size_t n);

/* ---- functions ---- */
struct tpl_exec;
typedef int (*tpl_func) (struct tpl_exec *st, const struct tpl_node *at, yajl_val *args,
                         size_t nargs, yajl_val *out);
/* NULL if unknown.  "and"/"or" are handled by the evaluator (they short-circuit) but are
 * known here so the parser accepts them. */
bool tpl_func_known (const char *name);
tpl_func tpl_func_lookup (const char *name, int flags);

/* Execution state, shared with the functions for errors and allocation. */
struct tpl_var
{
  const char *name;
  yajl_val v;
};
struct tpl_exec
{
  const struct skiff_template *t;
  struct skiff_error **err;
  struct tpl_arena arena;
  struct tpl_var *vars;
  size_t nvars, capvars;
  int flags;
  int depth;
  const struct tpl_node *call; /* the command whose function runs, for "error calling" */
};
/* Sets the error "template: :L:C: executing "" at <ctx>: msg".  Returns -1. */
int tpl_exec_error (struct tpl_exec *st, const struct tpl_node *at, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* Go fmt.Sprintf over template values. */
void tpl_sprintf (struct tpl_buf *b, const char *fmt, yajl_val *args, size_t nargs, int flags);
