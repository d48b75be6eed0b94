// Package load generates requests and records what happened to each one.
//
// Two shapes of load exist:
//
//   - OpenLoop sends requests at fixed times taken from a Schedule, whatever
//     the answers do: a slow server does not slow the arrivals down, so
//     queueing shows up as latency instead of being hidden (no coordinated
//     omission). Latency is measured from the scheduled time.
//   - ClosedLoop keeps a fixed number of workers busy: each sends its next
//     request when the previous one answered, so the number in flight is
//     constant and throughput is what the server sustains.
//
// Invariants: every generator is bounded in requests and in time, stops by
// itself, and returns only after all the goroutines it started have ended.
// Times in a Sample are offsets from one origin shared by the whole run.
package load
