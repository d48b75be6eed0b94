exports.handler = async (event) => {
  const ms = Number(event.toString() || '60000');
  await new Promise((r) => setTimeout(r, ms));
  return `slept ${ms} ms`;
};
