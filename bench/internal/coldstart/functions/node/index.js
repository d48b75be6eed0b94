// The Node.js hello function of the cold-start benchmark: it answers the
// wall-clock time (CLOCK_REALTIME, µs) at which it was called, which the
// benchmark compares with the moment the start was requested.
exports.handler = async () => JSON.stringify({ calledUs: Math.round((performance.timeOrigin + performance.now()) * 1000) });
