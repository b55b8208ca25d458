/*
 * What the validators compiled from the event catalogue run (events/compile.ts writes
 * events/validators.generated.ts, which declares one validator per schema with these factories).
 * Plain TypeScript without zod, with zod's semantics for the schema kinds the catalogue uses: the
 * differential test (test/events/validators.unit.test.ts) runs both.
 */

type Key = string | number;
type Path = readonly Key[];

/** What a compiled validator refuses: where (the path from the value checked) and why, in French. */
export interface Issue {
  readonly path: Path;
  readonly message: string;
  /** The value was of the wrong type: its checks were skipped (zod's aborted issue). */
  readonly abort?: true;
}

/** Checks `value`, found under `key` of the value at `at`: its output, meaningful only when it added no issue. */
export type Validator = (value: unknown, at: Path, key: Key | undefined, issues: Issue[]) => unknown;

const pathOf = (at: Path, key: Key | undefined): Path => (key === undefined ? at : [...at, key]);

const abortedSince = (issues: readonly Issue[], start: number): boolean => {
  for (let index = start; index < issues.length; index += 1) if (issues[index]?.abort) return true;
  return false;
};

/** Check kinds: a length at least or at most, a pattern, a predicate, bounds, and trimming. */
export const Kind = { AT_LEAST: 0, AT_MOST: 1, MATCHES: 2, SATISFIES: 3, GTE: 4, GT: 5, LTE: 6, LT: 7, TRIM: 8 } as const;
const { AT_LEAST, AT_MOST, MATCHES, SATISFIES, GTE, GT, LTE, LT, TRIM } = Kind;

/** One check of a value: its kind, its operand and its message. */
export type Check =
  | readonly [typeof AT_LEAST | typeof AT_MOST | typeof GTE | typeof GT | typeof LTE | typeof LT | typeof TRIM, number, string]
  | readonly [typeof MATCHES, RegExp, string]
  | readonly [typeof SATISFIES, (subject: never) => boolean, string];

const passes = (check: Check, subject: unknown, length: unknown): boolean => {
  switch (check[0]) {
    case AT_LEAST:
      return (length as number) >= check[1];
    case AT_MOST:
      return (length as number) <= check[1];
    case MATCHES:
      return check[1].test(subject as string);
    case SATISFIES:
      return (check[1] as (subject: unknown) => boolean)(subject);
    case GTE:
      return (subject as number) >= check[1];
    case GT:
      return (subject as number) > check[1];
    case LTE:
      return (subject as number) <= check[1];
    case LT:
      return (subject as number) < check[1];
    default:
      return true;
  }
};

/**
 * Runs a value's checks in order, each reporting its issue and letting the next run, as zod does;
 * gives the value as the checks leave it (trimmed). Given `lengthsOnly`, only the length checks
 * run: zod runs them on any value with a length, even of the wrong type.
 */
const run = (checks: readonly Check[], subject: unknown, length: unknown, at: Path, key: Key | undefined, issues: Issue[], lengthsOnly = false): unknown => {
  let value = subject;
  let size = length;
  for (const check of checks) {
    if (check[0] === TRIM) {
      if (!lengthsOnly) size = (value = (value as string).trim()).length;
    } else if ((!lengthsOnly || check[0] <= AT_MOST) && !passes(check, value, size)) issues.push({ path: pathOf(at, key), message: check[2] });
  }
  return value;
};

/** The length checks of a value of the wrong type, when it has a length (zod's `when`). */
const lengthsOfWrongType = (checks: readonly Check[], value: unknown, at: Path, key: Key | undefined, issues: Issue[]): void => {
  const length = value === null || value === undefined ? undefined : (value as { length?: unknown }).length;
  if (length !== undefined) run(checks, value, length, at, key, issues, true);
};

/** A string; a format (an ISO instant…) is the schema's own check, run first with its message. */
export const text =
  (message: string, format: readonly [RegExp, string] | undefined, checks: readonly Check[]): Validator =>
  (value, at, key, issues) => {
    if (typeof value !== 'string') {
      issues.push({ path: pathOf(at, key), message, abort: true });
      lengthsOfWrongType(checks, value, at, key, issues);
      return undefined;
    }
    if (format && !format[0].test(value)) issues.push({ path: pathOf(at, key), message: format[1] });
    return run(checks, value, value.length, at, key, issues);
  };

/** A finite number; with `integer` messages (fraction, beyond the safe integers), a safe integer: a fraction aborts, as zod's int format does. */
export const number =
  (message: string, integer: readonly [string, string] | undefined, checks: readonly Check[]): Validator =>
  (value, at, key, issues) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push({ path: pathOf(at, key), message, abort: true });
      return undefined;
    }
    if (integer) {
      if (!Number.isInteger(value)) {
        issues.push({ path: pathOf(at, key), message: integer[0], abort: true });
        return undefined;
      }
      if (!Number.isSafeInteger(value)) issues.push({ path: pathOf(at, key), message: integer[1] });
    }
    return run(checks, value, undefined, at, key, issues);
  };

