// An ES module by its extension; handler "mjs/index.handler".
export const handler = async (event, context) => `mjs ${event} ${context.requestId}`;
