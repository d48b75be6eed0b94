"""Yun's Python bootstrap.

It serves the FC custom-runtime contract on 127.0.0.1:$FC_CUSTOM_LISTEN_PORT
for the engine that started it:
  POST /invoke      call the handler $FC_FUNCTION_HANDLER(event, context)
  POST /initialize  call the initializer named by x-fc-function-initializer
  GET  /pre-stop    call the hook named by x-fc-instance-lifecycle-pre-stop-handler
A failed call answers 200 with x-fc-status: 404 and FC's error JSON.

Start time matters, so it imports only what it needs: http.server pulls in
email, ssl and more (about 50 ms on a small machine), while its only client is
the engine, which sends plain HTTP/1.1 with Content-Length. One thread per
connection; the engine keeps connections alive and sends one request at a
time on each.
"""

import importlib
import logging
import os
import socket
import sys
import threading
import time
from types import SimpleNamespace


# A pre-warmed sandbox (YUN_PREWARM=1) boots before its function is known:
# it listens, says "R" on fd 0 (a socket to the engine), then blocks until
# the engine sends the function's environment and code directory and shuts
# its side. Once the handler is loaded it writes "L" on fd 0.
_prewarmed = os.environ.get("YUN_PREWARM") == "1"


def _receive_function():
    import json

    os.write(0, b"R")
    chunks = []
    while True:
        b = os.read(0, 65536)
        if not b:
            break
        chunks.append(b)
    assignment = json.loads(b"".join(chunks))
    os.environ.clear()
    os.environ.update(kv.split("=", 1) for kv in assignment["env"])
    os.chdir(assignment["dir"])
    time.tzset()
    # PYTHONPATH is read at start: put its entries where it would have.
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[1:1] = extra


_local = threading.local()
_env = os.environ
_code_dir = _env.get("FC_FUNC_CODE_PATH") or os.getcwd()
_max_header = 65536


# Logging: every record carries the time, the request id and the level, so
# that the engine can attribute it while several requests run.
def _stamp(created):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + ".%03dZ" % (created % 1 * 1000)


def _prefix():
    request_id = getattr(_local, "request_id", "")
    return request_id + " " if request_id else ""


class _Formatter(logging.Formatter):
    def format(self, record):
        record.request_id = _prefix()
        return super().format(record)

    def formatTime(self, record, datefmt=None):
        return _stamp(record.created)


def _setup_logging():
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter("%(asctime)s %(request_id)s[%(levelname)s] %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def _log_error(err):
    import traceback

    text = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    sys.stderr.write("%s %s[ERROR] %s" % (_stamp(time.time()), _prefix(), text))


# Loading: a handler string is [dir/]file.method under the code dir.
def _resolve(handler):
    module_path, _, name = handler.rpartition(".")
    if not module_path or not name:
        raise ValueError('invalid handler "%s": want [dir/]file.method' % handler)
    directory, _, module_name = module_path.rpartition("/")
    if directory:
        full = os.path.join(_code_dir, directory)
        if full not in sys.path:
            sys.path.insert(0, full)
    module = importlib.import_module(module_name)
    fn = getattr(module, name, None)
    if not callable(fn):
        raise AttributeError("%s is undefined or not callable" % handler)
    return fn


class _Loaded:
    """The main handler, loaded before listening; a failure is remembered."""

    def __init__(self, handler):
        self.fn, self.err = None, None
        try:
            self.fn = _resolve(handler)
        except BaseException as e:  # the user's module may raise anything
            self.err = e

    def get(self):
        if self.err is not None:
            raise self.err
        return self.fn


def _function_info():
    return SimpleNamespace(
        name=_env.get("FC_FUNCTION_NAME", ""),
        handler=_env.get("FC_FUNCTION_HANDLER", ""),
        memory=int(_env.get("FC_FUNCTION_MEMORY_SIZE") or 0),
        timeout=int(float(_env.get("FC_TIMEOUT") or 0)),
    )


_static_function = _function_info()  # set again for a pre-warmed runtime


def _context(h, request_id):
    return SimpleNamespace(
        request_id=request_id,
        credentials=SimpleNamespace(
            access_key_id=h.get("x-fc-access-key-id", ""),
            access_key_secret=h.get("x-fc-access-key-secret", ""),
            security_token=h.get("x-fc-security-token", ""),
        ),
        function=_static_function,
        service=SimpleNamespace(
            name=h.get("x-fc-service-name", ""),
            log_project=h.get("x-fc-service-logproject", ""),
            log_store=h.get("x-fc-service-logstore", ""),
            qualifier=h.get("x-fc-qualifier", ""),
            version_id=h.get("x-fc-version-id", ""),
        ),
        region=h.get("x-fc-region") or _env.get("FC_REGION", ""),
        account_id=h.get("x-fc-account-id") or _env.get("FC_ACCOUNT_ID", ""),
        retry_count=int(h.get("x-fc-retry-count") or 0),
        tracing=SimpleNamespace(span_context="", jaeger_endpoint="", span_baggages={}),
    )


def _to_body(result):
    if result is None:
        return b""
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result)
    if isinstance(result, str):
        return result.encode()
    if isinstance(result, (dict, list)):
        import json

        return json.dumps(result).encode()
    return str(result).encode()


