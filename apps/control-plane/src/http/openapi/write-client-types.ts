/** `npm run openapi:types`: writes the console's API types (client-types.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLIENT_TYPES_FILE, renderClientTypes } from './client-types.ts';

mkdirSync(path.dirname(CLIENT_TYPES_FILE), { recursive: true });
writeFileSync(CLIENT_TYPES_FILE, await renderClientTypes());
console.log(`wrote ${path.relative(process.cwd(), CLIENT_TYPES_FILE)}`);
