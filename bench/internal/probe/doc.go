// Package probe watches a running Yun server from outside while a benchmark
// loads it: its CPU time, its instances and their cold starts, and the
// benchmark's own CPU time (the load generator competes with Yun for the
// same cores).
//
// Instances and cold starts come from one of two sources, chosen once when a
// Sampler starts:
//
//   - "metrics": GET /metrics answers Prometheus text with a counter whose
//     name contains "cold_start" and ends in "_total", and/or a gauge whose
//     name ends in "instances" with a "state" label;
//   - "process tree": the server's child processes (the process engine runs
//     every instance as one child). A cold start is a child that was not
//     there when sampling began; an instance that starts and exits between
//     two samples is missed.
//
// CPU times come from /proc/PID/stat (utime+stime at USER_HZ = 100, the
// value Linux exposes to user space on every architecture Go supports).
package probe