def _error_body(err):
    import json
    import traceback

    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename != __file__]
    trace = [[f.filename, f.lineno, f.name, f.line] for f in frames]
    return json.dumps({"errorMessage": str(err), "errorType": type(err).__name__, "stackTrace": trace}).encode()


def _call(get_fn, args):
    try:
        return _to_body(get_fn()(*args)), False
    except SystemExit as e:  # like process.exit in Node: the instance ends
        os._exit(e.code if isinstance(e.code, int) else 1)
    except Exception as e:
        _log_error(e)
        return _error_body(e), True


def _route(main, method, target, h, body):
    request_id = h.get("x-fc-request-id", "")
    _local.request_id = request_id
    ctx = _context(h, request_id)
    try:
        if target == "/invoke":
            return _call(main.get, (body, ctx))
        if target == "/initialize":
            name = h.get("x-fc-function-initializer") or _env.get("FC_INITIALIZER_HANDLER", "")
            return _call(lambda: _resolve(name), (ctx,))
        if target == "/pre-stop":
            name = h.get("x-fc-instance-lifecycle-pre-stop-handler", "")
            return _call(lambda: _resolve(name), (ctx,))
        return None, False
    finally:
        _local.request_id = ""


def _read_request(rfile):
    """Returns (method, target, headers, body), or None at end of stream."""
    line = rfile.readline(_max_header)
    if not line or not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers = {}
    while True:
        raw = rfile.readline(_max_header)
        if raw in (b"\r\n", b"\n", b""):
            break
        key, _, value = raw.decode("latin-1").partition(":")
        key, value = key.strip().lower(), value.strip()
        headers[key] = headers[key] + ", " + value if key in headers else value
    length = int(headers.get("content-length") or 0)
    return method, target, headers, rfile.read(length) if length else b""


def _serve_conn(main, conn):
    rfile = conn.makefile("rb")
    try:
        while True:
            request = _read_request(rfile)
            if request is None:
                return
            body, failed = _route(main, *request)
            if body is None:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                continue
            status = b"x-fc-status: 404\r\n" if failed else b""
            head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n" % (len(body), status)
            conn.sendall(head + body)
    except (OSError, ValueError):
        return
    finally:
        rfile.close()
        conn.close()


def main():
    global _code_dir, _static_function
    sys.stdout.reconfigure(line_buffering=True)
    _setup_logging()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    port = int(_env.get("FC_CUSTOM_LISTEN_PORT") or 9000)
    if _prewarmed:  # listen early; the engine connects only after "L"
        server.bind(("127.0.0.1", port))
        server.listen(128)
        _receive_function()
        _code_dir = _env.get("FC_FUNC_CODE_PATH") or os.getcwd()
        _static_function = _function_info()
    sys.path[0] = _code_dir  # not the bootstrap's own directory
    loaded = _Loaded(_env.get("FC_FUNCTION_HANDLER", ""))
    if _prewarmed:
        os.write(0, b"L")
    else:
        server.bind(("127.0.0.1", port))
        server.listen(128)
    while True:
        conn, _ = server.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_serve_conn, args=(loaded, conn), daemon=True).start()


if __name__ == "__main__":
    main()
