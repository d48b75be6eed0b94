// Fails on its first two attempts, then succeeds: for async retries.
exports.handler = async (event, context) => {
  if (context.retryCount < 2) throw new Error(`attempt ${context.retryCount} fails`);
  return `ok after ${context.retryCount} retries: ${event}`;
};
