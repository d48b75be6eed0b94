'use strict';
// The control function: it must keep answering whatever the others do.
exports.handler = async (event) => `control ${String(event)}`;
