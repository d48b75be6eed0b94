// Package replay drives Yun's real scheduler with recorded serverless
// workloads — the Azure Functions traces of Shahrad et al. (ATC 2020) and
// Zhang et al. (SOSP 2021) — to compare keep-alive policies.
//
// It is not a simulator: Run builds a scheduler.Scheduler with the policy
// under test and sends every call of the trace through Scheduler.Invoke, so
// dispatch, keep-alive, reclaim and pre-warm are the code that serves real
// requests. Only the engine is fake: an instance starts after a fixed cold
// start and runs each call for the trace's duration. Run must be called in
// a testing/synctest bubble, whose virtual clock the scheduler's timers and
// the calls' arrivals then follow; eight hours of the 500-function sample
// (3.0 million calls) replay in about a minute.
//
// Each app of a trace is one scheduler function with one Key, whose
// instances take the app's memory and serve up to Options.Concurrency calls
// at once, so that one instance holds an app's concurrent calls as in the
// paper's model. A cold start is an instance started on demand (a call found
// no instance with a free slot); wasted memory is the time instances are
// ready with no call running, times their app's memory, up to the trace's
// end. Both are measured on the scheduler's metrics and the engine, not
// predicted.
//
// The replays themselves are tests (replay_test.go): a short window in CI
// and, with -full, the whole samples, whose results bench/keepalive turns
// into docs/benchmarks/keepalive.md.
package replay
