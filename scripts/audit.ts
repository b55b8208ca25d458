/**
 * `npm run audit`: `npm audit --omit=dev`, where every finding must be either fixed or explained
 * here (why it does not reach this system). Exit codes: 0 clean or every finding explained,
 * 1 an unexplained finding, 2 the advisory service could not be reached (nothing was checked).
 *
 * When the advisory service cannot be reached (some registries and mirrors refuse its POST), the
 * exit code stays 2: nothing replaces that check. The script then still reads what the registry's
 * GET API does serve, the deprecation notice of each runtime package at its pinned version, and
 * points at docs/supply-chain.md, the advisories looked up by hand and their date.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runtimeDependencies } from './supply-chain.js';

/** Advisory (package name or GHSA id) → why it does not reach this system. Empty: none needed today. */
export const explainedFindings: Readonly<Record<string, string>> = {};

export interface AuditVerdict {
  readonly reachable: boolean;
  readonly findings: readonly { readonly name: string; readonly severity: string; readonly advisories: readonly string[] }[];
  readonly unexplained: readonly string[];
  /** Why the service gave no report, as npm said it (e.g. `405 Method Not Allowed - POST …`). */
  readonly reason?: string;
}

interface AuditReport {
  readonly error?: unknown;
  readonly message?: string;
  readonly vulnerabilities?: Readonly<Record<string, { readonly name?: string; readonly severity?: string; readonly via?: readonly unknown[] }>>;
}

/** Reads `npm audit --json` output: each vulnerable package, its advisories, and which are not explained. */
export const evaluateAudit = (json: string, explained: Readonly<Record<string, string>> = explainedFindings): AuditVerdict => {
  let report: AuditReport | null;
  try {
    report = JSON.parse(json) as AuditReport | null;
  } catch {
    return { reachable: false, findings: [], unexplained: [], reason: 'npm audit printed no JSON report' };
  }
  if (report === null || typeof report !== 'object') return { reachable: false, findings: [], unexplained: [], reason: 'npm audit printed no JSON report' };
  if (report.vulnerabilities === undefined) {
    return {
      reachable: false,
      findings: [],
      unexplained: [],
      reason: typeof report.message === 'string' && report.message !== '' ? report.message : 'npm audit printed no vulnerability report',
    };
  }
  const findings = Object.entries(report.vulnerabilities).map(([name, entry]) => ({
    name,
    severity: entry.severity ?? 'unknown',
    advisories: (entry.via ?? []).flatMap((via) =>
      via && typeof via === 'object' && 'url' in via
        ? [
            String((via as { url: unknown }).url)
              .split('/')
              .at(-1) ?? '',
          ]
        : [],
    ),
  }));
  const unexplained = findings
    .filter((finding) => explained[finding.name] === undefined && !finding.advisories.some((id) => explained[id] !== undefined))
    .map((finding) => `${finding.name} (${finding.severity})`);
  return { reachable: true, findings, unexplained };
};

/** The subset of `fetch` used here, so tests hand in a fake registry instead of the network. */
export type RegistryFetch = (
  url: string,
  init: { readonly signal: AbortSignal; readonly headers: Record<string, string> },
) => Promise<{ readonly ok: boolean; readonly status: number; text(): Promise<string> }>;

export interface PackageVersion {
  readonly name: string;
  readonly version: string;
}

export interface DeprecationReport {
  /** Packages whose pinned version the registry marks deprecated, with the maintainer's message. */
  readonly deprecated: readonly (PackageVersion & { readonly message: string })[];
  /** Packages the registry did not answer for: their deprecation status is unknown, not "fine". */
  readonly unchecked: readonly (PackageVersion & { readonly reason: string })[];
  readonly checked: number;
}

/** The registry's document for one version (`GET <registry>/<name>/<version>`); a scope's slash is escaped as npm does. */
export const versionDocumentUrl = (registry: string, { name, version }: PackageVersion): string =>
  `${registry.endsWith('/') ? registry : `${registry}/`}${name.replace('/', '%2f')}/${encodeURIComponent(version)}`;

/**
 * The deprecation message in a registry version document, `undefined` when the version is not
 * deprecated. Throws when the document is not the one asked for, so a wrong answer is reported
 * as unchecked rather than read as "not deprecated".
 */
