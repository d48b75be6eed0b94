// The official FC 3.0 Node SDK, unchanged, against Yun: layers, concurrency
// and provision configs, invocation restriction and instances. Run by
// tests/sdk_test.go (see sdk.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from './sdk.mjs';
import { $FC, client, zip, runtime, body, rejects } from './sdk.mjs';

const prefix = `sdkr-${process.pid}-`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const invoke = (name) => sdk.invoke(name, '{}');

// create makes a Node.js function from hello-node unless fields say else.
const create = (name, fields) => sdk.create(name, { runtime: 'nodejs20', handler: 'index.handler',
  code: new $FC.InputCodeLocation({ zipFile: zip('hello-node') }), ...fields });

test('layers: create, get, by ARN, list with pagination, ACL, use from a function, delete', async () => {
  const name = `${prefix}greet`;
  const input = (runtimes) => new $FC.CreateLayerVersionRequest({ body: new $FC.CreateLayerVersionInput({
    code: new $FC.InputCodeLocation({ zipFile: zip('layer-greet') }), compatibleRuntime: runtimes, description: 'greetings' }) });
  const v1 = (await client.createLayerVersion(name, input(['nodejs20']))).body;
  const v2 = (await client.createLayerVersion(name, input(['nodejs20', 'python3.10']))).body;
  assert.equal(v1.version, 1);
  assert.equal(v2.version, 2);
  assert.equal(v2.layerName, name);
  assert.match(v2.layerVersionArn, new RegExp(`^acs:fc:cn-yun:\\d+:layers/${name}/versions/2$`));
  assert.match(v2.codeChecksum, /^\d+$/);
  assert.ok(v2.codeSize > 0);
  assert.deepEqual(v2.compatibleRuntime, ['nodejs20', 'python3.10']);

  const got = (await client.getLayerVersion(name, '1')).body;
  assert.equal(got.layerVersionArn, v1.layerVersionArn);
  assert.equal(got.description, 'greetings');
  assert.ok(got.code.location, 'a layer version tells where to download its code');
  const byArn = (await client.getLayerVersionByArn(v2.layerVersionArn)).body;
  assert.equal(byArn.version, 2);

  const page1 = (await client.listLayerVersions(name, new $FC.ListLayerVersionsRequest({ limit: 1 }))).body;
  assert.deepEqual(page1.layers.map((l) => l.version), [1]);
  assert.equal(page1.nextVersion, 2);
  const page2 = (await client.listLayerVersions(name, new $FC.ListLayerVersionsRequest({ limit: 1, startVersion: String(page1.nextVersion) }))).body;
  assert.deepEqual(page2.layers.map((l) => l.version), [2]);
  assert.ok(!page2.nextVersion, 'the last page has no nextVersion');

  const listed = (await client.listLayers(new $FC.ListLayersRequest({ prefix }))).body;
  assert.deepEqual(listed.layers.map((l) => [l.layerName, l.version]), [[name, 2]], 'ListLayers shows each layer at its newest version');
  await client.putLayerACL(name, new $FC.PutLayerACLRequest({ public: 'true' }));
  const pub = (await client.listLayers(new $FC.ListLayersRequest({ prefix, public: 'true' }))).body;
  assert.deepEqual(pub.layers.map((l) => l.layerName), [name]);

  const fn = `${prefix}layered`;
  const f = await create(fn, { code: new $FC.InputCodeLocation({ zipFile: zip('node-layer') }), layers: [v2.layerVersionArn], timeout: 30 });
  assert.deepEqual(f.layers.map((l) => l.arn), [v2.layerVersionArn]);
  const res = await invoke(fn);
  assert.equal(res.body, 'Greetings, node, from a layer!', 'the function requires a module from the layer under /opt');

  await rejects(create(`${prefix}bad-layer`, { runtime: 'python3.10', handler: 'index.handler',
    code: new $FC.InputCodeLocation({ zipFile: zip('hello-python') }), layers: [v1.layerVersionArn] }), 400, 'InvalidArgument');
  await rejects(client.getLayerVersion(name, '9'), 404, 'LayerNotFound');
  await client.deleteLayerVersion(name, '1');
  await rejects(client.getLayerVersion(name, '1'), 404, 'LayerNotFound');
  await client.deleteFunction(fn);
  await client.deleteLayerVersion(name, '2');
});

