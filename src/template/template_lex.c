/* Template lexer: splits the text into tokens the way Go's text/template/parse lexer does,
 * including the "{{- " / " -}}" trim markers and comments, so error messages match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/xalloc.h"
#include "template-internal.h"

struct lexer
{
  const char *in;
  size_t len;
  size_t start, pos;
  int line, start_line;
  int paren_depth;
  struct tpl_token *toks;
  size_t n, cap;
  bool failed;
};

static bool
is_space (int c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_alnum (int c)
{
  /* bytes >= 0x80 are parts of UTF-8 letters; Go accepts Unicode letters */
  return c >= 0
         && (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
             || c >= 0x80);
}

static int
peek (struct lexer *l)
{
  return l->pos < l->len ? (unsigned char)l->in[l->pos] : -1;
}

static int
next (struct lexer *l)
{
  if (l->pos >= l->len)
    return -1;
  int c = (unsigned char)l->in[l->pos++];
  if (c == '\n')
    l->line++;
  return c;
}

static void
backup (struct lexer *l)
{
  l->pos--;
  if (l->in[l->pos] == '\n')
    l->line--;
}

static void
push (struct lexer *l, enum tpl_tok type, size_t pos, int line, char *val)
{
  if (l->n == l->cap)
    {
      l->cap = l->cap ? l->cap * 2 : 32;
      l->toks = xrealloc (l->toks, l->cap * sizeof *l->toks);
    }
  l->toks[l->n++] = (struct tpl_token){ type, pos, line, val };
}

static void
emit (struct lexer *l, enum tpl_tok type)
{
  push (l, type, l->start, l->start_line, xstrndup (l->in + l->start, l->pos - l->start));
  l->start = l->pos;
  l->start_line = l->line;
}

static void
ignore (struct lexer *l)
{
  l->start = l->pos;
  l->start_line = l->line;
}

static void errorf (struct lexer *l, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
errorf (struct lexer *l, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = tpl_vformat (fmt, ap);
  va_end (ap);
  push (l, TOK_ERROR, l->start, l->start_line, msg);
  l->failed = true;
}

/* Go's %#U for an ASCII or other byte. */
static void
bad_char (struct lexer *l, int c)
{
  if (c < 0)
    errorf (l, "unexpected EOF");
  else if (c >= 0x20 && c < 0x7f)
    errorf (l, "bad character U+%04X '%c'", c, c);
  else
    errorf (l, "bad character U+%04X", c);
}

static bool
has_prefix (struct lexer *l, size_t at, const char *s)
{
  size_t n = strlen (s);
  return at + n <= l->len && memcmp (l->in + at, s, n) == 0;
}

/* At "}}" or " -}}"?  *trim is set for the latter. */
static bool
at_right_delim (struct lexer *l, bool *trim)
{
  *trim = false;
  if (l->pos + 1 < l->len && is_space (l->in[l->pos]) && l->in[l->pos + 1] == '-'
      && has_prefix (l, l->pos + 2, "}}"))
    {
      *trim = true;
      return true;
    }
  return has_prefix (l, l->pos, "}}");
}

static bool
at_terminator (struct lexer *l)
{
  int c = peek (l);
  /* Go checks only the first rune of the right delimiter */
  return c < 0 || is_space (c) || strchr (".,|:()}", c);
}

/* Consumes the right delimiter and, with a trim marker, the whitespace after it. */
static void
right_delim (struct lexer *l, bool trim)
{
  if (trim)
    l->pos += 2;
  l->start = l->pos;
  l->pos += 2;
  emit (l, TOK_RDELIM);
  if (trim)
    {
      while (l->pos < l->len && is_space (l->in[l->pos]))
        next (l);
      ignore (l);
    }
}

static void
lex_comment (struct lexer *l)
{
  const char *end = strstr (l->in + l->pos + 2, "*/");
  if (end == NULL)
    {
      errorf (l, "unclosed comment");
      return;
    }
  while (l->pos < (size_t)(end - l->in) + 2)
    next (l);
  bool trim;
  if (!at_right_delim (l, &trim))
    {
      errorf (l, "comment ends before closing delimiter");
      return;
    }
  l->pos += trim ? 4 : 2;
  ignore (l);
  if (trim)
    {
      while (l->pos < l->len && is_space (l->in[l->pos]))
        next (l);
      ignore (l);
    }
}

static void
lex_number (struct lexer *l)
{
  const char *digits = "0123456789_";
  if (peek (l) == '+' || peek (l) == '-')
    next (l);
  if (peek (l) == '0')
    {
      next (l);
      if (peek (l) == 'x' || peek (l) == 'X')
        next (l), digits = "0123456789abcdefABCDEF_";
      else if (peek (l) == 'o' || peek (l) == 'O')
        next (l), digits = "01234567_";
      else if (peek (l) == 'b' || peek (l) == 'B')
        next (l), digits = "01_";
    }
  while (peek (l) > 0 && strchr (digits, peek (l)))
    next (l);
  if (peek (l) == '.')
    {
      next (l);
      while (peek (l) > 0 && strchr (digits, peek (l)))
        next (l);
    }
  if (strlen (digits) == 11 && (peek (l) == 'e' || peek (l) == 'E'))
    {
      next (l);
      if (peek (l) == '+' || peek (l) == '-')
        next (l);
      while (peek (l) > 0 && strchr ("0123456789_", peek (l)))
        next (l);
    }
  if (is_alnum (peek (l)))
    {
      next (l);
      _cleanup_free_ char *s = xstrndup (l->in + l->start, l->pos - l->start);
      errorf (l, "bad number syntax: \"%s\"", s);
      return;
    }
  emit (l, TOK_NUMBER);
}

/* Quoted string, raw string or character constant, starting after the opening quote. */
static void
lex_quote (struct lexer *l, int q, enum tpl_tok type, const char *what)
{
  for (;;)
    {
      int c = next (l);
      if (c == '\\' && q != '`')
        {
          c = next (l);
          if (c != -1 && c != '\n')
            continue;
        }
      if (c == -1 || (c == '\n' && q != '`'))
        {
          errorf (l, "unterminated %s", what);
          return;
        }
      if (c == q)
        break;
    }
  emit (l, type);
}

static const struct
{
  const char *word;
  enum tpl_tok type;
} keywords[] = {
  { "block", TOK_BLOCK },
  { "break", TOK_BREAK },
  { "continue", TOK_CONTINUE },
  { "define", TOK_DEFINE },
  { "else", TOK_ELSE },
  { "end", TOK_END },
  { "if", TOK_IF },
  { "nil", TOK_NIL },
  { "range", TOK_RANGE },
  { "template", TOK_TEMPLATE },
  { "with", TOK_WITH },
};

static void
lex_word (struct lexer *l, enum tpl_tok type)
{
  if (type != TOK_IDENT && at_terminator (l))
    {
      emit (l, type == TOK_VARIABLE ? TOK_VARIABLE : TOK_DOT);
      return;
    }
  while (is_alnum (peek (l)))
    next (l);
  if (!at_terminator (l))
    {
      bad_char (l, peek (l));
      return;
    }
  if (type == TOK_IDENT)
    {
      size_t n = l->pos - l->start;
      const char *w = l->in + l->start;
      for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strlen (keywords[i].word) == n && memcmp (keywords[i].word, w, n) == 0)
          {
            emit (l, keywords[i].type);
            return;
          }
      if ((n == 4 && memcmp (w, "true", 4) == 0) || (n == 5 && memcmp (w, "false", 5) == 0))
        type = TOK_BOOL;
    }
  emit (l, type);
}

