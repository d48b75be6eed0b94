'use strict';

// http-version-node: returns the TAG environment variable as a plain value,
// so that a caller can tell which published version answered.
exports.handler = async () => process.env.TAG || 'untagged';
