'use strict';
// Handlers of the conformance suite (CommonJS). python/index.py has the same
// names with the same behaviour.
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let initialized = 0;

exports.echo = async (event) => event;

exports.context = async (event, context) => ({
  requestId: context.requestId,
  functionName: context.function.name,
  handler: context.function.handler,
  memory: context.function.memory,
  timeout: context.function.timeout,
  qualifier: context.service.qualifier,
  versionId: context.service.versionId,
  region: context.region,
  accountId: context.accountId,
});

// env answers the variables named in the event (a JSON array).
exports.env = async (event) => {
  const out = {};
  for (const name of JSON.parse(event)) out[name] = process.env[name] === undefined ? null : process.env[name];
  return out;
};

exports.fail = async () => {
  throw new Error('boom');
};

exports.sleep = async (event) => {
  await sleep(Number(String(event)) || 30000);
  return 'slept';
};

exports.crash = async () => {
  process.exit(3);
};

exports.logs = async (event, context) => {
  console.log('log line');
  console.warn('warn line');
  console.error('error line');
  context.logger.info('logger line');
  return 'logged';
};

// tagged logs two lines around a pause, so that concurrent calls interleave.
exports.tagged = async (event) => {
  const tag = String(event);
  console.log(`tag-${tag} one`);
  await sleep(300);
  console.log(`tag-${tag} two`);
  return tag;
};

// spawn leaves a child behind and a file in TMPDIR, for Stop to clean up.
exports.spawn = async () => {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  const file = path.join(process.env.TMPDIR, 'marker');
  fs.writeFileSync(file, 'x');
  return { pid: process.pid, child: child.pid, file };
};

exports.init = async () => {
  initialized++;
  console.log('initializer ran');
};

exports.initfail = async () => {
  throw new Error('init boom');
};

exports.initslow = async () => {
  await sleep(30000);
};

exports.initcount = async () => `initialized ${initialized}`;

exports.prestop = async () => {
  console.log('prestop ran');
};

// Node.js only.

exports.callback = (event, context, callback) => {
  setTimeout(() => callback(null, { ok: true }), 10);
};

exports.callbackError = (event, context, callback) => {
  callback(new Error('callback boom'));
};

exports.initCallback = (context, callback) => {
  initialized++;
  setTimeout(() => callback(null), 10);
};

exports.buffer = async () => Buffer.from([0, 1, 2, 255]);

exports.nothing = async () => undefined;

exports.number = async () => 42;

exports.throwLater = async () => {
  setTimeout(() => {
    throw new Error('late boom');
  }, 0);
  await sleep(30000);
};