test('concurrency configs: put, get, list with pagination, the cap refuses the excess, delete', async () => {
  const names = [1, 2].map((i) => `${prefix}conc-${i}`);
  for (const n of names) await create(n, { code: new $FC.InputCodeLocation({ zipFile: zip('node-slow') }), timeout: 30 });
  for (const n of names) {
    const c = (await client.putConcurrencyConfig(n, new $FC.PutConcurrencyConfigRequest({
      body: new $FC.PutConcurrencyInput({ reservedConcurrency: 1 }) }))).body;
    assert.equal(c.reservedConcurrency, 1);
    assert.match(c.functionArn, new RegExp(`functions/${n}$`));
  }
  const got = (await client.getConcurrencyConfig(names[0])).body;
  assert.equal(got.reservedConcurrency, 1);
  const one = (await client.listConcurrencyConfigs(new $FC.ListConcurrencyConfigsRequest({ functionName: names[1] }))).body;
  assert.deepEqual(one.configs.map((c) => [c.functionArn.split('/').pop(), c.reservedConcurrency]), [[names[1], 1]], 'functionName selects one function');
  const seen = [];
  let token;
  for (let page = 0; page < 50; page++) {
    const out = (await client.listConcurrencyConfigs(new $FC.ListConcurrencyConfigsRequest({ limit: 1, nextToken: token }))).body;
    assert.ok(out.configs.length <= 1, 'a page holds at most limit configs');
    seen.push(...out.configs.map((c) => c.functionArn.split('/').pop()));
    token = out.nextToken;
    if (!token) break;
  }
  assert.ok(!token, 'paging ends');
  assert.deepEqual(seen.filter((n) => n.startsWith(`${prefix}conc-`)), names, 'pages of one cover every config once, in order');

  // One instance of concurrency 1: a second request in flight is throttled.
  const slow = client.invokeFunctionWithOptions(names[0], new $FC.InvokeFunctionRequest({ body: body('1500') }),
    new $FC.InvokeFunctionHeaders({}), runtime);
  await sleep(700);
  await rejects(invoke(names[0]), 429, 'Throttling.ReservedConcurrency');
  assert.equal((await slow).statusCode, 200);

  await rejects(client.putConcurrencyConfig(names[0], new $FC.PutConcurrencyConfigRequest({
    body: new $FC.PutConcurrencyInput({ reservedConcurrency: -1 }) })), 400, 'InvalidArgument');
  for (const n of names) await client.deleteConcurrencyConfig(n);
  await rejects(client.getConcurrencyConfig(names[0]), 404, 'ConcurrencyConfigNotFound');
  for (const n of names) await client.deleteFunction(n);
});

test('provision configs: put, reach the target, list, instances, delete', async () => {
  const fn = `${prefix}prov`;
  await create(fn, {});
  const put = (await client.putProvisionConfig(fn, new $FC.PutProvisionConfigRequest({ qualifier: 'LATEST',
    body: new $FC.PutProvisionConfigInput({ target: 1 }) }))).body;
  assert.equal(put.target, 1);
  let cfg;
  for (let i = 0; i < 100; i++) {
    cfg = (await client.getProvisionConfig(fn, new $FC.GetProvisionConfigRequest({ qualifier: 'LATEST' }))).body;
    if (cfg.current === 1) break;
    await sleep(200);
  }
  assert.equal(cfg.current, 1, `the provisioned instance became ready (currentError: ${cfg.currentError})`);
  const list = (await client.listProvisionConfigs(new $FC.ListProvisionConfigsRequest({ functionName: fn }))).body;
  assert.deepEqual(list.provisionConfigs.map((c) => [c.functionArn.split(':').pop(), c.target]), [[`functions/${fn}/LATEST`, 1]]);

  const inst = (await client.listInstances(fn, new $FC.ListInstancesRequest({}))).body;
  assert.equal(inst.instances.length, 1);
  assert.equal(inst.instances[0].resourceType, 'provisioned');
  assert.equal(inst.instances[0].status, 'Idle');
  const res = await invoke(fn);
  assert.equal(res.status, 200);
  const after = (await client.listInstances(fn, new $FC.ListInstancesRequest({}))).body;
  assert.deepEqual(after.instances.map((i) => i.instanceId), [inst.instances[0].instanceId], 'the provisioned instance served the call: no other was started');

  await rejects(client.putProvisionConfig(fn, new $FC.PutProvisionConfigRequest({ qualifier: 'LATEST',
    body: new $FC.PutProvisionConfigInput({ target: -2 }) })), 400, 'InvalidArgument');
  await client.deleteProvisionConfig(fn, new $FC.DeleteProvisionConfigRequest({ qualifier: 'LATEST' }));
  await rejects(client.getProvisionConfig(fn, new $FC.GetProvisionConfigRequest({ qualifier: 'LATEST' })), 404, 'ProvisionConfigNotFound');
  await client.deleteFunction(fn);
});

test('disable and enable function invocation', async () => {
  const fn = `${prefix}restrict`;
  await create(fn, {});
  assert.equal((await invoke(fn)).status, 200);
  await client.disableFunctionInvocation(fn, new $FC.DisableFunctionInvocationRequest({ reason: 'maintenance' }));
  const f = (await client.getFunction(fn, new $FC.GetFunctionRequest({}))).body;
  assert.equal(f.invocationRestriction?.disable, true);
  assert.equal(f.invocationRestriction?.reason, 'maintenance');
  await rejects(invoke(fn), 403, 'FunctionInvocationDisabled');
  await client.enableFunctionInvocation(fn);
  assert.equal((await invoke(fn)).status, 200);
  await rejects(client.disableFunctionInvocation(`${prefix}nope`, new $FC.DisableFunctionInvocationRequest({})), 404, 'FunctionNotFound');
  await client.deleteFunction(fn);
});
