'use strict';

// http-stream-custom: a custom runtime for the HTTP passthrough tests
// (tests/stream_test.go). It answers the request it is given:
//
//   /echo...        JSON of the method, the request target and the headers
//   /binary         the request body as it came, application/octet-stream
//   /stream         "first\n" at once, "last\n" only after GET /release
//   /release        lets the pending /stream answers finish
//   /upload         the whole body once it ended; GET /seen meanwhile says
//                   what has arrived so far
//
// Every answer carries X-Instance: the x-fc-instance-id Yun sent.
const http = require('http');

let released = false;
let waiting = [];
let seen = '';

http
  .createServer((req, res) => {
    res.setHeader('X-Instance', String(req.headers['x-fc-instance-id'] || ''));
    const path = req.url.split('?')[0];
    if (path === '/upload') {
      seen = '';
      req.on('data', (c) => { seen += c.toString('latin1'); });
      req.on('end', () => res.end('got:' + seen));
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (path === '/binary') {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(body);
      } else if (path === '/stream') {
        res.setHeader('Content-Type', 'text/plain');
        res.write('first\n');
        const finish = () => res.end('last\n');
        if (released) finish(); else waiting.push(finish);
      } else if (path === '/release') {
        released = true;
        waiting.forEach((f) => f());
        waiting = [];
        res.end('released');
      } else if (path === '/seen') {
        res.end(seen);
      } else {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bodyLength: body.length }));
      }
    });
  })
  .listen(Number(process.env.FC_CUSTOM_LISTEN_PORT) || 9000, '0.0.0.0');
