#!/usr/bin/env bats
# image prune --filter: docker's and podman's keys (label, label!=, until, dangling).

load helpers

import_labelled () { # LABEL [NAME]: prints the new image's ID
  local out
  out=$(skiff import --change "LABEL $1" "$SKIFF_TEST_FIXTURE/rootfs.tar" ${2:+"$2"}) || return 1
  printf '%s\n' "${out#sha256:}"
}

@test "image prune --filter: label, label!=, until, dangling=false; other keys refused" {
  local keep drop other tagged
  keep=$(import_labelled keep=1)
  drop=$(import_labelled drop=1)
  run -0 skiff image prune -f --filter label=drop
  assert_contains "$output" "deleted: sha256:$drop"
  assert_not_contains "$output" "$keep"
  run -1 skiff image exists "$drop"
  run -0 skiff image exists "$keep"
  # label!=: the dangling images without the label
  other=$(import_labelled other=1)
  run -0 skiff image prune -f --filter 'label!=keep'
  assert_contains "$output" "deleted: sha256:$other"
  assert_not_contains "$output" "$keep"
  # until: only images created before it (none is an hour old)
  run -0 skiff image prune -f --filter until=1h
  assert_equal "$output" "Total reclaimed space: 0B"
  # dangling=false: unused tagged images go too (as -a), here only the labelled one
  tagged=$(import_labelled t=1 localhost/prune-t:1)
  run -0 skiff image prune -f --filter dangling=false --filter label=t
  assert_contains "$output" "untagged: localhost/prune-t:1"
  assert_contains "$output" "deleted: sha256:$tagged"
  run -0 skiff image exists "$IMG"
  # bad keys and values: one line, 125, nothing removed
  local bad
  for bad in reference=x dangling=maybe until=soon 'until!=1h' nokey; do
    run -125 --separate-stderr skiff image prune -f --filter "$bad"
    assert_one_line_error "$stderr"
  done
  run -125 --separate-stderr skiff image prune -f --filter reference=x
  assert_equal "$stderr" "Error: invalid filter 'reference'"
  run -0 skiff image exists "$keep"
  # until=0s: everything created before now
  run -0 skiff image prune -f --filter until=0s
  assert_contains "$output" "deleted: sha256:$keep"
}
