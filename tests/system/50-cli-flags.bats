#!/usr/bin/env bats
# podman's container-selection flags (--all, --latest, --cidfile, --ignore) and the other
# docker/podman flags of the container commands: what a user sees, exit codes and output.

load helpers

@test "stop -a stops every running container; --latest, --cidfile, --ignore; podman's conflicts" {
  local a b c
  a=$(skiff run -d --name sa "$IMG" sleep 60)
  b=$(skiff run -d --name sb "$IMG" sleep 60)
  c=$(skiff create --name sc "$IMG" true)
  run -0 skiff stop -a -t 0
  assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$a" "$b" | sort)" "stop -a output"
  assert_equal "$(skiff ps -q)" "" "running after stop -a"
  run -0 skiff stop --all
  assert_equal "$output" "" "stop -a with none running"

  skiff start sa >/dev/null
  printf '%s\n' "$a" >"$BATS_TEST_TMPDIR/cid"
  run -0 skiff stop -t 0 --cidfile "$BATS_TEST_TMPDIR/cid"
  assert_equal "$output" "$a" "stop --cidfile"
  run -0 skiff stop --latest
  assert_equal "$output" "$c" "stop --latest: the newest container"

  run -0 skiff stop --ignore nosuch sb
  assert_equal "$output" sb "stop --ignore"
  run -1 --separate-stderr skiff stop nosuch
  assert_equal "$stderr" "Error: No such container: nosuch"

  run -125 --separate-stderr skiff stop -a sa
  assert_equal "$stderr" "Error: no arguments are needed with --all"
  run -125 --separate-stderr skiff stop -a -l
  assert_equal "$stderr" "Error: --all and --latest cannot be used together"
  run -125 --separate-stderr skiff stop -l sa
  assert_equal "$stderr" "Error: --latest and containers cannot be used together"
  run -125 --separate-stderr skiff stop --cidfile "$BATS_TEST_TMPDIR/cid" sa
  assert_equal "$stderr" "Error: no arguments are needed with --latest or --cidfile"
  run -125 --separate-stderr skiff stop --cidfile "$BATS_TEST_TMPDIR/nosuch"
  assert_equal "$stderr" "Error: reading CIDFile: open $BATS_TEST_TMPDIR/nosuch: No such file or directory"
}

@test "kill -a, kill --cidfile, kill --latest; restart -a" {
  local a b
  a=$(skiff run -d --name ka "$IMG" sleep 60)
  b=$(skiff run -d --name kb "$IMG" sleep 60)
  run -0 skiff kill -a
  assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$a" "$b" | sort)" "kill -a output"
  wait_for '[ -z "$(skiff ps -q)" ]' 10 || fail "kill -a left containers running: $(skiff ps)"
  run -0 skiff restart -a -t 0
  wait_for '[ "$(skiff ps -q | wc -l)" = 2 ]' 10 || fail "restart -a: $(skiff ps -a)"
  printf '%s' "$a" >"$BATS_TEST_TMPDIR/cid"
  run -0 skiff kill --cidfile "$BATS_TEST_TMPDIR/cid"
  assert_equal "$output" "$a" "kill --cidfile"
  run -0 skiff kill --latest
  assert_equal "$output" "$b" "kill --latest"
}

@test "pause -a / unpause -a: every running (paused) container; --latest" {
  local a b
  a=$(skiff run -d --name pa "$IMG" sleep 60)
  b=$(skiff run -d --name pb "$IMG" sleep 60)
  if rootless_without_cgroup; then # -a reaches both running containers, each fails clearly
    run -1 --separate-stderr skiff pause -a
    assert_equal "$(grep -c 'pause is not supported for rootless containers' <<<"$stderr")" 2
    run -125 --separate-stderr skiff unpause -a pa
    assert_equal "$stderr" "Error: no arguments are needed with --all"
    return
  fi
  run -0 skiff pause pa
  run -0 skiff pause -a
  assert_equal "$output" "$b" "pause -a: only the running one"
  run -0 skiff unpause --all
  assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$a" "$b" | sort)" "unpause -a"
  run -0 skiff pause --latest
  assert_equal "$output" "$b" "pause --latest"
  run -0 skiff unpause -l
  assert_equal "$output" "$b" "unpause --latest"
  run -125 --separate-stderr skiff unpause -a pa
  assert_equal "$stderr" "Error: no arguments are needed with --all"
}

