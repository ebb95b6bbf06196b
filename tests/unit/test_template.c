#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/template.h"
#include "skiff/xalloc.h"

/* A container-inspect-like document. */
static const char *doc
    = "{\"Id\":\"abc123\",\"Name\":\"/web\",\"Created\":\"2024-01-01T00:00:00Z\","
      "\"State\":{\"Status\":\"running\",\"Running\":true,\"Pid\":42,\"ExitCode\":0},"
      "\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"com.example.k\":\"v\",\"a\":\"b\"},"
      "\"Cmd\":null,\"Image\":\"busybox\"},"
      "\"NetworkSettings\":{\"Networks\":{\"net\":{\"IPAddress\":\"10.0.0.2\"},"
      "\"bridge\":{\"IPAddress\":\"172.17.0.2\"}}},"
      "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/src\",\"Destination\":\"/dst\",\"RW\":true}],"
      "\"Size\":1.5,\"Args\":[\"-c\",\"echo hi\"],\"Count\":3,\"Empty\":\"\",\"Html\":\"<a&b>\"}";

/* Runs tpl over json; returns the output, or "ERR: <message>". */
static char *
run (const char *tpl, const char *json)
{
  _cleanup_yajl_val_ yajl_val data = NULL;
  _cleanup_template_ struct skiff_template *t = NULL;
  struct skiff_error *err = NULL;
  char *out = NULL;
  if (json)
    ck_assert_int_eq (skiff_json_parse (json, "test", &data, &err), 0);
  if (skiff_template_parse (tpl, &t, &err) < 0 || skiff_template_execute (t, data, &out, &err) < 0)
    {
      ck_assert_ptr_null (out);
      out = xasprintf ("ERR: %s", err->msg);
      ck_assert_int_eq (err->exit_code, 0);
      skiff_error_free (err);
    }
  return out;
}

static void
check (const char *tpl, const char *json, const char *want)
{
  _cleanup_free_ char *got = run (tpl, json);
  ck_assert_msg (strcmp (got, want) == 0, "template %s: got [%s], want [%s]", tpl, got, want);
}

START_TEST (fields_and_idioms)
{
  check ("{{.Id}}", doc, "abc123");
  check ("{{.State.Status}}", doc, "running");
  check ("{{.State.Running}} {{.State.Pid}}", doc, "true 42");
  check ("{{ .Name }}x", doc, "/webx");
  check ("{{lower .State.Status}}", doc, "running");
  check ("{{.State.Status | upper}}", doc, "RUNNING");
  check ("{{index .Config.Labels \"com.example.k\"}}", doc, "v");
  check ("{{(index .NetworkSettings.Networks \"net\").IPAddress}}", doc, "10.0.0.2");
  check ("{{range .Mounts}}{{.Source}}:{{.Destination}}{{end}}", doc, "/src:/dst");
  check ("{{.}}", "\"plain\"", "plain");
  check ("{{.}}", "7", "7");
  /* docker's structs name Id as ID: a unique case-insensitive match is accepted */
  check ("{{.ID}}", doc, "abc123");
  check ("{{$.Config.Image}}", doc, "busybox");
}
END_TEST

START_TEST (json_function)
{
  check ("{{json .Config.Env}}", doc, "[\"A=1\",\"B=2\"]");
  check ("{{json .State}}", doc,
         "{\"Status\":\"running\",\"Running\":true,\"Pid\":42,\"ExitCode\":0}");
  check ("{{json .Html}}", doc, "\"<a&b>\"");
  check ("{{json .Config.Cmd}}", doc, "null");
  check ("{{json .Nope.X}}", "{\"nope\":1}", "null");
  check ("{{json .Size}}", doc, "1.5");
  check ("{{json .}}", "{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u2028\",\"e\":{},\"l\":[]}",
         "{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u2028\",\"e\":{},\"l\":[]}");
  check ("{{. | json}}", "[1,2.5,true,null]", "[1,2.5,true,null]");
}
END_TEST

