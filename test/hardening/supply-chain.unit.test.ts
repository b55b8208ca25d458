import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deprecationNotices, deprecationOf, evaluateAudit, runAudit, versionDocumentUrl, type AuditEnvironment, type RegistryFetch } from '../../scripts/audit.js';
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

  it("npm audit: an unreachable service keeps npm's own reason, and output that is not a report object is unreachable, not a crash", () => {
    const refused = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405 });
    expect(evaluateAudit(refused, {})).toMatchObject({ reachable: false, reason: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' });
    expect(evaluateAudit('null', {}).reachable).toBe(false);
    expect(evaluateAudit('42', {}).reachable).toBe(false);
    expect(evaluateAudit('', {}).reachable).toBe(false);
  });

  it('registry version documents: scoped names keep their scope with an escaped slash, and the deprecation message is read only from the version asked for', () => {
    expect(versionDocumentUrl('https://registry.npmjs.org/', { name: '@aws-sdk/core', version: '3.981.2' })).toBe('https://registry.npmjs.org/@aws-sdk%2fcore/3.981.2');
    expect(versionDocumentUrl('https://mirror.example/npm', { name: 'busboy', version: '1.6.0' })).toBe('https://mirror.example/npm/busboy/1.6.0');
    const busboy = { name: 'busboy', version: '1.6.0' };
    expect(deprecationOf(JSON.stringify({ ...busboy, deprecated: 'Use @fastify/busboy' }), busboy)).toBe('Use @fastify/busboy');
    expect(deprecationOf(JSON.stringify(busboy), busboy)).toBeUndefined();
    // An empty message is how npm lifts a deprecation.
    expect(deprecationOf(JSON.stringify({ ...busboy, deprecated: '' }), busboy)).toBeUndefined();
    expect(() => deprecationOf(JSON.stringify({ name: 'busboy', version: '1.5.0', deprecated: 'old' }), busboy)).toThrow(/busboy@1\.5\.0/);
    expect(() => deprecationOf('<html>', busboy)).toThrow();
  });

  /** A registry in memory: URL → status and document; anything else is a network failure. */
  const fakeRegistry = (documents: Readonly<Record<string, { status: number; body?: unknown }>>) => {
    const asked: string[] = [];
    const fetchDocument: RegistryFetch = async (url) => {
      asked.push(url);
      const entry = documents[url];
      if (entry === undefined) throw new Error('getaddrinfo ENOTFOUND');
      return { ok: entry.status >= 200 && entry.status < 300, status: entry.status, text: async () => JSON.stringify(entry.body ?? {}) };
    };
    return { asked, fetchDocument };
  };
  const registry = 'https://registry.test/';

  it('deprecation notices: each package version is asked once; deprecated ones carry their message, and unanswered ones are reported as not checked, never as fine', async () => {
    const { asked, fetchDocument } = fakeRegistry({
      'https://registry.test/zod/4.6.7': { status: 200, body: { name: 'zod', version: '4.6.7' } },
      'https://registry.test/@middy%2fcore/6.4.5': { status: 200, body: { name: '@middy/core', version: '6.4.5', deprecated: 'Upgrade to 7.x' } },
      'https://registry.test/jose/6.2.18': { status: 404 },
    });
    const report = await deprecationNotices(
      [
        { name: 'zod', version: '4.6.7' },
        { name: '@middy/core', version: '6.4.5' },
        { name: 'zod', version: '4.6.7' },
        { name: 'jose', version: '6.2.18' },
        { name: 'ulid', version: '3.0.2' },
      ],
      fetchDocument,
      registry,
      { concurrency: 2 },
    );
    expect(asked).toHaveLength(4);
    expect(report.checked).toBe(4);
    expect(report.deprecated).toEqual([{ name: '@middy/core', version: '6.4.5', message: 'Upgrade to 7.x' }]);
    expect(report.unchecked).toEqual([
      { name: 'jose', version: '6.2.18', reason: 'HTTP 404' },
      { name: 'ulid', version: '3.0.2', reason: 'getaddrinfo ENOTFOUND' },
    ]);
  });

  const environment = (stdout: string | null, fetchDocument: RegistryFetch) => {
    const out: string[] = [];
    const err: string[] = [];
    const env: AuditEnvironment = {
      runNpmAudit: () => ({ stdout }),
      runtimePackages: async () => [
        { name: 'busboy', version: '1.6.0' },
        { name: 'streamsearch', version: '1.1.0' },
      ],
      fetch: fetchDocument,
      registry,
      log: (line) => out.push(line),
      error: (line) => err.push(line),
    };
    return { env, out, err };
  };

  it('npm run audit with the advisory service unreachable still exits 2, says why, lists the registry deprecations and points at docs/supply-chain.md', async () => {
    const { fetchDocument } = fakeRegistry({
      'https://registry.test/busboy/1.6.0': { status: 200, body: { name: 'busboy', version: '1.6.0', deprecated: 'Unmaintained' } },
      'https://registry.test/streamsearch/1.1.0': { status: 200, body: { name: 'streamsearch', version: '1.1.0' } },
    });
    const { env, out, err } = environment(JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.test/-/npm/v1/security/advisories/bulk' }), fetchDocument);
    expect(await runAudit(env)).toBe(2);
    expect(out).toEqual([]);
    const text = err.join('\n');
    expect(text).toContain('no advisory was checked');
    expect(text).toContain('405 Method Not Allowed');
    expect(text).toContain('2 runtime package versions: 1 deprecated, 0 not answered');
    expect(text).toContain('deprecated: busboy@1.6.0: Unmaintained');
    expect(text).not.toContain('streamsearch@1.1.0:');
    expect(text).toContain('docs/supply-chain.md');
  });

  it('npm run audit with npm not starting at all is unreachable (exit 2), and a registry that does not answer leaves packages "not checked"', async () => {
    const { fetchDocument } = fakeRegistry({});
    const { env, err } = environment(null, fetchDocument);
    expect(await runAudit(env)).toBe(2);
    expect(err.join('\n')).toContain('0 deprecated, 2 not answered');
    expect(err.join('\n')).toContain('not checked: busboy@1.6.0 (getaddrinfo ENOTFOUND)');
  });

  it('npm run audit with a report: 0 when clean, 1 with an unexplained finding, and the registry is not asked for deprecations', async () => {
    const { asked, fetchDocument } = fakeRegistry({});
    const clean = environment(JSON.stringify({ vulnerabilities: {} }), fetchDocument);
    expect(await runAudit(clean.env)).toBe(0);
    expect(clean.out).toEqual(['npm audit --omit=dev: 0 finding(s), 0 unexplained.']);
    const finding = environment(
      JSON.stringify({ vulnerabilities: { busboy: { name: 'busboy', severity: 'high', via: [{ url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc' }] } } }),
      fetchDocument,
    );
    expect(await runAudit(finding.env)).toBe(1);
    expect(finding.err).toEqual(['  unexplained: busboy (high)']);
    expect(asked).toEqual([]);
  });

  it('docs/supply-chain.md reviews every runtime package at the version the lockfile pins (review the new versions and update it when this fails)', async () => {
    const doc = await readFile(join(root, 'docs/supply-chain.md'), 'utf8');
    const reviewed = new Set(
      doc
        .split('\n')
        .map((line) => /^\| `([^`]+)` \| ([^ |]+) \|/.exec(line))
        .flatMap((match) => (match ? [`${match[1]}@${match[2]}`] : [])),
    );
    const pinned = new Set((await runtimeDependencies(root)).map((d) => `${d.name}@${d.version}`));
    expect([...pinned].filter((entry) => !reviewed.has(entry)).sort()).toEqual([]);
    expect([...reviewed].filter((entry) => !pinned.has(entry)).sort()).toEqual([]);
  });
});
