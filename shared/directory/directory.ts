import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The directory of units: who the departmental units (UD, today DDETS or DDETS-PP) and the regional
 * directions (DREETS, formerly DIRECCTE) are, and where mail reaches them. Kept as data, not as
 * strings in the code: the customer writes "DIRECCTE", current texts say DREETS/DDETS, and each
 * unit's mailbox is a setting that an operator can override (`UNIT_DIRECTORY_JSON`).
 */
export interface Unit {
  /** Department code (`69`) for a UD, INSEE region code (`84`) for a regional direction. */
  readonly code: string;
  readonly kind: 'ud' | 'region';
  /** Full French label, as written in mails: « Direction départementale de l’emploi, du travail et des solidarités du Rhône ». */
  readonly label: string;
  /** Short French label: « DDETS du Rhône ». */
  readonly shortLabel: string;
  readonly email: string;
  /** Postal address, when known. */
  readonly postalAddress?: string | undefined;
  /** For a UD, the region it belongs to. */
  readonly region?: string | undefined;
}

export interface DirectoryData {
  readonly units: readonly Unit[];
}

/** What each field of a unit must look like: a message when it does not. */
const unitFields: Readonly<Record<keyof Unit, (value: unknown) => string | undefined>> = {
  code: (value) => (typeof value === 'string' && value.length >= 2 && value.length <= 3 ? undefined : 'a code of 2 or 3 characters'),
  kind: (value) => (value === 'ud' || value === 'region' ? undefined : "'ud' or 'region'"),
  label: (value) => (typeof value === 'string' && value.length > 0 ? undefined : 'a label'),
  shortLabel: (value) => (typeof value === 'string' && value.length > 0 ? undefined : 'a short label'),
  email: (value) => (typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : 'an email address'),
  postalAddress: (value) => (value === undefined || typeof value === 'string' ? undefined : 'a text'),
  region: (value) => (value === undefined || (typeof value === 'string' && /^\d{2}$/.test(value)) ? undefined : 'a region code of 2 digits'),
};

/**
 * Checks a directory read from a file or a variable, naming each faulty path (`units.0.email:
 * expected an email address`). By hand rather than by a schema: the functions that address mail
 * carry this module.
 */
export const parseDirectory = (raw: unknown): DirectoryData => {
  const issues: string[] = [];
  const units = typeof raw === 'object' && raw !== null ? (raw as { units?: unknown }).units : undefined;
  if (!Array.isArray(units)) issues.push('units: expected a list of units');
  else {
    if (Object.keys(raw as object).some((key) => key !== 'units')) issues.push('only units is expected');
    units.forEach((unit: unknown, index) => {
      if (typeof unit !== 'object' || unit === null) return void issues.push(`units.${index}: expected a unit`);
      for (const [field, check] of Object.entries(unitFields)) {
        const problem = check((unit as Record<string, unknown>)[field]);
        if (problem) issues.push(`units.${index}.${field}: expected ${problem}`);
      }
      for (const key of Object.keys(unit)) if (!(key in unitFields)) issues.push(`units.${index}.${key}: unknown field`);
    });
  }
  if (issues.length > 0) throw new Error(issues.join('; '));
  return raw as DirectoryData;
};

const ud = (code: string, of: string, domain: string): Unit => ({
  code,
  kind: 'ud',
  label: `Direction départementale de l’emploi, du travail et des solidarités ${of}`,
  shortLabel: `DDETS ${of}`,
  // Default mailbox on the prefecture's domain; the exact address is a setting to confirm per unit.
  email: `ddets-titres-professionnels@${domain}.gouv.fr`,
  region: '84',
});

/**
 * Auvergne-Rhône-Alpes and its twelve departments. The regional mailbox is the leaflet's; the
 * departmental mailboxes are defaults to confirm with each unit (override them, do not edit here).
 */
