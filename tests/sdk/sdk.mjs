// What the SDK suites share: the official FC 3.0 Node client configured from
// the environment tests/sdk_test.go sets, and small helpers around it.
//   YUN_SDK_ENDPOINT  host:port of the server
//   YUN_SDK_AK, YUN_SDK_SECRET  an access key pair
//   YUN_SDK_FIXTURES  a directory of <function>.zip.b64 code packages
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import FC, * as $FC from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';

export { FC, $FC, $OpenApiUtil };

export const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: this test is run by tests/sdk_test.go`);
  return v;
};

export const client = new FC.default(new $OpenApiUtil.Config({
  accessKeyId: env('YUN_SDK_AK'), accessKeySecret: env('YUN_SDK_SECRET'),
  regionId: 'cn-yun', endpoint: env('YUN_SDK_ENDPOINT'), protocol: 'http',
}));

// zip returns a fixture code package, base64.
export const zip = (name) => readFileSync(join(env('YUN_SDK_FIXTURES'), `${name}.zip.b64`), 'utf8');

// Invocations may run longer than the SDK's 3 s default (fc3-api.md §1).
export const runtime = new $dara.RuntimeOptions({ readTimeout: 30000, connectTimeout: 30000 });

// body makes an invocation body from a string.
export const body = (payload) => Readable.from([Buffer.from(payload)]);

export async function invoke(name, payload, { tail = false } = {}) {
  const req = new $FC.InvokeFunctionRequest({ body: body(payload) });
  const headers = new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Sync', xFcLogType: tail ? 'Tail' : 'None' });
  const res = await client.invokeFunctionWithOptions(name, req, headers, runtime);
  const chunks = [];
  for await (const c of res.body) chunks.push(c);
  return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() };
}

export async function create(name, fields) {
  const input = new $FC.CreateFunctionInput({ functionName: name, ...fields });
  return (await client.createFunction(new $FC.CreateFunctionRequest({ body: input }))).body;
}

// rejects checks that promise fails with FC's error: status, Code and a
// request id in the SDK's message.
export async function rejects(promise, status, code) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.statusCode, status, `status of ${err.message}`);
    assert.equal(err.code, code, `code of ${err.message}`);
    assert.match(err.message, /request id: 1-/);
    return true;
  });
}