START_TEST (printing_values)
{
  check ("{{.Config.Env}}", doc, "[A=1 B=2]");
  check ("{{.Config.Labels}}", doc, "map[a:b com.example.k:v]");
  check ("{{.Mounts}}", doc, "[{bind /src /dst true}]");
  check ("{{.Size}}", doc, "1.5");
  check ("{{.Config.Cmd}}", doc, "<no value>");
  check ("{{.Config.Labels.nope}}", doc, "<no value>");
  check ("{{.Config.Labels.nope.deeper}}", doc, "<no value>");
  check ("{{.}}", "[\"a\",null,{\"b\":1}]", "[a <nil> map[b:1]]");
  check ("{{1e6}} {{0.5}} {{1.0}} {{123456.0}} {{0.00001}}", NULL, "1e+06 0.5 1 123456 1e-05");
  check ("{{-3}} {{0x1F}} {{'a'}} {{true}}", NULL, "-3 31 97 true");
  check ("{{\"a\\tb\\u00e9\"}} {{`x\\n`}}", NULL, "a\tb\xc3\xa9 x\\n");
  check ("{{print nil}}", NULL, "<nil>");
  check ("{{nil | print}}", NULL,
         "ERR: template: :1:2: executing \"\" at <nil>: nil is not a command");
}
END_TEST

START_TEST (control_structures)
{
  check ("{{if .State.Running}}up{{else}}down{{end}}", doc, "up");
  check (
      "{{if .Empty}}x{{else if eq .State.Status \"exited\"}}e{{else if .Count}}c{{else}}o{{end}}",
      doc, "c");
  check ("{{with .State}}{{.Pid}}{{end}}", doc, "42");
  check ("{{with .Empty}}x{{else}}none{{end}}", doc, "none");
  check ("{{with .Empty}}x{{else with .Count}}{{.}}{{end}}", doc, "3");
  check ("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", doc, "a=b;com.example.k=v;");
  check ("{{range $i, $e := .Args}}{{$i}}:{{$e}} {{end}}", doc, "0:-c 1:echo hi ");
  check ("{{range $e := .Args}}[{{$e}}]{{end}}", doc, "[-c][echo hi]");
  check ("{{range .Args}}{{$.Id}}{{end}}", doc, "abc123abc123");
  check ("{{range .Config.Cmd}}x{{else}}empty{{end}}", doc, "empty");
  check ("{{range .Nothing}}x{{end}}.", "{\"a\":{}}", ".");
  check ("{{range $i := 3}}{{$i}}{{end}}", NULL, "012");
  check ("{{range .Args}}{{if eq . \"-c\"}}{{continue}}{{end}}{{.}}{{end}}", doc, "echo hi");
  check ("{{range .Args}}{{.}}{{break}}{{end}}", doc, "-c");
  check ("{{range $n, $net := .NetworkSettings.Networks}}{{$n}}={{$net.IPAddress}} {{end}}", doc,
         "bridge=172.17.0.2 net=10.0.0.2 ");
}
END_TEST

START_TEST (variables_and_trim)
{
  check ("{{$x := .Name}}{{$x}}", doc, "/web");
  check ("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", NULL, "2");
  check ("{{$s := .State}}{{$s.Status}}", doc, "running");
  check ("a  {{- \"b\" -}}  \n c", NULL, "abc");
  check ("a {{/* comment */}}b", NULL, "a b");
  check ("a \n{{- /* comment */ -}}\n b", NULL, "ab");
  check ("x{{- 3}}", NULL, "x3");
  check ("{{-3}}", NULL, "-3");
  check ("line1\nline2", NULL, "line1\nline2");
}
END_TEST

