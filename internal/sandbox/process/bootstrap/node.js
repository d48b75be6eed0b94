'use strict';
// Yun's Node.js bootstrap. It serves the FC custom-runtime contract on
// 127.0.0.1:$FC_CUSTOM_LISTEN_PORT for the engine that started it:
//   POST /invoke      call the handler $FC_FUNCTION_HANDLER(event, context)
//   POST /initialize  call the initializer named by x-fc-function-initializer
//   GET  /pre-stop    call the hook named by x-fc-instance-lifecycle-pre-stop-handler
// A failed call answers 200 with x-fc-status: 404 and FC's error JSON.
// An uncaught exception or process.exit ends the process; the engine reports it.

const http = require('http');
const fs = require('fs');
const path = require('path');
const util = require('util');
const { AsyncLocalStorage } = require('async_hooks');

// A pre-warmed sandbox (YUN_PREWARM=1) boots before its function is known:
// it listens, primes its HTTP path with one request to itself, says 'R' on
// fd 0 (a socket to the engine), then blocks until the engine sends the
// function's environment and code directory and shuts its side. Once the
// handler is loaded it writes 'L' on fd 0.
const prewarmed = process.env.YUN_PREWARM === '1';

function receiveFunction() {
  fs.writeSync(0, 'R');
  const chunks = [];
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN' || e.code === 'EINTR') continue;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  const assignment = JSON.parse(Buffer.concat(chunks).toString());
  for (const k of Object.keys(process.env)) delete process.env[k];
  for (const kv of assignment.env) {
    const eq = kv.indexOf('=');
    process.env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  process.chdir(assignment.dir);
  require('module').Module._initPaths(); // NODE_PATH is read at start
}

const env = process.env;
let codeDir = env.FC_FUNC_CODE_PATH || process.cwd(); // set again by configure
const requests = new AsyncLocalStorage();

// Logging: every console line carries the time, the request id and a level,
// so that the engine can attribute it while several requests run.
function logLine(requestId, level, args) {
  const id = requestId ? requestId + ' ' : '';
  return `${new Date().toISOString()} ${id}[${level}] ${util.format(...args)}\n`;
}

function currentId() {
  const store = requests.getStore();
  return store && store.requestId;
}

function patchConsole() {
  const out = (level) => (...args) => process.stdout.write(logLine(currentId(), level, args));
  const err = (level) => (...args) => process.stderr.write(logLine(currentId(), level, args));
  console.log = out('INFO');
  console.info = out('INFO');
  console.debug = out('DEBUG');
  console.warn = err('WARN');
  console.error = err('ERROR');
}

class Logger {
  constructor(requestId) {
    this.requestId = requestId;
  }
  debug(...args) { process.stdout.write(logLine(this.requestId, 'DEBUG', args)); }
  info(...args) { process.stdout.write(logLine(this.requestId, 'INFO', args)); }
  log(...args) { process.stdout.write(logLine(this.requestId, 'INFO', args)); }
  warn(...args) { process.stderr.write(logLine(this.requestId, 'WARN', args)); }
  error(...args) { process.stderr.write(logLine(this.requestId, 'ERROR', args)); }
}

// Loading: a handler string is [dir/]file.method under the code dir. CommonJS
// is required; ESM (.mjs, or .js under "type": "module") is imported.
const modules = new Map();

function loadModule(file) {
  let mod = modules.get(file);
  if (!mod) {
    mod = importFile(file);
    modules.set(file, mod);
  }
  return mod;
}

async function importFile(file) {
  if (!file.endsWith('.mjs')) {
    try {
      return require(file);
    } catch (e) {
      if (e.code !== 'ERR_REQUIRE_ESM') throw e;
    }
  }
  const { pathToFileURL } = require('url');
  return import(pathToFileURL(file).href);
}

async function resolve(handler) {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new Error(`invalid handler "${handler}": want [dir/]file.method`);
  }
  const base = path.resolve(codeDir, handler.slice(0, dot));
  const method = handler.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) {
    const err = new Error(`Cannot find module '${handler.slice(0, dot)}' in ${codeDir}`);
    err.name = 'ImportModuleError';
    throw err;
  }
  const mod = await loadModule(file);
  const fn = mod[method] !== undefined ? mod[method] : mod.default && mod.default[method];
  if (typeof fn !== 'function') {
    const err = new Error(`${handler} is undefined or not exported`);
    err.name = 'HandlerNotFound';
    throw err;
  }
  return fn;
}

// The handler is loaded before listening so that the first request is fast;
// a load failure is remembered and answered to every request.
patchConsole();
let mainHandler; // set by configure

// call runs fn with args, in callback style when it declares one parameter
// more than args carries (function(event, context, callback)).
function call(fn, args) {
  return new Promise((resolveCall, rejectCall) => {
    if (fn.length <= args.length) {
      Promise.resolve().then(() => fn(...args)).then(resolveCall, rejectCall);
      return;
    }
    let done = false;
    const callback = (err, result) => {
      if (done) return;
      done = true;
      if (err !== undefined && err !== null) rejectCall(err);
      else resolveCall(result);
    };
    try {
      const ret = fn(...args, callback);
      if (ret && typeof ret.then === 'function') ret.then(undefined, callback);
    } catch (e) {
      callback(e);
    }
  });
}

let functionInfo; // set by configure

