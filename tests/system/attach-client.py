#!/usr/bin/env python3
# A minimal client of a container monitor's attach socket (ATTACH.md), to test the monitor's
# side: attach-client.py SOCKET pipe|tty.  pipe: sends "hello\n" and STDIN_EOF; tty: sends a
# RESIZE (33x77) and "stty size; exit 5"; big: sends 300000 bytes and STDIN_EOF.  Prints
# repr(stdout) repr(stderr) exit-code.
import os, socket, struct, sys, time
path, mode = sys.argv[1], sys.argv[2]
d = os.open(os.path.dirname(path), os.O_PATH)
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect("/proc/self/fd/%d/%s" % (d, os.path.basename(path)))
if mode == "tty":
    s.send(b"\x03" + struct.pack("=HH", 33, 77))
    s.send(b"\x00" + b"stty size; exit 5\n")
elif mode == "big":
    for i in range(10):
        s.send(b"\x00" + b"x" * 30000)
    s.send(b"\x04")
else:
    s.send(b"\x00hello\n")
    s.send(b"\x04")
out = {1: b"", 2: b""}
code = None
s.settimeout(30)
while True:
    m = s.recv(40000)
    if not m:
        break
    if m[0] == 5:
        code = struct.unpack("=i", m[1:5])[0]
        break
    out.setdefault(m[0], b"")
    out[m[0]] += m[1:]
print(repr(out[1]), repr(out[2]), code)
