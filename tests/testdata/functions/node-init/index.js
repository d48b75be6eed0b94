let initialized = 0;
exports.initialize = async (context) => {
  initialized++;
  console.log('initializer ran for', context.function.name);
};
exports.handler = async () => `initialized=${initialized}`;