START_TEST (functions)
{
  check ("{{split .Created \"T\"}}", doc, "[2024-01-01 00:00:00Z]");
  check ("{{index (split \"a:b:c\" \":\") 2}}", NULL, "c");
  check ("{{len (split \"\" \",\")}}", NULL, "1");
  check ("{{join .Args \",\"}}", doc, "-c,echo hi");
  check ("{{title \"hello wORLD-x\"}}", NULL, "Hello WORLD-X");
  check ("{{pad .Name 2 1}}|{{pad .Empty 2 2}}|", doc, "  /web ||");
  check ("{{truncate .Id 3}} {{truncate .Id 30}}", doc, "abc abc123");
  check ("{{len .Args}} {{len .Name}} {{len .Config.Labels}}", doc, "2 4 2");
  check ("{{index .Args 1}}", doc, "echo hi");
  check ("[{{index .Config.Labels \"missing\"}}]", doc, "[]");
  check ("{{index . \"a\" 1}}", "{\"a\":[5,6]}", "6");
  check ("{{slice .Name 1 3}} {{slice .Args 1}}", doc, "we [echo hi]");
  check ("{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"x\"}} {{or 0 \"\"}}", NULL, "0 2 x ");
  check ("{{not .Empty}} {{not .Count}}", doc, "true false");
  check ("{{eq .Count 3}} {{eq .Count 1 2 3}} {{ne .Name \"x\"}} {{eq .Nope \"x\"}}",
         "{\"Count\":3,\"Name\":\"n\",\"Nope\":null}", "true true true false");
  check ("{{lt 1 2}} {{le 2 2}} {{gt 1.5 2.5}} {{ge \"b\" \"a\"}}", NULL, "true true false true");
  check ("{{print \"a\" 1 2 \"b\"}}", NULL, "a1 2b");
  check ("{{println \"a\" 1}}", NULL, "a 1\n");
  check ("{{printf \"%s-%d\" .Name .State.Pid}}", doc, "/web-42");
  check ("{{printf \"%-6s|%6s|\" \"ab\" \"cd\"}}", NULL, "ab    |    cd|");
  check ("{{printf \"%5.2f|%v|%g\" .Size .Size 2.0}}", doc, " 1.50|1.5|2");
  check ("{{printf \"%q %x %X %05d %+d\" .Name 255 \"hi\" 42 7}}", doc,
         "\"/web\" ff 6869 00042 +7");
  check ("{{printf \"%v %t %%\" .Config.Env true}}", doc, "[A=1 B=2] true %");
  check ("{{printf \"%d %s\" \"x\"}}", NULL, "%!d(string=x) %!s(MISSING)");
  check ("{{printf \"%s\" 1 2}}", NULL, "%!s(int=1)%!(EXTRA int=2)");
  check ("{{.Name | printf \"%s!\"}}", doc, "/web!");
}
END_TEST

START_TEST (parse_errors)
{
  check ("{{.ID}", doc, "ERR: template: :1: unexpected \"}\" in operand");
  check ("{{.ID", doc, "ERR: template: :1: unclosed action");
  check ("{{if .X}}", doc, "ERR: template: :1: unexpected EOF");
  check ("{{end}}", doc, "ERR: template: :1: unexpected {{end}}");
  check ("{{else}}", doc, "ERR: template: :1: unexpected {{else}}");
  check ("{{foo .X}}", doc, "ERR: template: :1: function \"foo\" not defined");
  check ("{{$x}}", doc, "ERR: template: :1: undefined variable \"$x\"");
  check ("{{}}", doc, "ERR: template: :1: missing value for command");
  check ("{{\"abc}}", doc, "ERR: template: :1: unterminated quoted string");
  check ("a\n{{.X.}}", doc, "ERR: template: :2: unexpected \".\" in operand");
  check ("{{\"x\".Foo}}", doc, "ERR: template: :1: unexpected . after term \"\\\"x\\\"\"");
  check ("{{/* x }}", doc, "ERR: template: :1: unclosed comment");
  check ("{{.A-b}}", doc, "ERR: template: :1: bad character U+002D '-'");
  check ("{{break}}", doc, "ERR: template: :1: {{break}} outside {{range}}");
  check ("{{.X | 3}}", doc, "ERR: template: :1: non executable command in pipeline stage 2");
  check ("{{(.X}}", doc, "ERR: template: :1: unclosed left paren");
  check ("{{define \"x\"}}{{end}}", doc, "ERR: template: :1: {{define}} is not supported");
}
END_TEST

