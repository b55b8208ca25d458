/**
 * `npm run licences`: writes docs/licences.md from the production dependency tree.
 * `npm run licences -- --check` exits 1 when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { licenceAllowed, renderLicences, runtimeDependencies } from './supply-chain.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'licences.md');

const dependencies = await runtimeDependencies(root);
const content = renderLicences(dependencies);
const refused = dependencies.filter((dependency) => !licenceAllowed(dependency.licence));
for (const dependency of refused) console.error(`Licence not allowed without review: ${dependency.name}@${dependency.version} (${dependency.licence})`);
if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== content) {
    console.error('docs/licences.md is stale: run `npm run licences`.');
    process.exit(1);
  }
  console.log(`docs/licences.md is up to date (${dependencies.length} runtime packages).`);
} else {
  await writeFile(target, content);
  console.log(`Wrote docs/licences.md (${dependencies.length} runtime packages).`);
}
if (refused.length > 0) process.exit(1);
