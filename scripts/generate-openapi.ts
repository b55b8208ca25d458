import { writeFile } from 'node:fs/promises';
import { openApiText } from '../shared/http/openapi.js';

/** Writes docs/openapi.json from the API's zod schemas (`npm run generate:openapi`). */
await writeFile(new URL('../docs/openapi.json', import.meta.url), openApiText());
console.log('docs/openapi.json written');