/* One token inside an action; returns false when the action ended. */
static bool
lex_inside (struct lexer *l)
{
  bool trim;
  if (at_right_delim (l, &trim))
    {
      if (l->paren_depth != 0)
        {
          errorf (l, "unclosed left paren");
          return false;
        }
      right_delim (l, trim);
      return false;
    }
  int c = next (l);
  if (c == -1)
    errorf (l, "unclosed action");
  else if (is_space (c))
    {
      /* a run of spaces, leaving the one that starts a " -}}" marker */
      for (;;)
        {
          if (l->pos + 1 < l->len && is_space (l->in[l->pos]) && l->in[l->pos + 1] == '-'
              && has_prefix (l, l->pos + 2, "}}"))
            break;
          if (!is_space (peek (l)))
            break;
          next (l);
        }
      emit (l, TOK_SPACE);
    }
  else if (c == '=')
    emit (l, TOK_ASSIGN);
  else if (c == ':')
    {
      if (next (l) != '=')
        errorf (l, "expected :=");
      else
        emit (l, TOK_DECLARE);
    }
  else if (c == '|')
    emit (l, TOK_PIPE);
  else if (c == '"')
    lex_quote (l, '"', TOK_STRING, "quoted string");
  else if (c == '`')
    lex_quote (l, '`', TOK_RAWSTRING, "raw quoted string");
  else if (c == '\'')
    lex_quote (l, '\'', TOK_CHARCONST, "character constant");
  else if (c == '$')
    lex_word (l, TOK_VARIABLE);
  else if (c == '.' && !(peek (l) >= '0' && peek (l) <= '9'))
    lex_word (l, TOK_FIELD);
  else if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9'))
    {
      backup (l);
      lex_number (l);
    }
  else if (is_alnum (c))
    lex_word (l, TOK_IDENT);
  else if (c == '(')
    {
      emit (l, TOK_LPAREN);
      l->paren_depth++;
    }
  else if (c == ')')
    {
      emit (l, TOK_RPAREN);
      if (--l->paren_depth < 0)
        errorf (l, "unexpected right paren");
    }
  else if (c >= 0x20 && c < 0x7f)
    emit (l, TOK_CHAR);
  else
    errorf (l, "unrecognized character in action: U+%04X", c);
  return !l->failed;
}

/* Text up to the next "{{" (trimmed by a "{{- " marker), then the action. */
static void
lex_text (struct lexer *l)
{
  const char *d = strstr (l->in + l->pos, "{{");
  size_t end = d ? (size_t)(d - l->in) : l->len;
  bool trim_left = d && d[2] == '-' && is_space ((unsigned char)d[3]);
  size_t text_end = end;
  if (trim_left)
    while (text_end > l->start && is_space (l->in[text_end - 1]))
      text_end--;
  while (l->pos < end)
    next (l);
  if (text_end > l->start)
    push (l, TOK_TEXT, l->start, l->start_line, xstrndup (l->in + l->start, text_end - l->start));
  ignore (l);
  if (d == NULL)
    return;
  l->pos += trim_left ? 4 : 2;
  if (has_prefix (l, l->pos, "/*"))
    {
      lex_comment (l);
      return;
    }
  push (l, TOK_LDELIM, l->start, l->start_line, xstrdup ("{{"));
  ignore (l);
  l->paren_depth = 0;
  while (lex_inside (l))
    ;
}

struct tpl_token *
tpl_lex (const char *text, size_t *ntokens)
{
  struct lexer l = { .in = text, .len = strlen (text), .line = 1, .start_line = 1 };
  while (!l.failed && l.pos < l.len)
    lex_text (&l);
  if (!l.failed)
    push (&l, TOK_EOF, l.pos, l.line, xstrdup (""));
  *ntokens = l.n;
  return l.toks;
}

void
tpl_tokens_free (struct tpl_token *toks, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (toks[i].val);
  free (toks);
}
