import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateAudit } from '../../scripts/audit.js';
import { licenceAllowed, licenceOf, renderLicences, runtimeDependencies } from '../../scripts/supply-chain.js';

const root = process.cwd();

describe('supply chain of the runtime dependencies', () => {
  it('docs/licences.md is the one generated from the installed production tree (run `npm run licences` when this fails)', async () => {
    const committed = await readFile(join(root, 'docs/licences.md'), 'utf8');
    expect(committed).toBe(renderLicences(await runtimeDependencies(root)));
  });

  it('every runtime package carries a permissive licence, runs no install script and is installed at the version the lockfile pins', async () => {
    const dependencies = await runtimeDependencies(root);
    expect(dependencies.length).toBeGreaterThan(10);
    expect(dependencies.filter((d) => !licenceAllowed(d.licence)).map((d) => `${d.name} ${d.licence}`)).toEqual([]);
    expect(dependencies.filter((d) => d.hasInstallScript).map((d) => d.name)).toEqual([]);
    const drifted: string[] = [];
    for (const d of dependencies) {
      const installed = JSON.parse(await readFile(join(root, d.path, 'package.json'), 'utf8')) as { version: string };
      if (installed.version !== d.version) drifted.push(`${d.name}: lock ${d.version}, installed ${installed.version}`);
    }
    expect(drifted).toEqual([]);
  });

  it('where the lockfile records a source, it is the npm registry with a sha512 integrity hash', async () => {
    const dependencies = await runtimeDependencies(root);
    expect(dependencies.filter((d) => d.resolved !== '' && !d.resolved.startsWith('https://registry.npmjs.org/')).map((d) => d.name)).toEqual([]);
    expect(dependencies.filter((d) => d.integrity !== '' && !/^sha512-/.test(d.integrity)).map((d) => d.name)).toEqual([]);
  });

  it('no development tool leaks into the production tree (CDK, emulators, test runners)', async () => {
    const names = new Set((await runtimeDependencies(root)).map((d) => d.name));
    for (const tool of ['aws-cdk-lib', 'dynalite', 's3rver', 'aws-ses-v2-local', 'vitest', 'esbuild', 'typescript', 'playwright-core']) expect(names.has(tool), tool).toBe(false);
  });

  it('reads licences in their historical shapes and judges SPDX expressions', () => {
    expect(licenceOf({ license: 'MIT' })).toBe('MIT');
    expect(licenceOf({ license: { type: 'BSD-3-Clause' } })).toBe('BSD-3-Clause');
    expect(licenceOf({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })).toBe('MIT OR Apache-2.0');
    expect(licenceOf({})).toBe('UNKNOWN');
    expect(licenceAllowed('(MIT OR GPL-3.0)')).toBe(true);
    expect(licenceAllowed('MIT AND GPL-3.0')).toBe(false);
    expect(licenceAllowed('GPL-3.0')).toBe(false);
    expect(licenceAllowed('UNKNOWN')).toBe(false);
  });

  it('npm audit: a finding fails unless explained, by package or advisory id; an unreachable service is not "clean"', () => {
    const report = JSON.stringify({
      vulnerabilities: {
        busboy: { name: 'busboy', severity: 'high', via: [{ url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc' }] },
        ulid: { name: 'ulid', severity: 'low', via: [{ url: 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz' }] },
      },
    });
    expect(evaluateAudit(report, {}).unexplained).toEqual(['busboy (high)', 'ulid (low)']);
    expect(evaluateAudit(report, { 'GHSA-aaaa-bbbb-cccc': 'only reached through multipart forms we do not parse', ulid: 'dev clock only' }).unexplained).toEqual([]);
    expect(evaluateAudit(JSON.stringify({ vulnerabilities: {} }), {})).toMatchObject({ reachable: true, unexplained: [] });
    expect(evaluateAudit(JSON.stringify({ error: { code: 'E405' } }), {}).reachable).toBe(false);
    expect(evaluateAudit('not json', {}).reachable).toBe(false);
  });
});