START_TEST (exec_errors)
{
  check ("{{.Foo}}", doc,
         "ERR: template: :1:2: executing \"\" at <.Foo>: map has no entry for key \"Foo\"");
  check ("{{.State.Foo}}", doc,
         "ERR: template: :1:8: executing \"\" at <.State.Foo>: map has no entry for key \"Foo\"");
  check ("ok\n  {{.Nope}}", doc,
         "ERR: template: :2:4: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
  check ("{{.Name.X}}", doc,
         "ERR: template: :1:7: executing \"\" at <.Name.X>: can't evaluate field X in type string");
  /* "error calling" is reported at the whole command (Go's evalCall), not just its name */
  check ("{{index .Args 5}}", doc,
         "ERR: template: :1:2: executing \"\" at <index .Args 5>: error calling index: index out "
         "of range: 5");
  check ("{{index .Args 99999 | printf \"%s\"}}", doc,
         "ERR: template: :1:2: executing \"\" at <index .Args 99999>: error calling index: index "
         "out of range: 99999");
  check ("{{printf \"%s\" (index .Args -1)}}", doc,
         "ERR: template: :1:15: executing \"\" at <index .Args -1>: error calling index: index out "
         "of range: -1");
  check ("{{len 3}}", doc,
         "ERR: template: :1:2: executing \"\" at <len 3>: error calling len: len of type int");
  check (
      "{{eq 1 \"a\"}}", doc,
      "ERR: template: :1:2: executing \"\" at <eq 1 \"a\">: error calling eq: incompatible types "
      "for comparison");
  check ("{{lower 3}}", doc,
         "ERR: template: :1:2: executing \"\" at <lower>: wrong type for value; expected string; "
         "got int");
  check ("{{upper}}", doc,
         "ERR: template: :1:2: executing \"\" at <upper>: wrong number of args for upper: want 1 "
         "got 0");
  check ("{{range .Size}}{{end}}", doc,
         "ERR: template: :1:8: executing \"\" at <{{range .Size}}{{end}}>: range can't iterate "
         "over 1.5");
  check ("{{\"x\" | .Name}}", doc,
         "ERR: template: :1:8: executing \"\" at <.Name>: Name is not a method but has arguments");
  check ("{{(index .NetworkSettings.Networks \"net\").Foo}}", doc,
         "ERR: template: :1:41: executing \"\" at <(index .NetworkSettings.Networks \"net\").Foo>: "
         "map has no entry for "
         "key \"Foo\"");
}
END_TEST

START_TEST (header_mode)
{
  _cleanup_yajl_val_ yajl_val h = NULL;
  _cleanup_template_ struct skiff_template *t = NULL;
  struct skiff_error *err = NULL;
  ck_assert_int_eq (
      skiff_json_parse ("{\"ID\":\"CONTAINER ID\",\"Names\":\"NAMES\"}", "h", &h, &err), 0);
  ck_assert_int_eq (skiff_template_parse ("{{.ID}}\t{{.Names | lower}}\t{{truncate .ID 2}}"
                                          "\t{{.Other}}",
                                          &t, &err),
                    0);
  _cleanup_free_ char *out = NULL;
  ck_assert_int_eq (skiff_template_execute_flags (t, h, SKIFF_TEMPLATE_HEADER, &out, &err), 0);
  ck_assert_str_eq (out, "CONTAINER ID\tNAMES\tCONTAINER ID\t<no value>");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("template");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, fields_and_idioms);
  tcase_add_test (tc, json_function);
  tcase_add_test (tc, printing_values);
  tcase_add_test (tc, control_structures);
  tcase_add_test (tc, variables_and_trim);
  tcase_add_test (tc, functions);
  tcase_add_test (tc, parse_errors);
  tcase_add_test (tc, exec_errors);
  tcase_add_test (tc, header_mode);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
