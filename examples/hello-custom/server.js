'use strict';

// hello-custom: a custom runtime is your own HTTP server. Yun (like FC)
// sends each invocation as POST /invoke with the event as the body, and
// calls POST /initialize and GET /pre-stop when those hooks are configured.
const http = require('http');

function greet(event) {
  let name = 'world';
  try {
    name = JSON.parse(event).name || name;
  } catch {
    // not JSON, or no object: keep the default
  }
  return `Hello, ${name}!`;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/invoke') {
      console.log(`greeting for request ${req.headers['x-fc-request-id']}`);
      res.end(greet(Buffer.concat(chunks).toString()));
      return;
    }
    res.end(); // /initialize, /pre-stop: nothing to do
  });
});

// Listen on every interface, on the port the platform gives.
server.listen(Number(process.env.FC_CUSTOM_LISTEN_PORT) || 9000, '0.0.0.0');
