import { writeFile } from 'node:fs/promises';
import { functionDeclarations } from '../functions/index.js';
import { openApiText } from '../shared/http/openapi.js';

/** Writes docs/openapi.json from the API's zod schemas and every HTTP function's routes (`npm run generate:openapi`). */
await writeFile(new URL('../docs/openapi.json', import.meta.url), openApiText(functionDeclarations));
console.log('docs/openapi.json written');