@test "container aliases keep their command's flags; exists --external; top passes ps options" {
  local a
  a=$(skiff run -d --name al "$IMG" sleep 60)
  run -0 skiff container stop -t 0 al
  assert_equal "$output" al "container stop -t"
  run -0 skiff container exists --external al
  run -1 skiff container exists --external nosuch
  run -0 skiff container kill --help
  assert_contains "$output" "--signal" "container kill --help"
  skiff start al >/dev/null
  run -0 skiff top al -o pid,comm
  assert_match "${lines[0]}" '^PID +COMMAND$' "top al -o pid,comm"
  run -0 skiff container top al -o pid
  assert_match "${lines[0]}" '^PID$' "container top"
  run -125 --separate-stderr skiff wait --condition running al
  assert_equal "$stderr" "Error: --condition is not supported by skiff yet (see 'skiff wait --help')"
}

@test "ps --filter: unknown keys and values refused with docker's message; podman's keys" {
  skiff create --name fa -l app=a "$IMG" true >/dev/null
  skiff run -d --name fb "$IMG" sleep 60 >/dev/null
  run -1 --separate-stderr skiff ps --filter status=bogus
  assert_equal "$stderr" "Error: invalid filter 'status=bogus'"
  assert_equal "$output" "" "stdout"
  run -1 --separate-stderr skiff ps --filter bogus=1
  assert_equal "$stderr" "Error: invalid filter 'bogus'"
  run -1 --separate-stderr skiff ps --filter health=sick
  assert_equal "$stderr" "Error: Unrecognised filter value for health: sick"
  run -1 --separate-stderr skiff ps --filter exited=abc
  assert_equal "$stderr" "Error: strconv.Atoi: parsing \"abc\": invalid syntax"
  run -1 --separate-stderr skiff ps --filter before=nosuch
  assert_equal "$stderr" "Error: No such container: nosuch"
  run -125 --separate-stderr skiff ps --filter status
  assert_equal "$stderr" "Error: invalid argument \"status\" for \"-f, --filter\" flag: bad format of filter (expected name=value) (see 'skiff ps --help')"
  # status implies -a, other keys do not (moby's includeContainerInList)
  assert_equal "$(skiff ps --filter status=created --format '{{.Names}}')" fa
  assert_equal "$(skiff ps --filter label=app --format '{{.Names}}')" "" "label without -a"
  assert_equal "$(skiff ps -a --filter 'label!=app' --format '{{.Names}}')" fb
  assert_equal "$(skiff ps -a --filter since=fa --format '{{.Names}}')" fb
  assert_equal "$(skiff ps -a --filter before=fb --format '{{.Names}}')" fa
  assert_equal "$(skiff ps -a --filter command=sleep --format '{{.Names}}')" fb
  local net=bridge # the default network (rootless: none)
  is_rootless && net=none
  assert_equal "$(skiff ps -a --filter health=none --filter network=$net -q | wc -l)" 2
  assert_equal "$(skiff ps -a --filter network=host -q | wc -l)" 0 "network=host"
  assert_equal "$(skiff ps -a --filter volume=x --filter publish=80 -q)" ""
  assert_equal "$(skiff ps -a --filter restart-policy=no -q | wc -l)" 2
  assert_equal "$(skiff ps -a --filter until=1h -q)" "" "until: nothing created an hour ago"
  assert_equal "$(skiff ps -a --filter until=2100-01-01 -q | wc -l)" 2 "until: a future date"
}

@test "ps --all --external, --noheading, --size, --sort" {
  skiff create --name zz "$IMG" true >/dev/null
  skiff run --name aa "$IMG" sh -c 'head -c 3000 /dev/zero >/big' >/dev/null
  run -0 skiff ps --all --external --format '{{.Names}}'
  assert_equal "$output" $'aa\nzz' "ps --all --external"
  run -0 skiff ps -a --noheading
  assert_equal "${#lines[@]}" 2 "--noheading: no header line"
  assert_not_contains "$output" "CONTAINER ID"
  run -0 skiff ps -a --size
  assert_match "${lines[0]}" 'NAMES +SIZE$' "--size header"
  assert_match "${lines[1]}" ' aa +3\.[0-9]+kB \(virtual [0-9.]+[kM]B\)$' "aa's size"
  assert_match "${lines[2]}" ' zz +0B \(virtual [0-9.]+[kM]B\)$' "zz's size"
  assert_equal "$(skiff ps -a --sort names --format '{{.Names}}' | tr '\n' ' ')" "aa zz "
  assert_equal "$(skiff ps -a --sort created --format '{{.Names}}' | tr '\n' ' ')" "aa zz "
  assert_equal "$(skiff ps -a --sort size --format '{{.Names}}' | tr '\n' ' ')" "zz aa "
  assert_equal "$(skiff ps -a --sort status --format '{{.Names}}' | tr '\n' ' ')" "zz aa "
  run -125 --separate-stderr skiff ps --sort bogus
  assert_equal "$stderr" "Error: invalid argument \"bogus\" for \"--sort\" flag: \"bogus\" is not a valid value.  Choose from: \"command, created, id, image, names, runningfor, size, status\" (see 'skiff ps --help')"
}

