// End-to-end test of Yun with the official FC 3.0 Node SDK, unchanged.
// Run by tests/sdk_test.go against a real `yun server` (see sdk.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FC, $FC, $OpenApiUtil, env, client, zip, runtime, body, invoke, create, rejects } from './sdk.mjs';

const prefix = `sdk-${process.pid}-`;

test('function lifecycle: create, get, list with pagination, update, code, delete', async () => {
  const names = [1, 2, 3].map((i) => `${prefix}life-${i}`);
  for (const n of names) {
    const f = await create(n, { runtime: 'nodejs20', handler: 'index.handler', memorySize: 256,
      code: new $FC.InputCodeLocation({ zipFile: zip('hello-node') }), tags: [new $FC.Tag({ key: 'team', value: 'yun' })] });
    assert.equal(f.functionName, n);
    assert.equal(f.state, 'Active');
    assert.equal(f.lastUpdateStatus, 'Successful');
    assert.match(f.functionArn, new RegExp(`^acs:fc:cn-yun:\\d+:functions/${n}$`));
    assert.match(f.codeChecksum, /^\d+$/);
    assert.equal(f.cpu, 0.15, 'cpu follows memory at 1 vCPU per 2 GB, in steps of 0.05');
  }
  const got = (await client.getFunction(names[0], new $FC.GetFunctionRequest({}))).body;
  assert.equal(got.memorySize, 256);
  assert.deepEqual(got.tags.map((t) => [t.key, t.value]), [['team', 'yun']]);

  const page1 = (await client.listFunctions(new $FC.ListFunctionsRequest({ prefix: `${prefix}life-`, limit: 2 }))).body;
  assert.deepEqual(page1.functions.map((f) => f.functionName), names.slice(0, 2));
  assert.ok(page1.nextToken, 'a first page of 2 out of 3 has a nextToken');
  const page2 = (await client.listFunctions(new $FC.ListFunctionsRequest({ prefix: `${prefix}life-`, limit: 2, nextToken: page1.nextToken }))).body;
  assert.deepEqual(page2.functions.map((f) => f.functionName), names.slice(2));
  assert.ok(!page2.nextToken, 'the last page has no nextToken');

  const upd = (await client.updateFunction(names[0], new $FC.UpdateFunctionRequest({
    body: new $FC.UpdateFunctionInput({ description: 'updated', timeout: 10 }) }))).body;
  assert.equal(upd.description, 'updated');
  assert.equal(upd.timeout, 10);
  assert.equal(upd.memorySize, 256, 'a partial update keeps the other fields');

  const code = (await client.getFunctionCode(names[0], new $FC.GetFunctionCodeRequest({}))).body;
  assert.equal(code.checksum, got.codeChecksum);
  const dl = await fetch(code.url);
  assert.equal(dl.status, 200);
  assert.equal(Buffer.from(await dl.arrayBuffer()).toString('base64'), zip('hello-node').trim());

  for (const n of names) await client.deleteFunction(n);
  await rejects(client.getFunction(names[0], new $FC.GetFunctionRequest({})), 404, 'FunctionNotFound');
});

test('invoke Node.js, Python and custom runtimes with Tail logs', async () => {
  const cases = [
    { name: `${prefix}node`, runtime: 'nodejs20', handler: 'index.handler', zip: 'hello-node' },
    { name: `${prefix}python`, runtime: 'python3.10', handler: 'index.handler', zip: 'hello-python' },
    { name: `${prefix}custom`, runtime: 'custom.debian12', handler: 'index.handler', zip: 'hello-custom',
      customRuntimeConfig: new $FC.CustomRuntimeConfig({ port: 9000 }) },
  ];
  for (const c of cases) {
    await create(c.name, { runtime: c.runtime, handler: c.handler, customRuntimeConfig: c.customRuntimeConfig,
      code: new $FC.InputCodeLocation({ zipFile: zip(c.zip) }) });
    const res = await invoke(c.name, JSON.stringify({ name: 'SDK' }), { tail: true });
    assert.equal(res.status, 200, c.name);
    assert.equal(res.headers['x-fc-error-type'], undefined, `${c.name}: ${res.body}`);
    assert.match(res.body, /Hello, SDK/, c.name);
    assert.match(res.headers['x-fc-request-id'], /^1-/);
    const log = Buffer.from(res.headers['x-fc-log-result'], 'base64').toString();
    assert.match(log, new RegExp(`FC Invoke Start RequestId: ${res.headers['x-fc-request-id']}`), c.name);
    assert.match(log, new RegExp(`FC Invoke End RequestId: ${res.headers['x-fc-request-id']}`), c.name);
    await client.deleteFunction(c.name);
  }
});

