const greet = require('greet');
exports.handler = async () => greet('node');
