#!/bin/sh
# The engine and the modules never print and never read or write the caller's stdin/stdout:
# the CLI passes the fds it means (import/load/cp "-", save to stdout) and prints the results.
# Exempt: src/cli/ and src/main.c (the CLI), src/sandbox/init.c (the container's own init,
# whose stdio is PID 1's) and src/util/log.c (the logger writes stderr by design).
# Usage: library-stdio.sh SRC_DIR
src=${1:?usage: library-stdio.sh SRC_DIR}
[ -d "$src/cli" ] || { echo "library-stdio: $src has no cli/" >&2; exit 2; }
# (fflush before a fork is allowed: the CLI's buffered output must not be written twice)
hits=$(grep -rnE '\b(STDIN_FILENO|STDOUT_FILENO)\b|\b(printf|puts|putchar)[[:space:]]*\(|\b(fprintf|fputs|fwrite|fgets|fread|getline|getchar)[[:space:]]*\([^;]*\b(stdin|stdout)\b' \
  --include='*.c' "$src" | grep -vE "^$src/(cli/|main\.c|sandbox/init\.c|util/log\.c)" \
  | grep -vE ':[[:space:]]*(/?\*|//)')
if [ -n "$hits" ]; then
  echo "only the CLI reads stdin or writes stdout; found outside src/cli/:" >&2
  echo "$hits" >&2
  exit 1
fi
exit 0