@test "container prune --filter: label, label!, until; other keys refused" {
  local drop
  skiff create --name keep -l keep=1 "$IMG" true >/dev/null
  drop=$(skiff create --name drop "$IMG" true)
  run -1 --separate-stderr skiff container prune -f --filter status=exited
  assert_equal "$stderr" "Error: invalid filter 'status'"
  run -0 skiff container prune -f --filter until=1h
  assert_equal "${lines[0]}" "Total reclaimed space: 0B" "until=1h removes nothing"
  run -0 skiff container prune -f --filter 'label!=keep'
  assert_equal "${lines[1]}" "$drop" "label!=keep removes drop"
  assert_equal "$(skiff ps -a --format '{{.Names}}')" keep
  run -0 skiff container prune --force --filter label=keep=1
  assert_equal "$(skiff ps -a -q)" "" "label=keep=1 removes keep"
}

@test "logs --names: the lines of the one container, no prefix (podman); flags after CONTAINER" {
  skiff run -d --name lg "$IMG" sh -c 'echo one; echo two' >/dev/null
  skiff wait lg >/dev/null
  run -0 --separate-stderr skiff logs --names lg
  assert_equal "$output" $'one\ntwo' "logs --names"
  run -0 --separate-stderr skiff logs lg --names --tail 1
  assert_equal "$output" two "logs CONTAINER --names --tail 1"
  run -125 --separate-stderr skiff logs --tail x lg
  assert_equal "$stderr" "Error: invalid argument \"x\" for \"-n, --tail\" flag (see 'skiff logs --help')"
}

@test "rm -t 0 --all --force --ignore; rm --ignore, --cidfile, --depend, --latest" {
  local a b c
  a=$(skiff run -d --name ra "$IMG" sleep 60)
  b=$(skiff create --name rb "$IMG" true)
  run -0 skiff rm -t 0 --all --force --ignore
  assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$a" "$b" | sort)" "rm -t 0 --all --force --ignore"
  assert_equal "$(skiff ps -a -q)" "" "left after rm --all"
  run -0 skiff rm -t 0 --all --force --ignore
  assert_equal "$output" "" "rm --all with nothing there"

  c=$(skiff create --name rc "$IMG" true)
  run -0 --separate-stderr skiff rm --ignore nosuch rc
  assert_equal "$output" rc "rm --ignore nosuch rc"
  assert_equal "$stderr" "" "rm --ignore stderr"
  run -1 --separate-stderr skiff rm nosuch
  assert_equal "$stderr" "Error: No such container: nosuch"

  c=$(skiff create --name rd "$IMG" true)
  printf '%s\n' "$c" >"$BATS_TEST_TMPDIR/cid"
  run -0 skiff rm --cidfile "$BATS_TEST_TMPDIR/cid"
  assert_equal "$output" "$c" "rm --cidfile"
  c=$(skiff create --name re "$IMG" true)
  run -0 skiff rm --depend re
  assert_equal "$output" re "rm --depend (no dependents)"
  skiff create --name rf "$IMG" true >/dev/null
  c=$(skiff create --name rg "$IMG" true)
  run -0 skiff rm --latest
  assert_equal "$output" "$c" "rm --latest"
  assert_equal "$(skiff ps -a --format '{{.Names}}')" rf

  run -125 --separate-stderr skiff rm -t x rf
  assert_equal "$stderr" "Error: invalid argument \"x\" for \"-t, --time\" flag: strconv.ParseUint: parsing \"x\": invalid syntax (see 'skiff rm --help')"
  run -125 --separate-stderr skiff rm -a rf
  assert_equal "$stderr" "Error: no arguments are needed with --all"
}

@test "container inspect --latest, -s; podman's conflicts" {
  skiff create --name ia "$IMG" true >/dev/null
  skiff create --name ib "$IMG" true >/dev/null
  run -0 skiff container inspect --latest --format '{{.Name}}'
  assert_equal "$output" /ib "container inspect --latest"
  run -0 skiff container inspect -s -f '{{.Name}}' ia
  assert_equal "$output" /ia "container inspect -s"
  run -125 --separate-stderr skiff container inspect -l ia
  assert_equal "$stderr" "Error: --latest and containers cannot be used together"
}

