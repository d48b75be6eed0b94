// Package warmpath measures what Yun adds to a warm invocation: the same
// warm instance is called, in one run and in alternating rounds, through
// Yun's InvokeFunction API (signed by the Go client) and directly on the
// instance's runtime port with the headers the process engine sends. It
// reports added latency (Yun minus direct) at P50 and P99 and throughput of
// each, for 1 and 16 closed-loop clients, the CPU each process spent per
// request, the client's signing cost on its own, and optionally a CPU
// profile of the server side taken from an in-process node.
//
// The function is bench/functions/echo-port, a tiny Node.js custom runtime
// that answers with its own port, which is how the benchmark finds the
// instance. The direct path is, in order of preference: that port on the
// host; the same port inside the instance's own network namespace (the
// benchmark dials from inside it as the process engine does, which needs
// root); or, failing both, the same server started by hand as a plain
// process on a loopback port. The report says which.
package warmpath
