/**
 * `npm run audit`: `npm audit --omit=dev`, where every finding must be either fixed or explained
 * here (why it does not reach this system). Exit codes: 0 clean or every finding explained,
 * 1 an unexplained finding, 2 the advisory service could not be reached (nothing was checked).
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Advisory (package name or GHSA id) → why it does not reach this system. Empty: none needed today. */
export const explainedFindings: Readonly<Record<string, string>> = {};

export interface AuditVerdict {
  readonly reachable: boolean;
  readonly findings: readonly { readonly name: string; readonly severity: string; readonly advisories: readonly string[] }[];
  readonly unexplained: readonly string[];
}

interface AuditReport {
  readonly error?: unknown;
  readonly message?: string;
  readonly vulnerabilities?: Readonly<Record<string, { readonly name?: string; readonly severity?: string; readonly via?: readonly unknown[] }>>;
}

/** Reads `npm audit --json` output: each vulnerable package, its advisories, and which are not explained. */
export const evaluateAudit = (json: string, explained: Readonly<Record<string, string>> = explainedFindings): AuditVerdict => {
  let report: AuditReport;
  try {
    report = JSON.parse(json) as AuditReport;
  } catch {
    return { reachable: false, findings: [], unexplained: [] };
  }
  if (report.vulnerabilities === undefined) return { reachable: false, findings: [], unexplained: [] };
  const findings = Object.entries(report.vulnerabilities).map(([name, entry]) => ({
    name,
    severity: entry.severity ?? 'unknown',
    advisories: (entry.via ?? []).flatMap((via) => (via && typeof via === 'object' && 'url' in via ? [String((via as { url: unknown }).url).split('/').at(-1) ?? ''] : [])),
  }));
  const unexplained = findings
    .filter((finding) => explained[finding.name] === undefined && !finding.advisories.some((id) => explained[id] !== undefined))
    .map((finding) => `${finding.name} (${finding.severity})`);
  return { reachable: true, findings, unexplained };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
  const verdict = evaluateAudit(run.stdout);
  if (!verdict.reachable) {
    console.error('npm audit: the advisory service could not be reached; nothing was checked.');
    console.error(run.stderr.split('\n').find((line) => line.includes('error')) ?? '');
    process.exit(2);
  }
  console.log(`npm audit --omit=dev: ${verdict.findings.length} finding(s), ${verdict.unexplained.length} unexplained.`);
  for (const line of verdict.unexplained) console.error(`  unexplained: ${line}`);
  process.exit(verdict.unexplained.length > 0 ? 1 : 0);
}
