'use strict';
// probe reports what the instance can see and do, for the isolation cases
// (isolation.go). python/probe.py answers the same JSON.
// The event: {"targets": ["host:port", ...], "fillMB": n}.
const fs = require('fs');
const net = require('net');
const os = require('os');

const code = (fn) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e.code || String(e);
  }
};

// writeRemove writes a file and, where that works, removes it again.
function writeRemove(file) {
  fs.writeFileSync(file, 'x');
  fs.unlinkSync(file);
}

// fill writes 1 MiB blocks into /tmp until an error or capMB, then frees them.
function fill(capMB) {
  const block = Buffer.alloc(1 << 20, 120);
  const file = '/tmp/probe-fill';
  let written = 0;
  let result = 'ok';
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < capMB; i++) written += fs.writeSync(fd, block);
  } catch (e) {
    result = e.code || String(e);
  } finally {
    fs.closeSync(fd);
    fs.unlinkSync(file);
  }
  return { result, written };
}

function connect(target) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, timeout: 2000 });
    sock.on('connect', () => { sock.destroy(); resolve('connected'); });
    sock.on('timeout', () => { sock.destroy(); resolve('ETIMEDOUT'); });
    sock.on('error', (e) => resolve(e.code || String(e)));
  });
}

exports.handler = async (event) => {
  const req = JSON.parse(event);
  const connects = {};
  for (const t of req.targets || []) connects[t] = await connect(t);
  const filled = fill(req.fillMB || 0);
  return {
    uid: process.getuid(),
    hostname: os.hostname(),
    pids: fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number),
    shadow: code(() => fs.readFileSync('/etc/shadow')),
    codeWrite: code(() => writeRemove(__dirname + '/probe-written')),
    rootWrite: code(() => writeRemove('/usr/probe-written')),
    etcWrite: code(() => writeRemove('/etc/probe-written')),
    tmpWrite: code(() => writeRemove('/tmp/probe-written')),
    tmpFill: filled.result,
    tmpFilled: filled.written,
    interfaces: Object.keys(os.networkInterfaces()).sort(),
    connects,
  };
};
