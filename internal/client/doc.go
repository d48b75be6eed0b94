// Package client is Yun's Go client of the FC 3.0 API (version 2023-03-30),
// used by the yun CLI and by the tests. It speaks to Yun, or to anything that
// speaks FC 3.0, the way the official SDK does (../../shared/fc3-api.md §1–§2):
//
//   - every call is one HTTP request under /2023-03-30/, with the operation's
//     name in x-acs-action and accept: application/json, signed with
//     ACS3-HMAC-SHA256 (package acs3) with a fresh nonce;
//   - path parameters are escaped as the SDK escapes them (PathEscape), query
//     values with strict RFC 3986;
//   - JSON bodies leave out null fields, as the SDK does; InvokeFunction sends
//     raw bytes as application/octet-stream;
//   - any status >= 400 is an *Error carrying FC's Code, Message and RequestId;
//     below that the call succeeded. A function that failed still answers 200
//     with x-fc-error-type, reported in InvokeResult.ErrorType.
//
// A Client has no overall time-out, because a synchronous invocation may run
// for up to 86400 s: bound each call with its context. Operations without a
// method of their own go through Do.
//
// Config is the CLI's client configuration file.
package client
