'use strict';

// http-echo-node: answers an HTTP-trigger event (FC 3.0's shape) with what it
// saw. A path ending in /binary echoes the body bytes back as base64; a path
// ending in /plain returns a plain string instead of {statusCode, …}.
exports.handler = async (event) => {
  const ev = JSON.parse(event.toString());
  const body = Buffer.from(ev.body, ev.isBase64Encoded ? 'base64' : 'utf8');
  const http = ev.requestContext.http;
  if (http.path.endsWith('/binary')) {
    return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' },
      isBase64Encoded: true, body: body.toString('base64') };
  }
  if (http.path.endsWith('/plain')) return `plain ${http.method}`;
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json', 'x-echo': 'node', 'x-fc-forbidden': 'dropped' },
    body: JSON.stringify({
      method: http.method, rawPath: ev.rawPath, path: http.path, query: ev.queryParameters,
      headers: ev.headers, body: body.toString('utf8'), isBase64Encoded: ev.isBase64Encoded,
      requestId: ev.requestContext.requestId,
    }),
  };
};
