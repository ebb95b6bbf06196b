#!/usr/bin/env bats
# Hostile or careless input: huge image configs, JSON with repeated keys, string
# Entrypoint/Cmd, unbounded --env-file, an empty -u user, over-long names, template index
# errors.  Each is a one-line error with docker's exit code, or what docker reads.

load helpers

MKARCHIVE=$BATS_TEST_DIRNAME/fixture/mkarchive.py

# Loads a docker archive of the busybox fixture whose runtime config is given as raw JSON
# text (so it may repeat keys).
load_config_image () { # TAG CONFIG_TEXT
  python3 -c 'import json, sys
print(json.dumps({"format": "docker", "tag": sys.argv[1], "config_text": sys.argv[2],
                  "layers": [{"tar": sys.argv[3]}]}))' "$1" "$2" "$SKIFF_TEST_FIXTURE/rootfs.tar" |
    python3 "$MKARCHIVE" "$BATS_TEST_TMPDIR/img.tar"
  run -0 skiff load -i "$BATS_TEST_TMPDIR/img.tar"
}

# 100k entries took about a minute with the quadratic merge; the ASan pass of run-all.sh uses
# fewer (SKIFF_TEST_ENV_ENTRIES): ASan's realloc always copies, so growing arrays (yajl's
# too) turn quadratic there, and its quarantine keeps every copy.
ENV_N=${SKIFF_TEST_ENV_ENTRIES:-100000}

@test "an image with 100k Env entries: run, create, inspect are linear (under 20 s each)" {
  python3 -c 'import json, sys
n = int(sys.argv[2])
env = ["V%d=%s" % (i, "first" if i == 0 else "x") for i in range(n)] + ["PATH=/bin"]
print(json.dumps({"format": "docker", "tag": "localhost/env100k:1", "config": {"Env": env},
                  "layers": [{"tar": sys.argv[1]}]}))' "$SKIFF_TEST_FIXTURE/rootfs.tar" "$ENV_N" |
    python3 "$MKARCHIVE" "$BATS_TEST_TMPDIR/env.tar"
  run -0 skiff load -i "$BATS_TEST_TMPDIR/env.tar"
  # the quadratic merge took about a minute for each of these; values are short because
  # execve refuses an environment beyond a quarter of the stack limit (2 MiB by default)
  # (env, not sh: busybox sh itself is quadratic in the size of its environment)
  SKIFF_TEST_TIMEOUT=20 skiff run --rm -e V7=user localhost/env100k:1 env > "$BATS_TEST_TMPDIR/out"
  run -0 grep -E "^(V0|V7|V$((ENV_N - 1))|PATH)=" "$BATS_TEST_TMPDIR/out"
  assert_equal "$output" "PATH=/bin
V7=user
V0=first
V$((ENV_N - 1))=x" "the user's V7 first, then the image's entries in order"
  assert_equal "$(grep -c '^V' "$BATS_TEST_TMPDIR/out")" "$ENV_N"
  SKIFF_TEST_TIMEOUT=20 run -0 skiff create --name env100k -e V5 localhost/env100k:1 true
  SKIFF_TEST_TIMEOUT=20 run -0 skiff inspect --format '{{len .Config.Env}}' env100k
  assert_equal "$output" "$((ENV_N + 1))" "PATH, HOSTNAME and the image's entries but V5"
  SKIFF_TEST_TIMEOUT=20 run -0 skiff image inspect --format '{{len .Config.Env}}' \
    localhost/env100k:1
  assert_equal "$output" "$((ENV_N + 1))"
  skiff rm env100k >/dev/null
  skiff rmi localhost/env100k:1 >/dev/null
}

@test "an image config with repeated keys reads as Go does: the last one wins, names fold case" {
  load_config_image localhost/dup:1 \
    '{"Cmd":["echo","first"],"Cmd":["echo","last"],"Env":["A=first"],"ENV":["A=last"],"Labels":{"l":"first","l":"last"},"ExposedPorts":{"80/tcp":{},"80/tcp":{}}}'
  run -0 skiff run --rm localhost/dup:1
  assert_equal "$output" "last" "Cmd"
  run -0 skiff run --rm localhost/dup:1 sh -c 'echo $A'
  assert_equal "$output" "last" "Env"
  run -0 skiff image inspect --format '{{json .Config.Labels}} {{json .Config.ExposedPorts}}' \
    localhost/dup:1
  assert_equal "$output" '{"l":"last"} {"80/tcp":{}}'
  skiff rmi localhost/dup:1 >/dev/null
}

