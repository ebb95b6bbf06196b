#!/bin/sh
# The CLI parses flags, calls the engine and prints (include/skiff/engine.h): no file under
# src/cli/ includes the sandbox or cgroup modules or resolves an image's layers itself.
# Usage: cli-layering.sh SRC_CLI_DIR
dir=${1:?usage: cli-layering.sh SRC_CLI_DIR}
[ -d "$dir" ] || { echo "cli-layering: no directory $dir" >&2; exit 2; }
status=0
if hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"]skiff/(sandbox|cgroup)\.h[">]' "$dir"); then
  echo "src/cli/ must reach the sandbox and cgroups through the engine; found:" >&2
  echo "$hits" >&2
  status=1
fi
if hits=$(grep -rnE '\bskiff_(image_lowerdirs|sandbox_[a-z_]+|cgroup_[a-z_]+)[[:space:]]*\(' "$dir"); then
  echo "src/cli/ calls layer, sandbox or cgroup functions; use the engine instead:" >&2
  echo "$hits" >&2
  status=1
fi
exit $status
