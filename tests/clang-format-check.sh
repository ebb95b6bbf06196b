#!/usr/bin/env bash
# Checks C files against the repository's .clang-format without changing them.
# Usage: tests/clang-format-check.sh FILE...   (run-all.sh passes the C files of src/,
# include/, tests/unit/ and tests/helpers/).  Lists every file whose formatting differs and
# exits 1 if there is one; exits 2 if clang-format is missing or fails on a file.
set -uo pipefail

command -v clang-format >/dev/null || { echo "clang-format-check: clang-format not found" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: $0 FILE..." >&2; exit 2; }

differ=()
for f in "$@"; do
  if ! out=$(clang-format --style=file --dry-run -Werror "$f" 2>&1); then
    # --dry-run -Werror reports differences as "-Wclang-format-violations"; anything else is
    # clang-format failing on the file (unreadable, bad .clang-format)
    if [[ "$out" == *clang-format-violations* ]]; then
      differ+=("$f")
    else
      printf '%s: %s\n' "$f" "$out" >&2
      exit 2
    fi
  fi
done
if [ ${#differ[@]} -gt 0 ]; then
  echo "clang-format-check: ${#differ[@]} of $# files differ from .clang-format (clang-format -i FILE):"
  printf '  %s\n' "${differ[@]}"
  exit 1
fi
echo "clang-format-check: $# files formatted"
