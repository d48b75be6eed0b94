"""Connects to every "host:port" of the event; each answers "connected" or
the error. Also lists the network interfaces."""

import errno
import json
import socket


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
    out = {t: _connect(t) for t in json.loads(event)}
    out["_interfaces"] = ",".join(sorted(n for _, n in socket.if_nameindex()))
    return out