@test "--filter on stop, restart, pause, unpause, rm: the matching containers; no arguments with it" {
  local a b
  a=$(skiff run -d --name fa --label grp=x "$IMG" sleep 60)
  b=$(skiff run -d --name fb --label grp=y "$IMG" sleep 60)
  printf '%s\n' "$b" >"$BATS_TEST_TMPDIR/cid"
  if rootless_without_cgroup; then # no cgroup to freeze: the filter still picks exactly the one
    run -1 --separate-stderr skiff pause --filter label=grp=x
    assert_equal "$stderr" "$ROOTLESS_PAUSE_ERROR"
    run -1 --separate-stderr skiff pause --cidfile "$BATS_TEST_TMPDIR/cid"
    assert_equal "$stderr" "$ROOTLESS_PAUSE_ERROR"
  else
    run -0 skiff pause --filter label=grp=x
    assert_equal "$output" "$a" "pause --filter"
    assert_equal "$(skiff inspect --format '{{.State.Status}}' fa fb)" "$(printf 'paused\nrunning')"
    run -0 skiff unpause -f name=fa
    assert_equal "$output" "$a" "unpause -f"
    run -0 skiff pause --cidfile "$BATS_TEST_TMPDIR/cid"
    assert_equal "$output" "$b" "pause --cidfile"
    run -0 skiff unpause --cidfile "$BATS_TEST_TMPDIR/cid"
  fi
  run -0 skiff stop -t 0 --filter label=grp=y
  assert_equal "$output" "$b" "stop --filter"
  assert_equal "$(skiff ps --format '{{.Names}}')" fa "still running"
  run -0 skiff restart -t 0 --filter name=fb
  assert_equal "$output" "$b" "restart --filter (any state, as restart -a)"
  assert_equal "$(skiff inspect --format '{{.State.Status}}' fb)" running
  run -125 --separate-stderr skiff stop --filter name=fa fa
  assert_equal "$stderr" "Error: --filter takes no arguments"
  run -1 --separate-stderr skiff rm --filter bogus=1
  assert_equal "$stderr" "Error: invalid filter 'bogus'"
  run -0 skiff rm -f --filter label=grp
  assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$a" "$b" | sort)" "rm --filter"
  assert_equal "$(skiff ps -aq)" "" "left after rm --filter"
}

@test "--latest on exec, top, wait, stats, attach; exec --preserve-fds" {
  local id
  skiff run -d --name old "$IMG" sleep 60 >/dev/null
  id=$(skiff run -d --name newest "$IMG" sh -c 'echo hi; sleep 60')
  run -0 skiff exec --latest cat /etc/hostname
  assert_equal "$output" "${id:0:12}" "exec -l runs in the newest container"
  run -0 skiff exec -l sh -c 'echo "$0"' arg
  assert_equal "$output" arg "exec -l: every positional is the command"
  run -0 skiff top -l
  [[ "$output" == *"sleep 60"* ]] || fail "top -l: $output"
  run -0 skiff stats -l --no-stream --format '{{.Name}}'
  assert_equal "$output" newest "stats -l"
  run -125 --separate-stderr skiff stats -l newest
  assert_equal "$stderr" "Error: --latest and containers cannot be used together"
  run -125 --separate-stderr skiff wait --interval bogus newest
  assert_equal "$stderr" 'Error: time: invalid duration "bogus"'
  echo preserved >"$BATS_TEST_TMPDIR/in"
  run -0 skiff exec --preserve-fds 1 newest sh -c 'cat <&3' 3<"$BATS_TEST_TMPDIR/in"
  assert_equal "$output" preserved "exec --preserve-fds 1"
  run -125 --separate-stderr sh -c 'exec 4>&-; exec "$@"' sh "$SKIFF" exec --preserve-fds 2 newest true 3<"$BATS_TEST_TMPDIR/in"
  assert_equal "$stderr" "Error: file descriptor 4 is not available - the preserve-fds option requires that all file descriptors must be passed"
  skiff kill newest >/dev/null
  run -0 skiff wait -l --interval 100ms
  assert_equal "$output" 137 "wait -l"
  run -125 --separate-stderr skiff attach -l
  assert_equal "$stderr" "Error: container $id is not running"
  skiff rm -f old newest >/dev/null
}