test('user errors, initializer and timeout come back as FC reports them', async () => {
  const err = `${prefix}err`;
  await create(err, { runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip('node-error') }) });
  const e = await invoke(err, '{}');
  assert.equal(e.status, 200);
  assert.equal(e.headers['x-fc-error-type'], 'UnhandledInvocationError');
  const body = JSON.parse(e.body);
  assert.equal(body.errorMessage, 'boom');
  assert.equal(body.errorType, 'Error');
  assert.ok(Array.isArray(body.stackTrace));

  const init = `${prefix}init`;
  await create(init, { runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip('node-init') }),
    instanceLifecycleConfig: new $FC.InstanceLifecycleConfig({ initializer: new $FC.LifecycleHook({ handler: 'index.initialize', timeout: 5 }) }) });
  const i = await invoke(init, '');
  assert.equal(i.headers['x-fc-error-type'], undefined, i.body);
  assert.equal(i.body, 'initialized=1');

  const slow = `${prefix}slow`;
  await create(slow, { runtime: 'nodejs20', handler: 'index.handler', timeout: 1, code: new $FC.InputCodeLocation({ zipFile: zip('node-slow') }) });
  const s = await invoke(slow, '');
  assert.equal(s.headers['x-fc-error-type'], 'UnhandledInvocationError');
  assert.match(JSON.parse(s.body).errorMessage, /timed out after 1 second/);
  for (const n of [err, init, slow]) await client.deleteFunction(n);
});

test('bad input gets FC errors the SDK understands', async () => {
  const code = new $FC.InputCodeLocation({ zipFile: zip('hello-node') });
  await rejects(create('1bad', { runtime: 'nodejs20', handler: 'index.handler', code }), 400, 'InvalidArgument');
  await rejects(create(`${prefix}bad-rt`, { runtime: 'java8', handler: 'index.handler', code }), 400, 'InvalidArgument');
  await rejects(create(`${prefix}bad-mem`, { runtime: 'nodejs20', handler: 'index.handler', memorySize: 100, code }), 400, 'InvalidArgument');
  await rejects(create(`${prefix}bad-zip`, { runtime: 'nodejs20', handler: 'index.handler',
    code: new $FC.InputCodeLocation({ zipFile: Buffer.from('not a zip').toString('base64') }) }), 400, 'InvalidArgument');
  await rejects(client.getFunction(`${prefix}missing`, new $FC.GetFunctionRequest({})), 404, 'FunctionNotFound');
  await rejects(invoke(`${prefix}missing`, '{}'), 404, 'FunctionNotFound');
  const dup = `${prefix}bad-dup`;
  await create(dup, { runtime: 'nodejs20', handler: 'index.handler', code });
  await rejects(create(dup, { runtime: 'nodejs20', handler: 'index.handler', code }), 409, 'FunctionAlreadyExists');
  await client.deleteFunction(dup);
  const list = (await client.listFunctions(new $FC.ListFunctionsRequest({ prefix: `${prefix}bad-` }))).body;
  assert.deepEqual(list.functions, [], 'rejected creates left nothing behind');

  const wrongKey = new FC.default(new $OpenApiUtil.Config({ accessKeyId: 'YUNNOSUCHKEY', accessKeySecret: 'x',
    regionId: 'cn-yun', endpoint: env('YUN_SDK_ENDPOINT'), protocol: 'http' }));
  await rejects(wrongKey.listFunctions(new $FC.ListFunctionsRequest({})), 403, 'InvalidAccessKeyID');
  const wrongSecret = new FC.default(new $OpenApiUtil.Config({ accessKeyId: env('YUN_SDK_AK'), accessKeySecret: 'wrong',
    regionId: 'cn-yun', endpoint: env('YUN_SDK_ENDPOINT'), protocol: 'http' }));
  await rejects(wrongSecret.listFunctions(new $FC.ListFunctionsRequest({})), 403, 'SignatureNotMatch');
});

