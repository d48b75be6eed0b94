exports.handler = async (event, context) => {
  console.log('about to fail', context.requestId);
  throw new Error('boom');
};
