// Package harness runs the Yun under test for a benchmark scenario: it finds
// the repository, builds yun once per run, starts `yun server` on a random
// loopback port in a temporary data directory with a clean environment,
// stops it with SIGTERM by PID, and writes the scenario's report, plot and
// raw samples where they belong (docs/benchmarks and docs/benchmarks/raw).
//
// Invariants: every process a harness starts is stopped by Env.Close if the
// scenario did not stop it; the temporary directory is removed by Close;
// loads only ever target the loopback endpoint the server printed.
package harness
