"""A custom runtime for the conformance suite: an HTTP server on
FC_CUSTOM_LISTEN_PORT (default 9000) speaking the FC custom-runtime contract.

POST /invoke answers by body: "headers" → the request headers as JSON;
"fail" → 404; "xfail" → 200 with x-fc-status: 404; "inited" → whether
/initialize was called; "crash" → exits; anything else is echoed.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

state = {"inited": False}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/initialize":
            if os.environ.get("INIT_FAIL"):
                return self.reply(500, b"init broke")
            state["inited"] = True
            return self.reply(200, b"")
        print("custom got " + self.headers.get("x-fc-request-id", ""), flush=True)
        if body == b"headers":
            headers = {k.lower(): v for k, v in self.headers.items()}
            return self.reply(200, json.dumps(headers).encode())
        if body == b"fail":
            return self.reply(404, b"failed")
        if body == b"xfail":
            return self.reply(200, b"failed", [("x-fc-status", "404")])
        if body == b"inited":
            return self.reply(200, json.dumps(state["inited"]).encode())
        if body == b"crash":
            os._exit(3)
        return self.reply(200, body, [("X-Custom-Reply", "yes")])

    def do_GET(self):
        if self.path == "/pre-stop":
            print("custom prestop ran", flush=True)
        self.reply(200, b"")


port = int(os.environ.get("FC_CUSTOM_LISTEN_PORT") or 9000)
print("custom runtime listening on %d" % port, file=sys.stderr, flush=True)
ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
