/**
 * Generates, from the event catalogue's zod schemas, one JSON Schema per event type and an
 * AsyncAPI 3.0 document of the events and their channels, under docs/events/. The files are
 * committed; `test/events/generated-docs.unit.test.ts` fails when they are stale.
 *
 * Usage: `npm run generate` (writes), `npm run generate -- --check` (exits 1 when stale).
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEventDocs } from './event-docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'docs', 'events');

const main = async () => {
  const files = renderEventDocs();
  const check = process.argv.includes('--check');
  if (check) {
    const stale: string[] = [];
    const existing = new Set(await readdir(join(outDir, 'schemas')).catch(() => [] as string[]));
    for (const [path, content] of files) {
      const current = await readFile(join(outDir, path), 'utf8').catch(() => null);
      if (current !== content) stale.push(path);
      existing.delete(path.replace(/^schemas\//, ''));
    }
    stale.push(...[...existing].map((name) => `schemas/${name} (no longer in the catalogue)`));
    if (stale.length > 0) {
      console.error(`docs/events is stale, run \`npm run generate\`:\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log('docs/events is up to date.');
    return;
  }
  await rm(outDir, { recursive: true, force: true });
  for (const [path, content] of files) {
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    await writeFile(join(outDir, path), content);
  }
  console.log(`Wrote ${files.size} files under docs/events/.`);
};

await main();
