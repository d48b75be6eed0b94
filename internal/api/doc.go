// Package api is Yun's API service: the FC 3.0 (2023-03-30) HTTP API that the
// official SDKs speak. It authenticates every request (ACS3-HMAC-SHA256),
// scopes every resource to the caller's account, validates input, and routes
// invocations to the scheduler. It also serves functions as plain HTTP:
// HTTP triggers under /yun/http/ and custom domains by Host, each with its
// own auth (anonymous, ACS3 signature or JWT); see web.go and triggerurl.go.
// Built-in runtimes get FC's HTTP event; custom runtimes get the request
// itself, its body and their answer streamed (webstream.go).
//
// Invariants:
//   - every response carries x-fc-request-id; every error is FC's JSON
//     {Code, Message, RequestId}, written by writeError and nowhere else;
//   - a request that fails validation changes nothing;
//   - one account never sees another's functions: a foreign name is simply
//     not found (404), so names do not leak;
//   - the warm invoke path reads function configuration from memory
//     (functionCache), never from the store.
package api
