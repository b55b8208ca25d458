import { writeFile } from 'node:fs/promises';
import { compiledValidatorsText } from '../events/compile.js';

/** Writes events/validators.generated.ts from the event catalogue's zod schemas (`npm run generate:validators`). */
await writeFile(new URL('../events/validators.generated.ts', import.meta.url), await compiledValidatorsText());
console.log('events/validators.generated.ts written');
