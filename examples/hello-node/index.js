'use strict';

// hello-node: greets the "name" of a JSON event, or the world.
exports.handler = async (event, context) => {
  let name = 'world';
  try {
    name = JSON.parse(event.toString()).name || name;
  } catch {
    // not JSON, or no object: keep the default
  }
  console.log(`greeting ${name} for request ${context.requestId}`);
  return `Hello, ${name}!`;
};