test('versions and aliases through the SDK', async () => {
  const name = `${prefix}ver`;
  await create(name, { runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip('hello-node') }) });
  const v1 = (await client.publishFunctionVersion(name, new $FC.PublishFunctionVersionRequest({
    body: new $FC.PublishVersionInput({ description: 'v1' }) }))).body;
  assert.equal(v1.versionId, '1');
  await client.publishFunctionVersion(name, new $FC.PublishFunctionVersionRequest({ body: new $FC.PublishVersionInput({}) }));
  const list = (await client.listFunctionVersions(name, new $FC.ListFunctionVersionsRequest({ direction: 'FORWARD', limit: 10 }))).body;
  assert.deepEqual(list.versions.map((v) => v.versionId), ['1', '2']);
  assert.equal(list.direction, 'FORWARD');

  const alias = (await client.createAlias(name, new $FC.CreateAliasRequest({ body: new $FC.CreateAliasInput({
    aliasName: 'prod', versionId: '1', additionalVersionWeight: { 2: 0.5 } }) }))).body;
  assert.equal(alias.versionId, '1');
  assert.deepEqual(alias.additionalVersionWeight, { 2: 0.5 });
  const upd = (await client.updateAlias(name, 'prod', new $FC.UpdateAliasRequest({ body: new $FC.UpdateAliasInput({
    versionId: '2', additionalVersionWeight: {} }) }))).body;
  assert.equal(upd.versionId, '2');
  assert.equal((await client.getAlias(name, 'prod')).body.versionId, '2');
  const aliases = (await client.listAliases(name, new $FC.ListAliasesRequest({}))).body;
  assert.deepEqual(aliases.aliases.map((a) => a.aliasName), ['prod']);

  const req = new $FC.InvokeFunctionRequest({ qualifier: 'prod', body: body('{"name":"alias"}') });
  const res = await client.invokeFunctionWithOptions(name, req, new $FC.InvokeFunctionHeaders({}), runtime);
  assert.equal(res.headers['x-fc-invocation-service-version'], '2');
  await rejects(client.deleteFunctionVersion(name, '2'), 409, 'VersionInUse');
  await client.deleteAlias(name, 'prod');
  await client.deleteFunctionVersion(name, '2');
  await rejects(client.getFunction(name, new $FC.GetFunctionRequest({ qualifier: '2' })), 404, 'VersionNotFound');
  await client.deleteFunction(name);
});

test('async invocation, configs and tasks through the SDK', async () => {
  const name = `${prefix}async`;
  await create(name, { runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip('hello-node') }) });
  const cfg = (await client.putAsyncInvokeConfig(name, new $FC.PutAsyncInvokeConfigRequest({ qualifier: 'LATEST',
    body: new $FC.PutAsyncInvokeConfigInput({ maxAsyncRetryAttempts: 1, maxAsyncEventAgeInSeconds: 600, asyncTask: true }) }))).body;
  assert.equal(cfg.maxAsyncRetryAttempts, 1);
  assert.match(cfg.functionArn, new RegExp(`functions/${name}/LATEST$`));
  assert.equal((await client.getAsyncInvokeConfig(name, new $FC.GetAsyncInvokeConfigRequest({ qualifier: 'LATEST' }))).body.maxAsyncEventAgeInSeconds, 600);
  const configs = (await client.listAsyncInvokeConfigs(new $FC.ListAsyncInvokeConfigsRequest({ functionName: name }))).body;
  assert.equal(configs.configs.length, 1);

  const req = new $FC.InvokeFunctionRequest({ body: body('{"name":"async"}') });
  const headers = new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async', xFcAsyncTaskId: 'sdk_task_1' });
  const res = await client.invokeFunctionWithOptions(name, req, headers, runtime);
  assert.equal(res.statusCode, 202);
  assert.equal(res.headers['x-fc-async-task-id'], 'sdk_task_1');
  let task;
  for (let i = 0; i < 200; i++) {
    task = (await client.getAsyncTask(name, 'sdk_task_1', new $FC.GetAsyncTaskRequest({}))).body;
    if (task.status === 'Succeeded' || task.status === 'Failed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(task.status, 'Succeeded');
  assert.equal(typeof task.startedTime, 'number');
  assert.ok(task.events.length >= 2);
  const tasks = (await client.listAsyncTasks(name, new $FC.ListAsyncTasksRequest({ status: 'Succeeded', includePayload: true, limit: 10 }))).body;
  assert.deepEqual(tasks.tasks.map((t) => t.taskId), ['sdk_task_1']);
  assert.equal(tasks.tasks[0].returnPayload, 'Hello, async!');
  await rejects(client.stopAsyncTask(name, 'sdk_task_1', new $FC.StopAsyncTaskRequest({})), 409, 'AsyncTaskAlreadyFinished');
  await rejects(client.getAsyncTask(name, 'nope', new $FC.GetAsyncTaskRequest({})), 404, 'AsyncTaskNotFound');
  await client.deleteAsyncInvokeConfig(name, new $FC.DeleteAsyncInvokeConfigRequest({ qualifier: 'LATEST' }));
  await client.deleteFunction(name);
});