/** A valid date (not `new Date('nonsense')`). */
export const date =
  (message: string, checks: readonly Check[]): Validator =>
  (value, at, key, issues) => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      issues.push({ path: pathOf(at, key), message, abort: true });
      return undefined;
    }
    return run(checks, value, undefined, at, key, issues);
  };

/** One of a few values (an enum, a literal, a boolean). */
export const oneOf = (values: readonly unknown[], message: string): Validator => {
  const allowed = new Set(values);
  return (value, at, key, issues) => {
    if (allowed.has(value)) return value;
    issues.push({ path: pathOf(at, key), message, abort: true });
    return undefined;
  };
};

/** An optional member: undefined is accepted as it is. */
export const optional =
  (inner: Validator): Validator =>
  (value, at, key, issues) =>
    value === undefined ? undefined : inner(value, at, key, issues);

/** A list: as zod (`capSize`), one longer than its smallest maximum is refused for that alone, its members unread. */
export const list = (element: Validator, message: string, checks: readonly Check[]): Validator => {
  let cap: Check | undefined;
  for (const check of checks) if (check[0] === AT_MOST && (cap === undefined || check[1] < (cap[1] as number))) cap = check;
  return (value, at, key, issues) => {
    if (!Array.isArray(value)) {
      issues.push({ path: pathOf(at, key), message, abort: true });
      lengthsOfWrongType(checks, value, at, key, issues);
      return undefined;
    }
    if (cap !== undefined && value.length > (cap[1] as number)) {
      issues.push({ path: pathOf(at, key), message: cap[2], abort: true });
      return undefined;
    }
    const here = pathOf(at, key);
    const output: unknown[] = [];
    for (let index = 0; index < value.length; index += 1) output.push(element(value[index], here, index, issues));
    // Its length checks run even when a member was of the wrong type (zod's `when`).
    run(checks, value, value.length, at, key, issues);
    return output;
  };
};

/** As zod: an option accepting the value wins; one option failing only on its checks gives its issues; otherwise the union is refused as a whole. */
export const union =
  (options: readonly Validator[], message: string): Validator =>
  (value, at, key, issues) => {
    const results: Issue[][] = [];
    for (const option of options) {
      const tried: Issue[] = [];
      const output = option(value, at, key, tried);
      if (tried.length === 0) return output;
      results.push(tried);
    }
    const checked = results.filter((tried) => !abortedSince(tried, 0));
    if (checked.length === 1) issues.push(...(checked[0] as Issue[]));
    else issues.push({ path: pathOf(at, key), message, abort: true });
    return undefined;
  };

const unknownKeysOf = (input: object, known: (name: string) => boolean): string[] => {
  const unknownKeys: string[] = [];
  // Inherited keys too, as zod's strict objects see them.
  for (const name in input) if (!known(name)) unknownKeys.push(name);
  return unknownKeys;
};

/** An object: each member checked by its validator; other keys refused (strict) or left out. */
export const object = (members: readonly (readonly [string, Validator])[], strict: boolean, message: string): Validator => {
  const fields = new Map(members);
  return (value, at, key, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path: pathOf(at, key), message, abort: true });
      return undefined;
    }
    const here = pathOf(at, key);
    const input = value as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    for (const [name, validator] of fields) {
      const member = validator(input[name], here, name, issues);
      // A member given as undefined stays, as zod keeps it; an absent one stays absent.
      if (member !== undefined || name in input) output[name] = member;
    }
    if (strict) {
      const unknownKeys = unknownKeysOf(input, (name) => fields.has(name));
      // As zod: an unknown key fails the parse but does not abort it (it describes the input's shape).
      if (unknownKeys.length > 0) issues.push({ path: here, message: `Champ inconnu : ${unknownKeys.join(', ')}.` });
    }
    return output;
  };
};

/** What a validator gives a value it accepts; undefined when it added an issue (its partial output is never used). */
export const checked =
  (validator: Validator) =>
  (value: unknown, issues: Issue[]): unknown => {
    const start = issues.length;
    const output = validator(value, [], undefined, issues);
    return issues.length === start ? output : undefined;
  };

/** A domain event (`{ type, data }`), its data checked by the validator of its type; undefined with its issues. */
export const domainEvent = (dataOf: Readonly<Record<string, Validator>>) => {
  const byType = new Map(Object.entries(dataOf));
  return (value: unknown, issues: Issue[]): unknown => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path: [], message: 'Objet attendu.', abort: true });
      return undefined;
    }
    const { type, data } = value as Record<string, unknown>;
    const validator = typeof type === 'string' ? byType.get(type) : undefined;
    if (!validator) {
      issues.push({ path: ['type'], message: 'Type d’événement inconnu.', abort: true });
      return undefined;
    }
    const start = issues.length;
    const output = validator(data, [], 'data', issues);
    const unknownKeys = unknownKeysOf(value, (name) => name === 'type' || name === 'data');
    if (unknownKeys.length > 0) issues.push({ path: [], message: `Champ inconnu : ${unknownKeys.join(', ')}.` });
    return issues.length === start ? { type, data: output } : undefined;
  };
};
