'use strict';
// A memory bomb: "bomb" allocates and touches memory until something stops
// it; any other event answers "alive".
const hoard = [];

exports.handler = async (event) => {
  if (String(event) !== 'bomb') return 'alive';
  for (;;) hoard.push(Buffer.alloc(16 << 20, 1));
};