test('HTTP triggers and custom domains through the SDK', async () => {
  const name = `${prefix}web`;
  await create(name, { runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip('hello-node') }) });
  // triggerConfig travels as JSON text, as the SDK's model types it.
  const httpConfig = JSON.stringify({ authType: 'anonymous', methods: ['GET', 'POST'] });
  const t = (await client.createTrigger(name, new $FC.CreateTriggerRequest({ body: new $FC.CreateTriggerInput({
    triggerName: 'web', triggerType: 'http', triggerConfig: httpConfig, description: 'web entry' }) }))).body;
  assert.equal(t.triggerName, 'web');
  assert.equal(t.triggerType, 'http');
  assert.equal(t.triggerConfig, httpConfig);
  assert.equal(t.qualifier, 'LATEST');
  assert.match(t.httpTrigger.urlInternet, new RegExp(`/yun/http/\\d+/${name}/LATEST$`));
  const page = await fetch(`${t.httpTrigger.urlInternet}/hello`);
  assert.equal(page.status, 200);
  assert.equal(await page.text(), 'Hello, world!');

  for (const i of [1, 2]) {
    await client.createTrigger(name, new $FC.CreateTriggerRequest({ body: new $FC.CreateTriggerInput({
      triggerName: `tick-${i}`, triggerType: 'timer', triggerConfig: JSON.stringify({ cronExpression: '@every 1h', enable: i === 1 }) }) }));
  }
  const p1 = (await client.listTriggers(name, new $FC.ListTriggersRequest({ limit: 2 }))).body;
  assert.deepEqual(p1.triggers.map((x) => x.triggerName), ['tick-1', 'tick-2']);
  assert.deepEqual(p1.triggers.map((x) => x.status), ['Enabled', 'Disabled']);
  assert.ok(p1.nextToken);
  const p2 = (await client.listTriggers(name, new $FC.ListTriggersRequest({ limit: 2, nextToken: p1.nextToken }))).body;
  assert.deepEqual(p2.triggers.map((x) => x.triggerName), ['web']);
  assert.ok(!p2.nextToken);
  const byPrefix = (await client.listTriggers(name, new $FC.ListTriggersRequest({ prefix: 'tick' }))).body;
  assert.equal(byPrefix.triggers.length, 2);

  const upd = (await client.updateTrigger(name, 'web', new $FC.UpdateTriggerRequest({ body: new $FC.UpdateTriggerInput({
    description: 'changed', triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['PUT'] }) }) }))).body;
  assert.equal(upd.description, 'changed');
  assert.equal((await fetch(`${t.httpTrigger.urlInternet}/`)).status, 405, 'GET is no longer allowed');
  assert.equal((await client.getTrigger(name, 'web')).body.description, 'changed');

  const bad = (fields) => client.createTrigger(name, new $FC.CreateTriggerRequest({ body: new $FC.CreateTriggerInput(fields) }));
  await rejects(bad({ triggerName: 'web', triggerType: 'timer', triggerConfig: '{"cronExpression":"@every 1m"}' }), 409, 'TriggerAlreadyExists');
  await rejects(bad({ triggerName: 'web2', triggerType: 'http', triggerConfig: httpConfig }), 409, 'TriggerAlreadyExists');
  await rejects(bad({ triggerName: 'o', triggerType: 'oss', triggerConfig: '{}' }), 400, 'InvalidArgument');
  await rejects(bad({ triggerName: 'q', triggerType: 'http', triggerConfig: httpConfig, qualifier: 'nope' }), 404, 'AliasNotFound');
  await rejects(client.getTrigger(name, 'missing'), 404, 'TriggerNotFound');
  await rejects(client.listTriggers(`${prefix}missing`, new $FC.ListTriggersRequest({})), 404, 'FunctionNotFound');

  const domain = `${process.pid}.sdk.example.test`;
  const route = (path) => new $FC.RouteConfig({ routes: [new $FC.PathConfig({ path, functionName: name, methods: ['GET'],
    rewriteConfig: new $FC.RewriteConfig({ wildcardRules: [new $FC.WildcardRule({ match: '/app/*', replacement: '/$1' })] }) })] });
  const d = (await client.createCustomDomain(new $FC.CreateCustomDomainRequest({ body: new $FC.CreateCustomDomainInput({
    domainName: domain, protocol: 'HTTP', routeConfig: route('/app/*') }) }))).body;
  assert.equal(d.domainName, domain);
  assert.equal(d.protocol, 'HTTP');
  assert.equal(d.routeConfig.routes[0].functionName, name);
  assert.equal(d.routeConfig.routes[0].rewriteConfig.wildcardRules[0].replacement, '/$1');
  assert.equal((await client.getCustomDomain(domain)).body.routeConfig.routes[0].path, '/app/*');
  for (const i of [1, 2]) {
    await client.createCustomDomain(new $FC.CreateCustomDomainRequest({ body: new $FC.CreateCustomDomainInput({ domainName: `d${i}.${domain}` }) }));
  }
  const dp1 = (await client.listCustomDomains(new $FC.ListCustomDomainsRequest({ prefix: `d`, limit: 1 }))).body;
  assert.deepEqual(dp1.customDomains.map((x) => x.domainName), [`d1.${domain}`]);
  const dp2 = (await client.listCustomDomains(new $FC.ListCustomDomainsRequest({ prefix: `d`, limit: 1, nextToken: dp1.nextToken }))).body;
  assert.deepEqual(dp2.customDomains.map((x) => x.domainName), [`d2.${domain}`]);
  const du = (await client.updateCustomDomain(domain, new $FC.UpdateCustomDomainRequest({ body: new $FC.UpdateCustomDomainInput({
    routeConfig: route('/*') }) }))).body;
  assert.equal(du.routeConfig.routes[0].path, '/*');
  await rejects(client.createCustomDomain(new $FC.CreateCustomDomainRequest({ body: new $FC.CreateCustomDomainInput({ domainName: domain }) })), 409, 'DomainNameAlreadyExists');
  await rejects(client.createCustomDomain(new $FC.CreateCustomDomainRequest({ body: new $FC.CreateCustomDomainInput({ domainName: 'not a host' }) })), 400, 'InvalidArgument');
  await rejects(client.getCustomDomain(`missing.${domain}`), 404, 'DomainNameNotFound');
  for (const x of [domain, `d1.${domain}`, `d2.${domain}`]) await client.deleteCustomDomain(x);
  await rejects(client.deleteCustomDomain(domain), 404, 'DomainNameNotFound');

  await client.deleteTrigger(name, 'tick-1');
  await rejects(client.getTrigger(name, 'tick-1'), 404, 'TriggerNotFound');
  await client.deleteFunction(name);
  await rejects(client.getTrigger(name, 'web'), 404, 'FunctionNotFound');
});

