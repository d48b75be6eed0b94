// Package timeline joins what the load generator saw (per-second request
// figures) with what the probe saw (instances, cold starts, CPU) into one row
// per second, and renders the rows as a report table and a chart. The
// doubling and spike scenarios share it.
//
// A row's latency figures cover the requests scheduled in that second; its
// cold starts and CPU cover the probe's samples around the second's bounds.
package timeline