export const defaultDirectoryData: DirectoryData = {
  units: [
    {
      code: '84',
      kind: 'region',
      label: 'Direction régionale de l’économie, de l’emploi, du travail et des solidarités Auvergne-Rhône-Alpes',
      shortLabel: 'DREETS Auvergne-Rhône-Alpes',
      email: 'ara.titres-professionnels@direccte.gouv.fr',
      postalAddress: 'Tour Swiss Life, 1 boulevard Vivier-Merle, 69443 Lyon Cedex 03',
    },
    ud('01', 'de l’Ain', 'ain'),
    ud('03', 'de l’Allier', 'allier'),
    ud('07', 'de l’Ardèche', 'ardeche'),
    ud('15', 'du Cantal', 'cantal'),
    ud('26', 'de la Drôme', 'drome'),
    ud('38', 'de l’Isère', 'isere'),
    ud('42', 'de la Loire', 'loire'),
    ud('43', 'de la Haute-Loire', 'haute-loire'),
    ud('63', 'du Puy-de-Dôme', 'puy-de-dome'),
    ud('69', 'du Rhône', 'rhone'),
    ud('73', 'de la Savoie', 'savoie'),
    ud('74', 'de la Haute-Savoie', 'haute-savoie'),
  ],
};

/** Environment variable holding a JSON `{ "units": [...] }` whose entries replace or add units by kind and code. */
const DIRECTORY_ENV = 'UNIT_DIRECTORY_JSON';

/** A unit the directory does not know: the mail cannot be addressed (it is dead-lettered, not dropped). */
export class UnknownUnitError extends Error {
  override readonly name = 'UnknownUnitError';
}

export class Directory {
  private readonly units = new Map<string, Unit>();

  constructor(data: DirectoryData = defaultDirectoryData, overrides?: DirectoryData) {
    for (const unit of [...data.units, ...(overrides?.units ?? [])]) this.units.set(`${unit.kind}#${unit.code}`, unit);
  }

  /** The UD of a department. */
  ud(department: string): Unit {
    const unit = this.units.get(`ud#${department}`);
    if (!unit) throw new UnknownUnitError(`No departmental unit for department ${department}`);
    return unit;
  }

  /** The region of a department, by its UD; undefined for a department the directory does not know. */
  regionOf(department: string): string | undefined {
    return this.units.get(`ud#${department}`)?.region;
  }

  /** The regional direction of a region. */
  region(region: string): Unit {
    const unit = this.units.get(`region#${region}`);
    if (!unit) throw new UnknownUnitError(`No regional direction for region ${region}`);
    return unit;
  }

  /** Every unit, for the admin page. */
  all(): readonly Unit[] {
    return [...this.units.values()];
  }
}

/**
 * Variable naming the deployment's directory file (a JSON `{ "units": [...] }`), relative to the
 * function's code (`LAMBDA_TASK_ROOT`): the stack ships the file given by `--context directoryFile`
 * with the functions that address units, and sets this. It replaces the directory compiled in.
 */
export const DIRECTORY_FILE_ENV = 'UNIT_DIRECTORY_FILE';

/** Name of the directory file inside a function's package. */
export const DIRECTORY_FILE_NAME = 'unit-directory.json';

/**
 * The directory of this deployment, read once at cold start: the file named by
 * `UNIT_DIRECTORY_FILE` if set (else the one compiled in), then the overrides of
 * `UNIT_DIRECTORY_JSON`. A missing or malformed file fails the cold start, naming it.
 */
export const loadDirectory = (env: NodeJS.ProcessEnv = process.env): Directory => {
  const file = env[DIRECTORY_FILE_ENV];
  let data = defaultDirectoryData;
  if (file) {
    const location = resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), file);
    try {
      data = parseDirectory(JSON.parse(readFileSync(location, 'utf8')));
    } catch (error) {
      throw new Error(`Directory of units ${location} (${DIRECTORY_FILE_ENV}) cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }
  const raw = env[DIRECTORY_ENV];
  return new Directory(data, raw ? parseDirectory(JSON.parse(raw)) : undefined);
};