async function waitTask(name, id, done = (s) => ['Succeeded', 'Failed', 'Stopped', 'Expired', 'Invalid'].includes(s)) {
  for (let i = 0; i < 600; i++) {
    const t = (await client.getAsyncTask(name, id, new $FC.GetAsyncTaskRequest({}))).body;
    if (done(t.status)) return t;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`task ${id} did not finish`);
}

async function invokeAsync(name, taskId, payload = '{}') {
  const req = new $FC.InvokeFunctionRequest({ body: body(payload) });
  const headers = new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async', xFcAsyncTaskId: taskId });
  return client.invokeFunctionWithOptions(name, req, headers, runtime);
}

test('async retries, destinations, stop, idempotent ids and expiry through the SDK', async () => {
  const { createServer } = await import('node:http');
  const records = [];
  const hook = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => { b += c; });
    req.on('end', () => { records.push(JSON.parse(b)); res.end('ok'); });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  const hookURL = `http://127.0.0.1:${hook.address().port}/hook`;
  try {
    const flaky = `${prefix}flaky`;
    await create(flaky, { runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip('node-flaky') }) });
    await client.putAsyncInvokeConfig(flaky, new $FC.PutAsyncInvokeConfigRequest({ qualifier: 'LATEST',
      body: new $FC.PutAsyncInvokeConfigInput({ maxAsyncRetryAttempts: 3, destinationConfig: new $FC.DestinationConfig({
        onSuccess: new $FC.Destination({ destination: hookURL }), onFailure: new $FC.Destination({ destination: hookURL }) }) }) }));
    assert.equal((await invokeAsync(flaky, 'retry_me')).statusCode, 202);
    const ok = await waitTask(flaky, 'retry_me');
    assert.equal(ok.status, 'Succeeded');
    assert.equal(ok.alreadyRetriedTimes, 2, 'fails twice, succeeds on the third attempt');
    await rejects(invokeAsync(flaky, 'retry_me'), 409, 'AsyncTaskAlreadyExists');

    assert.equal((await invokeAsync(flaky, 'stop_me')).statusCode, 202);
    await waitTask(flaky, 'stop_me', (s) => s === 'Retrying');
    await client.stopAsyncTask(flaky, 'stop_me', new $FC.StopAsyncTaskRequest({}));
    assert.equal((await waitTask(flaky, 'stop_me')).status, 'Stopped');

    const broken = `${prefix}broken`;
    await create(broken, { runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip('node-error') }) });
    await client.putAsyncInvokeConfig(broken, new $FC.PutAsyncInvokeConfigRequest({ qualifier: 'LATEST',
      body: new $FC.PutAsyncInvokeConfigInput({ maxAsyncRetryAttempts: 8, maxAsyncEventAgeInSeconds: 2,
        destinationConfig: new $FC.DestinationConfig({ onFailure: new $FC.Destination({ destination: hookURL }) }) }) }));
    assert.equal((await invokeAsync(broken, 'too_old')).statusCode, 202);
    const old = await waitTask(broken, 'too_old');
    assert.equal(old.status, 'Expired', 'retries stop at maxAsyncEventAgeInSeconds');

    for (let i = 0; i < 100 && records.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const conditions = records.map((r) => r.requestContext.condition).sort();
    assert.ok(conditions.includes(''), `onSuccess record arrived: ${JSON.stringify(conditions)}`);
    assert.ok(conditions.some((c) => c !== ''), `onFailure record arrived: ${JSON.stringify(conditions)}`);
    await client.deleteFunction(flaky);
    await client.deleteFunction(broken);
  } finally {
    hook.close();
  }
});

test('timer trigger through the SDK', async () => {
  const name = `${prefix}timer`;
  await create(name, { runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip('hello-node') }) });
  const t = (await client.createTrigger(name, new $FC.CreateTriggerRequest({ body: new $FC.CreateTriggerInput({
    triggerName: 'tick', triggerType: 'timer',
    triggerConfig: JSON.stringify({ cronExpression: '@every 1s', payload: '{"name":"timer"}', enable: true }) }) }))).body;
  assert.equal(t.triggerType, 'timer');
  let tasks = [];
  for (let i = 0; i < 100 && tasks.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 200));
    tasks = (await client.listAsyncTasks(name, new $FC.ListAsyncTasksRequest({ includePayload: true, limit: 10 }))).body.tasks;
  }
  assert.ok(tasks.length >= 2, `a 1 s timer fired ${tasks.length} times`);
  const event = JSON.parse(tasks[0].taskPayload);
  assert.equal(event.triggerName, 'tick');
  assert.equal(event.payload, '{"name":"timer"}');
  await client.deleteTrigger(name, 'tick');
  await client.deleteFunction(name);
});
