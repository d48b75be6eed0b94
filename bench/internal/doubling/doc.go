// Package doubling is the elasticity benchmark: open-loop arrivals against a
// 50 ms Node.js handler, first at a steady moderate rate (the P95 reference),
// then doubling every step from StartRate to MaxRate. It reports, per second,
// offered and served rates, P50/P95/P99, errors, cold starts, instances and
// CPU, and whether every second's P95 stayed within Tolerance × the steady
// P95 with zero errors.
package doubling
