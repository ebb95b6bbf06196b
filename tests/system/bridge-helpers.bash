# Shared by the bridge network files that run root and rootless (61-network-bridge,
# 67-networks-traffic; `load bridge-helpers` after helpers).  Root: every test in a network
# namespace of its own (netns_setup), where the bridges, veths and rules live.  Rootless they
# live in skiff's own network namespace, pinned by its holder process while a container is on
# a bridge, and these files make the default bridge the default network as root has it
# (skiff.conf netns = "bridge", docker's rootless default).

bridge_setup () {
  netns_setup
  if is_rootless; then
    export SKIFF_CONFIG=$BATS_TEST_TMPDIR/skiff.conf
    printf '[containers]\nnetns = "bridge"\n' >"$SKIFF_CONFIG"
  fi
}

# The pid of the rootless network namespace's holder, or nothing.
netns_holder () {
  local pid start
  { read -r pid start <"$SKIFF_TEST_RUNROOT/netns.holder"; } 2>/dev/null || return 0
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Runs a command where the bridges are: the test's namespace (root), the holder's (rootless),
# or, rootless with no holder running, an empty namespace of its own (no bridge exists then).
in_bridge_ns () {
  if ! is_rootless; then
    in_ns "$@"
    return
  fi
  local pid
  pid=$(netns_holder)
  if [ -n "$pid" ]; then
    nsenter -t "$pid" -U -n "$@"
  else
    unshare -r -n "$@"
  fi
}
