// Answers the LABEL environment variable and the qualifier it runs under.
exports.handler = async (event, context) => `${process.env.LABEL}@${context.service.qualifier}`;
