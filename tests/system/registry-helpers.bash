# Local registries for 64-registry*.bats: Debian's docker-registry on 127.0.0.1, started by
# setup_file with a temp config and storage, stopped by teardown_file.  Nothing leaves loopback.

free_port () {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits (bounded: a loaded CI machine is slow to start a Go binary) until URL answers at all
# (any HTTP status); on failure shows the server's log.
wait_http () { # URL LOG [CURL ARGS...]
  local url=$1 log=$2; shift 2
  local deadline=$((SECONDS + 30))
  until curl -s -o /dev/null "$@" "$url"; do
    [ $SECONDS -lt $deadline ] || { echo "no answer from $url:" >&2; cat "$log" >&2; return 1; }
    sleep 0.1
  done
}

# A plain-HTTP registry: exports $REG (127.0.0.1:PORT) and $REG_PID.
start_plain_registry () { # DIR
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $dir/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
  secret: skiff-test
EOF
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 </dev/null 3>&- &
  export REG_PID=$! REG=127.0.0.1:$port
  wait_http "http://$REG/v2/" "$dir/log"
}

# A TLS registry with htpasswd auth (user "skiff", password "s3cret"; bcrypt cost 4: cost 12
# costs ~0.5 s a request): exports $TLSREG, $TLSREG_PID and $TLSREG_CERTS (a cert dir with the
# self-signed certificate as ca.crt).
start_tls_registry () { # DIR
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$dir/data" "$dir/certs"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/certs/ca.crt" \
    >/dev/null 2>&1
  htpasswd -Bbn -C 4 skiff s3cret >"$dir/htpasswd"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $dir/data}
http:
  addr: 127.0.0.1:$port
  secret: skiff-test
  tls: {certificate: $dir/certs/ca.crt, key: $dir/key.pem}
auth:
  htpasswd: {realm: skiff-realm, path: $dir/htpasswd}
EOF
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 </dev/null 3>&- &
  export TLSREG_PID=$! TLSREG=127.0.0.1:$port TLSREG_CERTS=$dir/certs
  wait_http "https://$TLSREG/v2/" "$dir/log" --cacert "$dir/certs/ca.crt"
}

stop_pid () { # PID
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || return 0
  local deadline=$((SECONDS + 10))
  while kill -0 "$1" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# A three-layer image in the store (busybox base, then two small layers with a marker): REF.
make_multilayer_image () { # REF MARKER
  local dir=$BATS_FILE_TMPDIR/ml-$2
  mkdir -p "$dir"
  python3 "$BATS_TEST_DIRNAME/fixture/mkarchive.py" "$dir/ml.tar" <<EOF
{"format": "oci", "tag": "$1", "gzip": true,
 "config": {"Cmd": ["/bin/sh", "-c", "cat /etc/two /etc/three"]},
 "layers": [{"tar": "$SKIFF_TEST_FIXTURE/rootfs.tar"},
            [{"name": "etc/two", "data": "two $2\n"}],
            [{"name": "etc/three", "data": "three $2\n"}]]}
EOF
  skiff load -i "$dir/ml.tar" >/dev/null
}

image_id () { # REF
  skiff image inspect --format '{{.Id}}' "$1" | sed 's/^sha256://'
}

# The store's layer dirs and image records, for "the store is unchanged" checks.
store_listing () {
  (cd "$SKIFF_TEST_ROOT" && ls layers images | sort)
}