export const deprecationOf = (json: string, expected: PackageVersion): string | undefined => {
  const document = JSON.parse(json) as { name?: unknown; version?: unknown; deprecated?: unknown };
  if (document.name !== expected.name || document.version !== expected.version) {
    throw new Error(`the registry answered for ${String(document.name)}@${String(document.version)}`);
  }
  // npm clears a deprecation by publishing an empty message; only a non-empty string counts.
  return typeof document.deprecated === 'string' && document.deprecated.trim() !== '' ? document.deprecated : undefined;
};

/** Asks the registry, a few at a time, whether each distinct package@version is deprecated. */
export const deprecationNotices = async (
  packages: readonly PackageVersion[],
  fetchDocument: RegistryFetch,
  registry: string,
  options: { readonly concurrency?: number; readonly timeoutMs?: number } = {},
): Promise<DeprecationReport> => {
  const distinct = [...new Map(packages.map((entry) => [`${entry.name}@${entry.version}`, { name: entry.name, version: entry.version }])).values()];
  const deprecated: (PackageVersion & { message: string })[] = [];
  const unchecked: (PackageVersion & { reason: string })[] = [];
  let next = 0;
  const worker = async () => {
    while (next < distinct.length) {
      const entry = distinct[next++]!;
      try {
        const response = await fetchDocument(versionDocumentUrl(registry, entry), {
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
          headers: { accept: 'application/json' },
        });
        if (!response.ok) {
          unchecked.push({ ...entry, reason: `HTTP ${response.status}` });
          continue;
        }
        const message = deprecationOf(await response.text(), entry);
        if (message !== undefined) deprecated.push({ ...entry, message });
      } catch (error) {
        unchecked.push({ ...entry, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 6, distinct.length) }, worker));
  const order = (a: PackageVersion, b: PackageVersion) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version);
  return { deprecated: deprecated.sort(order), unchecked: unchecked.sort(order), checked: distinct.length };
};

export interface AuditEnvironment {
  /** Runs `npm audit --omit=dev --json`; only its stdout is read (null when npm could not be started). */
  readonly runNpmAudit: () => { readonly stdout: string | null };
  readonly runtimePackages: () => Promise<readonly PackageVersion[]>;
  readonly fetch: RegistryFetch;
  readonly registry: string;
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
}

/** The whole command, its effects injected: returns the exit code. */
export const runAudit = async (env: AuditEnvironment): Promise<number> => {
  const verdict = evaluateAudit(env.runNpmAudit().stdout ?? '');
  if (verdict.reachable) {
    env.log(`npm audit --omit=dev: ${verdict.findings.length} finding(s), ${verdict.unexplained.length} unexplained.`);
    for (const line of verdict.unexplained) env.error(`  unexplained: ${line}`);
    return verdict.unexplained.length > 0 ? 1 : 0;
  }
  env.error('npm audit: the advisory service could not be reached; no advisory was checked.');
  if (verdict.reason !== undefined) env.error(`  ${verdict.reason}`);
  const packages = await env.runtimePackages();
  const report = await deprecationNotices(packages, env.fetch, env.registry);
  env.error(
    `Registry deprecation notices (GET ${env.registry}), ${report.checked} runtime package versions: ${report.deprecated.length} deprecated, ${report.unchecked.length} not answered.`,
  );
  for (const entry of report.deprecated) env.error(`  deprecated: ${entry.name}@${entry.version}: ${entry.message}`);
  for (const entry of report.unchecked) env.error(`  not checked: ${entry.name}@${entry.version} (${entry.reason})`);
  env.error('Advisories looked up by hand, with their date and sources: docs/supply-chain.md. Run `npm run audit` where the advisory endpoint answers to make it authoritative.');
  return 2;
};

const configuredRegistry = (root: string): string => {
  const answer = spawnSync('npm', ['config', 'get', 'registry'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  const registry = (answer.stdout ?? '').trim();
  return /^https?:\/\//.test(registry) ? registry : 'https://registry.npmjs.org/';
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const code = await runAudit({
    runNpmAudit: () => spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 }),
    runtimePackages: () => runtimeDependencies(root),
    fetch: (url, init) => fetch(url, init),
    // The registry npm is configured with (a mirror, if one is set), the one `npm ci` installs from.
    registry: configuredRegistry(root),
    log: (line) => console.log(line),
    error: (line) => console.error(line),
  });
  process.exit(code);
}
