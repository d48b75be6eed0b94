"""probe reports what the instance can see and do, for the isolation cases
(isolation.go). node/probe.js answers the same JSON.
The event: {"targets": ["host:port", ...], "fillMB": n}."""

import errno
import json
import os
import socket


def _code(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def _write(path):
    """Writes a file and, where that works, removes it again."""
    with open(path, "w") as f:
        f.write("x")
    os.unlink(path)


def _read(path):
    with open(path, "rb") as f:
        f.read()


def _fill(cap_mb):
    """Writes 1 MiB blocks into /tmp until an error or cap_mb, then frees them."""
    block = b"x" * (1 << 20)
    path = "/tmp/probe-fill"
    written, result = 0, "ok"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for _ in range(cap_mb):
            written += os.write(fd, block)
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e))
    finally:
        os.close(fd)
        os.unlink(path)
    return result, written


def _connect(target):
    host, port = target.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
        return "connected"
    except socket.timeout:
        return "ETIMEDOUT"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def handler(event, context):
    req = json.loads(event)
    connects = {t: _connect(t) for t in req.get("targets") or []}
    fill, filled = _fill(req.get("fillMB") or 0)
    here = os.path.dirname(os.path.abspath(__file__))
    return {
        "uid": os.getuid(),
        "hostname": socket.gethostname(),
        "pids": [int(p) for p in os.listdir("/proc") if p.isdigit()],
        "shadow": _code(lambda: _read("/etc/shadow")),
        "codeWrite": _code(lambda: _write(os.path.join(here, "probe-written"))),
        "rootWrite": _code(lambda: _write("/usr/probe-written")),
        "etcWrite": _code(lambda: _write("/etc/probe-written")),
        "tmpWrite": _code(lambda: _write("/tmp/probe-written")),
        "tmpFill": fill,
        "tmpFilled": filled,
        "interfaces": sorted(name for _, name in socket.if_nameindex()),
        "connects": connects,
    }
