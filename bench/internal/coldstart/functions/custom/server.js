// The custom-runtime hello function of the cold-start benchmark: a bare
// Node.js HTTP server on FC_CUSTOM_LISTEN_PORT answering every request with
// the wall-clock time (µs) at which it was handled.
const http = require('http');
http.createServer((req, res) => {
  const calledUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
  req.resume();
  req.on('end', () => res.end(JSON.stringify({ calledUs })));
}).listen(Number(process.env.FC_CUSTOM_LISTEN_PORT) || 9000, '0.0.0.0');
