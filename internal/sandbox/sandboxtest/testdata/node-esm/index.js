// An ES module by its package.json "type"; handler "index.handler".
import { format } from 'node:util';

export const handler = async (event) => format('esm %s', String(event));
