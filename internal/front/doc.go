// Package front serves the API's HTTP/1.1 connections on a lean loop, and
// hands the unusual ones to net/http.
//
// A connection starts on the lean loop: one goroutine reads a request,
// runs the handler on it and writes the answer, with no goroutine, timer
// or background read of its own per request. The head is parsed by
// net/http's own http.ReadRequest. The loop takes a request only in its
// plainest form: HTTP/1.1, not HEAD, one valid Host, at most one
// Content-Length, header names that are tokens, and no Expect,
// Transfer-Encoding, Upgrade, TE or Trailer header. An answer goes out
// with the handler's Content-Length when it set one before writing; else
// it is kept, and framed by its length when the handler returns, or
// chunked once it passes 64 KB or the handler flushes. Handlers may flush
// and set deadlines; they cannot hijack. A panic closes the connection.
// The connection closes after an answer, saying so, when the client or the
// handler asks, the server shuts down, or more than 256 KB of the
// request's body is left unread; it closes gently, reading what the client
// still sends for a while, so that the client gets the answer rather than
// a reset.
//
// At the first request the lean loop does not take, the connection is
// handed to a net/http server for the rest of its life, its unread bytes
// first: that server sees exactly the bytes the client sent and decides
// everything about them, as if it had had the connection from the start.
//
// net/http reads ahead during every request to notice a client that goes
// away; the lean loop does so only while a request waits, when the code
// that waits asks for it (Watcher): a request already running completes,
// as FC and Lambda complete a synchronous invocation whose caller left.
package front