@test "a string Entrypoint or Cmd is one argument (moby's StrSlice), not a shell command" {
  load_config_image localhost/strslice:1 '{"Entrypoint":"/bin/echo","Cmd":"two words"}'
  run -0 skiff image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' \
    localhost/strslice:1
  assert_equal "$output" '["/bin/echo"] ["two words"]'
  run -0 skiff run --rm localhost/strslice:1
  assert_equal "$output" "two words"
  skiff rmi localhost/strslice:1 >/dev/null
}

@test "--env-file: /dev/zero, an over-long line and a NUL byte are one-line errors, nothing created" {
  local before
  before=$(all_container_ids)
  SKIFF_TEST_TIMEOUT=10 run -125 --separate-stderr skiff run --rm --env-file /dev/zero "$IMG" true
  assert_equal "$stderr" "Error: invalid env file (/dev/zero): line 1 is longer than 65535 bytes"

  python3 -c 'print("A=" + "x" * 65533)' > "$BATS_TEST_TMPDIR/max.env" # 65535 bytes: fine
  python3 -c 'print("B=1"); print("A=" + "x" * 65534)' > "$BATS_TEST_TMPDIR/long.env"
  printf 'A=1\nB=x\0y\n' > "$BATS_TEST_TMPDIR/nul.env"
  run -0 skiff run --rm --env-file "$BATS_TEST_TMPDIR/max.env" "$IMG" sh -c 'echo ${#A}'
  assert_equal "$output" "65533"
  run -125 --separate-stderr skiff create --env-file "$BATS_TEST_TMPDIR/long.env" "$IMG" true
  assert_equal "$stderr" \
    "Error: invalid env file ($BATS_TEST_TMPDIR/long.env): line 2 is longer than 65535 bytes"
  run -125 --separate-stderr skiff create --env-file "$BATS_TEST_TMPDIR/nul.env" "$IMG" true
  assert_equal "$stderr" "Error: invalid env file ($BATS_TEST_TMPDIR/nul.env): NUL byte on line 2"
  assert_equal "$(all_container_ids)" "$before" "containers after the failed creates"
}

@test "-u with no user before ':' is refused (125), not run as root" {
  local before
  before=$(all_container_ids)
  run -125 --separate-stderr skiff run --rm -u : "$IMG" id -u
  assert_equal "$stderr" "Error: invalid argument \":\" for \"-u, --user\" flag: no user name or UID before ':' (see 'skiff run --help')"
  run -125 --separate-stderr skiff create -u :0 "$IMG" id -u
  assert_one_line_error "$stderr"
  assert_contains "$stderr" '":0"'
  assert_equal "$(all_container_ids)" "$before" "containers after the refused -u"
  run -0 skiff run -d --name userspec "$IMG" sleep 60
  run -125 --separate-stderr skiff exec -u : userspec id -u
  assert_equal "$stderr" "Error: invalid argument \":\" for \"-u, --user\" flag: no user name or UID before ':' (see 'skiff exec --help')"
  run -0 skiff run --rm -u 0:0 "$IMG" id -u
  assert_equal "$output" "0"
}

@test "a name longer than 255 characters: docker's 'Invalid container name' error, nothing created" {
  local before long max
  before=$(all_container_ids)
  long=$(printf 'n%.0s' {1..256})
  max=$(printf 'm%.0s' {1..255})
  run -125 --separate-stderr skiff create --name "$long" "$IMG" true
  assert_equal "$stderr" "Error: Invalid container name ($long), at most 255 characters are allowed"
  assert_equal "$(all_container_ids)" "$before" "containers after the refused name"
  run -0 skiff create --name "$max" "$IMG" true
  run -125 --separate-stderr skiff rename "$max" "$long"
  assert_equal "$stderr" "Error: Invalid container name ($long), at most 255 characters are allowed"
  run -0 skiff ps -a --format '{{.Names}}'
  assert_equal "$output" "$max"
}

@test "--format '{{index .Names 99999}}': Go's 'error calling index' at the whole command, exit 1" {
  run -0 skiff create --name idx "$IMG" true
  run -1 --separate-stderr skiff ps -a --format '{{index .Names 99999}}'
  assert_equal "$stderr" 'Error: template parsing error: template: :1:2: executing "" at <index .Names 99999>: error calling index: index out of range: 99999'
  assert_equal "$output" ""
  run -1 --separate-stderr skiff inspect --format '{{index .Config.Cmd 5 | printf "%s"}}' idx
  assert_equal "$stderr" 'Error: template parsing error: template: :1:2: executing "" at <index .Config.Cmd 5>: error calling index: index out of range: 5'
}
