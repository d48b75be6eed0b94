// Package coldstart is the cold-start benchmark: for a hello function of
// each runtime (Node.js, Python, a custom runtime's own Node.js server,
// WebAssembly) it starts a fresh instance again and again and measures
//
//   - system side: from the moment the start is requested (Engine.Start
//     called, as the scheduler does when a request finds no instance) to the
//     moment the user's handler runs, read from the handler itself: it
//     answers CLOCK_REALTIME in µs, compared with the benchmark's own
//     wall clock (same machine, same clock);
//   - end to end: from the same moment to the first response's arrival
//     (Start, then the first Invoke);
//
// with and without the process engine's pre-warmed sandboxes, next to the
// bare cost of booting the same runtime by hand (exec node or python with a
// trivial HTTP server until its first answer). It also reports the memory
// an idle instance holds and how many instances a burst of concurrent
// starts creates per second.
//
// The engines run inside the benchmark's process (process.Engine in its
// sandbox mode, wasm.Engine), as the daemon runs them: what is measured is
// the execution engine's cold path, without the API and scheduler in front
// of it (their cost is the warm path's, reported by the warmpath
// benchmark). Pre-warmed figures are taken with a sandbox ready in the pool
// (the run waits for the refill between starts, and waits for the pool to
// be idle before a start without it, so that no refill competes with
// either). Cold starts alternate between the modes.
package coldstart
