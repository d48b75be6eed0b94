"""A function with internetAccess that tries to reach what it must not.

Event {"serve": PORT}: listen on 0.0.0.0:PORT in a background thread (the
instance stays alive between calls) and answer the instance's address.
Event {"targets": ["host:port", ...], "gatewayPorts": [port, ...]}: connect
to every target (side by side) and to the instance's gateway (the host's end of its link)
on every port; each answers "connected" or the error. Every answer also
has the instance's interfaces, address, gateway and /etc/resolv.conf."""

import concurrent.futures
import errno
import json
import socket
import struct
import threading

_server = None


def _connect(target):
    host, port = target.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
        return "connected"
    except socket.timeout:
        return "ETIMEDOUT"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def _gateway():
    with open("/proc/net/route") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == "00000000":
                return socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
    return ""


def _address():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("198.51.100.1", 9))  # picks the source address; sends nothing
        return s.getsockname()[0]
    except OSError:
        return ""
    finally:
        s.close()


def _serve(port):
    global _server
    if _server is None:
        _server = socket.create_server(("0.0.0.0", port))

        def accept():
            while True:
                conn, _ = _server.accept()
                conn.close()

        threading.Thread(target=accept, daemon=True).start()


def handler(event, context):
    req = json.loads(event)
    if "serve" in req:
        _serve(req["serve"])
    gateway = _gateway()
    tries = {t: t for t in req.get("targets", [])}
    for port in req.get("gatewayPorts", []):
        tries["gateway:%d" % port] = "%s:%d" % (gateway, port)
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = pool.map(_connect, tries.values())  # a drop costs the whole connect timeout
    out = dict(zip(tries.keys(), results))
    out["_interfaces"] = ",".join(sorted(n for _, n in socket.if_nameindex()))
    out["_address"] = _address()
    out["_gateway"] = gateway
    try:
        with open("/etc/resolv.conf") as f:
            out["_resolv"] = f.read()
    except OSError as e:
        out["_resolv"] = errno.errorcode.get(e.errno, str(e))
    return out
