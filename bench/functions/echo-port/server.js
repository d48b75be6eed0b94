'use strict';

// echo-port: the warm-path benchmark's function, a custom runtime. It
// answers POST /invoke with the port it listens on, so the benchmark can then
// call the same instance directly, and every other path (/initialize,
// /pre-stop) with an empty 200. The event is read and ignored.
const http = require('http');

const port = Number(process.env.FC_CUSTOM_LISTEN_PORT) || 9000;
const host = process.env.ECHO_PORT_HOST || '0.0.0.0';
const answer = String(port);

http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(req.url === '/invoke' ? answer : ''));
  })
  .listen(port, host);
