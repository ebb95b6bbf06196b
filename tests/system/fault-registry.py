#!/usr/bin/env python3
"""A registry that misbehaves on purpose, for 64-registry.bats: serves one two-layer image
(a gzip layer, then an uncompressed one of 512 KiB) under several repositories, each breaking
the second layer's blob in one way:

  good     as it should be
  corrupt  one byte of the blob flipped (same length): the registry lies about the digest
  size     the manifest's descriptor says 100 bytes fewer than the blob has
  err500   the blob GET answers 500
  reset    half the blob, then a TCP reset
  slow     the second layer's blob in 16 KiB pieces, 40 ms apart (about 1.3 s)
  bearer   as good, behind a Bearer token (the challenge's realm is /token here, which hands
           out a token for a pull scope of this repository only)

Its v1 search API (/v1/search?q=&n=) finds them as fault/NAME, described, with as many stars
as the name has letters, "good" official and "slow" automated.  Its catalog lists those
repositories, and each repository's tags list the tags 1 to 5, in
pages of two linked by Link headers (the pagination a client must follow).

Usage: fault-registry.py PORTFILE MARKER  (listens on 127.0.0.1, a free port written to PORTFILE)
"""
import gzip
import hashlib
import io
import json
import socket
import struct
import sys
import tarfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


def layer(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in files:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


marker = sys.argv[2].encode()
l1_tar = layer([("etc/fault-marker", marker + b"\n")])
l1 = gzip.compress(l1_tar, mtime=0)
l2 = layer([("data/big", (marker * 1024)[:512 * 1024].ljust(512 * 1024, b"x"))])
config = json.dumps({
    "architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/true"]},
    "rootfs": {"type": "layers", "diff_ids": [digest(l1_tar), digest(l2)]},
}).encode()
blobs = {digest(l1): l1, digest(l2): l2, digest(config): config}
L2 = digest(l2)


def manifest(repo):
    size = len(l2) - 100 if repo == "size" else len(l2)
    return json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": len(config), "digest": digest(config)},
        "layers": [
            {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
             "size": len(l1), "digest": digest(l1)},
            {"mediaType": "application/vnd.docker.image.rootfs.diff.tar",
             "size": size, "digest": L2}],
    }).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/json", link=None):
        self.send_response(code)
        if link:
            self.send_header("Link", link)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_page(self, path, key, items, q, extra):
        last = q.get("last", [""])[0]
        page = [i for i in items if i > last][:2]
        link = None
        if page and page[-1] != items[-1]:
            link = f'<{path}?last={page[-1]}&n=2>; rel="next"'
        return self.send(200, json.dumps({**extra, key: page}).encode(), link=link)

    def do_HEAD(self):
        self.do_GET()

    def bearer_refused(self, parts):
        """True (after a 401) when the bearer repository is asked without its token."""
        if self.headers.get("Authorization") == "Bearer tok-bearer-pull":
            return False
        port = self.server.server_address[1]
        self.send_response(401)
        self.send_header("WWW-Authenticate", f'Bearer realm="http://127.0.0.1:{port}/token",'
                         'service="fault",scope="repository:bearer:pull"')
        body = b'{"errors":[{"code":"UNAUTHORIZED","message":"token required"}]}'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return True

    def do_GET(self):
        parts = self.path.split("/")
        if self.path == "/v2/":
            return self.send(200, b"{}")
        if self.path.startswith("/token?"):
            q = parse_qs(self.path.split("?", 1)[1])
            if q.get("service") == ["fault"] and q.get("scope") == ["repository:bearer:pull"]:
                return self.send(200, b'{"token":"tok-bearer-pull","expires_in":300}')
            return self.send(403, b'{"errors":[{"code":"DENIED","message":"bad scope"}]}')
        if len(parts) > 2 and parts[2] == "bearer" and self.bearer_refused(parts):
            return
        # the lists in pages of two, each but the last with a Link to the next (distribution's
        # pagination: ?n=&last=)
        path, _, query = self.path.partition("?")
        if path == "/v1/search":  # the v1 search API: each repository, "good" the official one
            q = parse_qs(query)
            text, n = q.get("q", [""])[0], int(q.get("n", ["25"])[0])
            results = [{"name": f"fault/{r}", "description": f"the {r} image", "star_count": len(r),
                        "is_official": r == "good", "is_automated": r == "slow"}
                       for r in REPOS if text in r][:n]
            return self.send(200, json.dumps({"num_results": len(results), "query": text,
                                              "results": results}).encode())
        if path == "/v2/_catalog":
            return self.send_page(path, "repositories", REPOS, parse_qs(query), {})
        if len(parts) == 5 and parts[3] == "tags" and path.endswith("/tags/list"):
            return self.send_page(path, "tags", TAGS, parse_qs(query), {"name": parts[2]})
        if len(parts) == 5 and parts[3] == "manifests":
            return self.send(200, manifest(parts[2]),
                             "application/vnd.docker.distribution.manifest.v2+json")
        if len(parts) == 5 and parts[3] == "blobs" and parts[4] in blobs:
            repo, d = parts[2], parts[4]
            body = blobs[d]
            if d == L2 and repo == "err500":
                return self.send(500, b'{"errors":[{"code":"UNKNOWN","message":"injected failure"}]}')
            if d == L2 and repo == "corrupt":
                mid = len(body) // 2
                body = body[:mid] + bytes([body[mid] ^ 0x01]) + body[mid + 1:]
            if d == L2 and repo == "reset":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if d == L2 and repo == "slow":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(0, len(body), 16384):
                    self.wfile.write(body[i:i + 16384])
                    self.wfile.flush()
                    time.sleep(0.04)
                return
            return self.send(200, body, "application/octet-stream")
        self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"not here"}]}')


REPOS = sorted(["good", "corrupt", "size", "err500", "reset", "slow", "bearer"])
TAGS = ["1", "2", "3", "4", "5"]
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