// configure reads the function from the environment and starts loading
// its handler.
function configure() {
  codeDir = env.FC_FUNC_CODE_PATH || process.cwd();
  functionInfo = {
    name: env.FC_FUNCTION_NAME || '',
    handler: env.FC_FUNCTION_HANDLER || '',
    memory: Number(env.FC_FUNCTION_MEMORY_SIZE) || 0,
    timeout: Number(env.FC_TIMEOUT) || 0,
  };
  mainHandler = env.FC_FUNCTION_HANDLER ? resolve(env.FC_FUNCTION_HANDLER) : Promise.reject(new Error('FC_FUNCTION_HANDLER is not set'));
  mainHandler.catch(() => {});
}

function context(h, requestId) {
  const credentials = {};
  if (h['x-fc-access-key-id']) {
    credentials.accessKeyId = h['x-fc-access-key-id'];
    credentials.accessKeySecret = h['x-fc-access-key-secret'] || '';
    credentials.securityToken = h['x-fc-security-token'] || '';
  }
  return {
    callbackWaitsForEmptyEventLoop: false,
    requestId,
    credentials,
    function: functionInfo,
    service: {
      name: h['x-fc-service-name'] || '',
      logProject: h['x-fc-service-logproject'] || '',
      logStore: h['x-fc-service-logstore'] || '',
      qualifier: h['x-fc-qualifier'] || '',
      versionId: h['x-fc-version-id'] || '',
    },
    region: h['x-fc-region'] || env.FC_REGION || '',
    accountId: h['x-fc-account-id'] || env.FC_ACCOUNT_ID || '',
    retryCount: Number(h['x-fc-retry-count']) || 0,
    tracing: { openTracingSpanContext: '', openTracingSpanBaggages: {}, jaegerEndpoint: '' },
    logger: new Logger(requestId),
  };
}

function toBody(result) {
  if (result === undefined || result === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(result)) return result;
  if (typeof result === 'string') return Buffer.from(result);
  if (result instanceof Uint8Array) return Buffer.from(result.buffer, result.byteOffset, result.byteLength);
  if (typeof result === 'object') return Buffer.from(JSON.stringify(result));
  return Buffer.from(String(result));
}

function errorBody(err) {
  if (err instanceof Error) {
    const stackTrace = String(err.stack || '').split('\n').slice(1).map((s) => s.trim())
      .filter((s) => s && !s.includes(__filename) && !s.includes('node:internal'));
    return JSON.stringify({ errorMessage: err.message, errorType: err.name, stackTrace });
  }
  const message = typeof err === 'object' ? JSON.stringify(err) : String(err);
  return JSON.stringify({ errorMessage: message, errorType: typeof err, stackTrace: [] });
}

function reply(res, body, failed) {
  const headers = { 'content-length': body.length };
  if (failed) headers['x-fc-status'] = '404';
  res.writeHead(200, headers);
  res.end(body);
}

async function run(requestId, getFn, args) {
  try {
    const fn = await getFn();
    return { body: toBody(await call(fn, args)), failed: false };
  } catch (err) {
    process.stderr.write(logLine(requestId, 'ERROR', [err]));
    return { body: Buffer.from(errorBody(err)), failed: true };
  }
}

function route(req, event) {
  const h = req.headers;
  const requestId = h['x-fc-request-id'] || '';
  const ctx = context(h, requestId);
  switch (req.url) {
    case '/invoke':
      return run(requestId, () => mainHandler, [event, ctx]);
    case '/initialize':
      return run(requestId, () => resolve(h['x-fc-function-initializer'] || env.FC_INITIALIZER_HANDLER || ''), [ctx]);
    case '/pre-stop':
      return run(requestId, () => resolve(h['x-fc-instance-lifecycle-pre-stop-handler'] || ''), [ctx]);
    default:
      return Promise.resolve(null);
  }
}

function serve(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const event = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const requestId = req.headers['x-fc-request-id'] || '';
    requests.run({ requestId }, () => {
      route(req, event).then((out) => {
        if (out === null) {
          res.writeHead(404, { 'content-length': 0 });
          res.end();
          return;
        }
        reply(res, out.body, out.failed);
      });
    });
  });
}

// prime sends one invocation of a no-op handler to this server and waits
// for the answer, so that the invoke path is loaded and compiled before the
// function is known.
async function prime(port) {
  mainHandler = Promise.resolve(() => 'primed');
  await primeRequest(port);
  mainHandler = undefined;
}

function primeRequest(port) {
  return new Promise((done) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/invoke', agent: false,
      headers: { 'x-fc-request-id': 'prime', 'content-type': 'application/octet-stream' } }, (res) => {
      res.resume();
      res.on('end', done);
    });
    req.on('error', done);
    req.end('{}');
  });
}

async function main() {
  const port = Number(env.FC_CUSTOM_LISTEN_PORT) || 9000;
  const server = http.createServer(serve);
  // The engine keeps connections alive and bounds each request itself.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  if (!prewarmed) {
    configure();
    await mainHandler.catch(() => {});
    server.listen(port, '127.0.0.1');
    return;
  }
  await new Promise((listening) => server.listen(port, '127.0.0.1', listening));
  await prime(port);
  receiveFunction(); // blocks until the claim; nothing else runs meanwhile
  configure();
  await mainHandler.catch(() => {});
  fs.writeSync(0, 'L');
}

main();
