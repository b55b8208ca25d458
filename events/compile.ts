import { format, resolveConfig } from 'prettier';
import { appendOptionsSchema } from './appendOptions.js';
import { eventDefinitions } from './catalogue.js';
import { compiledRefinements, streamId } from './primitives.js';

/*
 * The validator compiler (issue 16): plain TypeScript that checks what the zod schemas of the
 * catalogue check, written at build time into events/validators.generated.ts
 * (`npm run generate:validators`), so that the event store validates every append without zod
 * in any function's bundle. Each schema becomes a function; a value's checks become a table
 * (kind, operand, message) that a few helpers of the generated module run, which keeps it small
 * (18 KB minified, where zod and the catalogue weigh 41). A test compiles again and compares (a
 * stale file fails), and a differential test runs both on random valid and broken events and on
 * every bound (test/events/validators.unit.test.ts).
 *
 * It compiles the schema kinds the catalogue uses, with zod's semantics: strings with length
 * checks, patterns, trimming and registered refinements (events/primitives.ts `compiledAs`);
 * safe integers with bounds; booleans; enums; literals; valid dates; optional members; arrays
 * with length checks; unions; strict objects (an unknown key is refused) and plain ones (it is
 * left out); and the catalogue's union of events on their type. Any other kind, or a refinement
 * without a compiled form, stops the compiler with its path. As with zod, every check of a value
 * runs (each issue is reported); a value of the wrong type skips its checks, except the length
 * checks, which zod runs on anything with a length; a list longer than its maximum is refused for
 * that alone (zod 4.6's `capSize`), its members unread. Messages: the schema's or the check's own
 * where it gives one (a schema's own message is for its type, and for its format when it is one),
 * else the French messages below.
 */

/** The parts of zod's internal definitions that the compiler reads (zod 4, `schema._zod.def`). */
export interface Def {
  readonly type: string;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly error?: (issue: object) => unknown;
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly catchall?: Schema;
  readonly element?: Schema;
  readonly innerType?: Schema;
  readonly options?: readonly Schema[];
  readonly entries?: Readonly<Record<string, string | number>>;
  readonly values?: readonly unknown[];
}
interface CheckDef {
  readonly check: string;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly tx?: (value: unknown) => unknown;
  readonly error?: (issue: object) => unknown;
}
export interface Schema {
  readonly _zod: { readonly def: Def };
}

/** The message a schema or check gives itself (`{ message }` or `error`), if any. */
const ownMessage = (def: { readonly error?: (issue: object) => unknown }): string | undefined => {
  const given = def.error?.({ code: 'custom', input: undefined });
  if (typeof given === 'string') return given;
  if (given && typeof given === 'object' && typeof (given as { message?: unknown }).message === 'string') return (given as { message: string }).message;
  return undefined;
};

const literal = (value: unknown): string => JSON.stringify(value);

/** « 1 caractère », « 200 caractères ». */
const counted = (count: number | undefined, unit: string): string => `${count} ${unit}${(count ?? 0) > 1 ? 's' : ''}`;

class Compiler {
  private readonly names = new Map<Schema, string>();
  private readonly bodies = new Map<string, string>();
  private readonly functions: string[] = [];
  private readonly constants: string[] = [];
  private readonly constantNames = new Map<string, string>();

  /** A module-level constant (a pattern, a set of keys), shared by every function that needs it. */
  private constant(source: string): string {
    let name = this.constantNames.get(source);
    if (!name) {
      name = `C${this.constantNames.size}`;
      this.constantNames.set(source, name);
      this.constants.push(`const ${name} = ${source};`);
    }
    return name;
  }

  /** The name of the function that checks `schema` (one per schema object, shared where the catalogue shares it). */
  validator(schema: Schema, where: string): string {
    let name = this.names.get(schema);
    if (!name) {
      // Schemas hold no cycles: members are compiled first, and equal schemas built apart (two
      // `text(200)`) share one function.
      const body = this.body(schema._zod.def, where);
      name = this.bodies.get(body);
      if (!name) {
        name = `v${this.bodies.size}`;
        this.bodies.set(body, name);
        this.functions.push(`function ${name}(value: unknown, at: Path, key: Key | undefined, issues: Issue[]): unknown {\n${body}\n}`);
      }
      this.names.set(schema, name);
    }
    return name;
  }

  private body(def: Def, where: string): string {
    const own = ownMessage(def);
    const fail = (message: string, abort = true) => `issues.push({ path: pathOf(at, key), message: ${literal(own ?? message)}${abort ? ', abort: true' : ''} });`;
    switch (def.type) {
      case 'string':
        return this.string(def, where, own);
      case 'number':
        return this.number(def, where, own);
      case 'boolean':
        return `if (typeof value !== 'boolean') { ${fail('Vrai ou faux attendu.')} return undefined; }\nreturn value;`;
      case 'enum': {
        const values = Object.values(def.entries ?? {});
        if (values.some((value) => typeof value !== 'string')) throw new Error(`${where}: only an enum of strings can be compiled`);
        return `if (!${this.constant(`new Set<unknown>(${literal(values)})`)}.has(value)) { ${fail(`Valeur attendue : ${values.join(', ')}.`)} return undefined; }\nreturn value;`;
      }
      case 'literal':
        if ((def.values ?? []).some((value) => typeof value !== 'string' && typeof value !== 'boolean' && !Number.isFinite(value)))
          throw new Error(`${where}: only string, boolean and finite number literals can be compiled`);
        return `if (!${this.constant(`new Set<unknown>(${literal(def.values ?? [])})`)}.has(value)) { ${fail('Valeur inattendue.')} return undefined; }\nreturn value;`;
      case 'date':
        return `return date(value, at, key, issues, ${literal(own ?? 'Date attendue.')}, ${this.checkTable(def, where, '')});`;
      case 'optional':
        return `return value === undefined ? undefined : ${this.validator(def.innerType as Schema, where)}(value, at, key, issues);`;
      case 'array': {
        const element = this.validator(def.element as Schema, `${where}[]`);
        return `return list(value, at, key, issues, ${element}, ${literal(own ?? 'Liste attendue.')}, ${this.checkTable(def, where, 'élément')});`;
      }
      case 'union': {
        const options = (def.options ?? []).map((option, index) => this.validator(option, `${where}|${index}`));
        return [
          'const results: Issue[][] = [];',
          ...options.map((option) => `{ const tried: Issue[] = []; const output = ${option}(value, at, key, tried); if (tried.length === 0) return output; results.push(tried); }`),
          // As zod: one option failing only on its checks gives its own issues; otherwise the union is refused as a whole.
          'const checked = results.filter((tried) => !abortedSince(tried, 0));',
          'if (checked.length === 1) { issues.push(...(checked[0] as Issue[])); return undefined; }',
          `${fail('Valeur invalide.')}`,
          'return undefined;',
        ].join('\n');
      }
      case 'object':
        return this.object(def, where, own);
      default:
        throw new Error(`${where}: zod type "${def.type}" cannot be compiled (events/compile.ts)`);
    }
  }

  private object(def: Def, where: string, own: string | undefined): string {
    const shape = def.shape ?? {};
    const strict = def.catchall?._zod.def.type === 'never';
    if (def.catchall && !strict) throw new Error(`${where}: an object with a catchall cannot be compiled`);
    const names = Object.keys(shape);
    const fields = names.map((name) => `[${literal(name)}, ${this.validator(shape[name] as Schema, `${where}.${name}`)}]`);
    const table = this.constant(`new Map<string, Validator>([${fields.join(', ')}])`);
    return `return object(value, at, key, issues, ${table}, ${strict}, ${literal(own ?? 'Objet attendu.')});`;
  }

  private string(def: Def, where: string, own: string | undefined): string {
    // A string format (an ISO instant…) is a check of the schema itself, run first, with the schema's message.
    let format = 'undefined';
    if (def.format) {
      if (!def.pattern) throw new Error(`${where}: the string format "${def.format}" has no pattern to compile`);
      format = `[${this.pattern(def.pattern, where)}, ${literal(own ?? 'Format invalide.')}]`;
    }
    return `return text(value, at, key, issues, ${literal(own ?? 'Texte attendu.')}, ${format}, ${this.checkTable(def, where, 'caractère')});`;
  }

  private number(def: Def, where: string, own: string | undefined): string {
    if (def.format !== undefined && def.format !== 'safeint') throw new Error(`${where}: the number format "${def.format}" cannot be compiled`);
    const messages = [own ?? 'Nombre attendu.', ...(def.format === 'safeint' ? [own ?? 'Nombre entier attendu.', own ?? 'Nombre trop grand.'] : [])];
    return `return number(value, at, key, issues, ${this.constant(literal(messages))}, ${this.checkTable(def, where, '')});`;
  }

  private pattern(pattern: RegExp, where: string): string {
    if (pattern.global || pattern.sticky) throw new Error(`${where}: a global or sticky pattern keeps state between tests`);
    return this.constant(pattern.toString());
  }

  /**
   * The checks of a value as a table the generated module's \`run\` reads, in zod's order (see the
   * kinds there), each with its message: the check's own, else a French one. Shared by the
   * schemas that have the same checks.
   */
  private checkTable(def: Def, where: string, unit: string): string {
    const rows: string[] = [];
    for (const instance of def.checks ?? []) {
      const check = instance._zod.def;
      const row = (kind: string, operand: string, message: string) => rows.push(`[${kind}, ${operand}, ${literal(ownMessage(check) ?? message)}]`);
      switch (check.check) {
        case 'overwrite': {
          // The only overwrite the catalogue uses is z.trim(); any other would be compiled wrong.
          const samples = ['  a  b \n', '\u00a0\tÉté\u2028', 'A-b_c', ''];
          if (samples.some((sample) => check.tx?.(sample) !== sample.trim())) throw new Error(`${where}: only z.trim() can be compiled among overwrites`);
          rows.push('[TRIM, 0, ""]');
          break;
        }
        case 'min_length':
          row('AT_LEAST', String(check.minimum), `Au moins ${counted(check.minimum, unit)}.`);
          break;
        case 'max_length':
          row('AT_MOST', String(check.maximum), `Au plus ${counted(check.maximum, unit)}.`);
          break;
        case 'greater_than':
          row(check.inclusive ? 'GTE' : 'GT', String(check.value), `${check.inclusive ? 'Au moins' : 'Plus de'} ${check.value}.`);
          break;
        case 'less_than':
          row(check.inclusive ? 'LTE' : 'LT', String(check.value), `${check.inclusive ? 'Au plus' : 'Moins de'} ${check.value}.`);
          break;
        case 'string_format':
          if (check.format !== 'regex' || !check.pattern) throw new Error(`${where}: the string check "${check.format}" cannot be compiled`);
          row('MATCHES', this.pattern(check.pattern, where), 'Format invalide.');
          break;
        case 'custom': {
          // Registered as the check object z.refine returned, which the schema keeps among its checks.
          const compiled = compiledRefinements.get(instance);
          if (!compiled) throw new Error(`${where}: a refinement without a compiled form (events/primitives.ts compiledAs)`);
          const call =
            compiled.args.length === 0 ? `checks.${compiled.predicate}` : `(subject: never) => checks.${compiled.predicate}(subject, ${compiled.args.map(literal).join(', ')})`;
          row('SATISFIES', call, 'Valeur invalide.');
          break;
        }
        default:
          throw new Error(`${where}: the check "${check.check}" cannot be compiled`);
      }
    }
    return this.constant(`[${rows.join(', ')}] as const satisfies readonly Check[]`);
  }

  module(): string {
    const events = eventDefinitions.map((definition) => ({ definition, validator: this.validator(definition.data as unknown as Schema, definition.type) }));
    const options = this.validator(appendOptionsSchema as unknown as Schema, 'appendOptions');
    const stream = this.validator(streamId as unknown as Schema, 'streamId');
    return `// Generated by \`npm run generate:validators\` from the event catalogue (events/compile.ts): do not edit.
import * as checks from './checks.js';

type Key = string | number;
type Path = readonly Key[];

/** What a compiled validator refuses: where (the path from the value checked) and why, in French. */
export interface Issue {
  readonly path: Path;
  readonly message: string;
  /** The value was of the wrong type: its checks were skipped (zod's aborted issue). */
  readonly abort?: true;
}

type Validator = (value: unknown, at: Path, key: Key | undefined, issues: Issue[]) => unknown;

const pathOf = (at: Path, key: Key | undefined): Path => (key === undefined ? at : [...at, key]);
const abortedSince = (issues: readonly Issue[], start: number): boolean => {
  for (let index = start; index < issues.length; index += 1) if (issues[index]?.abort) return true;
  return false;
};

/** An object: each member checked by its validator; other keys (inherited ones too, as zod sees them) refused (strict) or left out. */
const object = (value: unknown, at: Path, key: Key | undefined, issues: Issue[], fields: ReadonlyMap<string, Validator>, strict: boolean, message: string): unknown => {
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
    const unknownKeys: string[] = [];
    for (const name in input) if (!fields.has(name)) unknownKeys.push(name);
    // As zod: an unknown key fails the parse but does not abort it (it describes the input's shape).
    if (unknownKeys.length > 0) issues.push({ path: here, message: \`Champ inconnu : \${unknownKeys.join(', ')}.\` });
  }
  return output;
};

/* Check kinds: a length at least or at most, a pattern, a predicate, bounds, and trimming. */
const AT_LEAST = 0;
const AT_MOST = 1;
const MATCHES = 2;
const SATISFIES = 3;
const GTE = 4;
const GT = 5;
const LTE = 6;
const LT = 7;
const TRIM = 8;
/** One check of a value: its kind, its operand and its message. */
type Check =
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
 * gives the value as the checks leave it (trimmed). Given \`lengthsOnly\`, only the length checks
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

/** The length of a value of the wrong type, for its length checks (undefined: they do not run). */
const lengthOf = (value: unknown): unknown => (value === null || value === undefined ? undefined : (value as { length?: unknown }).length);

const text = (value: unknown, at: Path, key: Key | undefined, issues: Issue[], message: string, format: readonly [RegExp, string] | undefined, checks: readonly Check[]): unknown => {
  if (typeof value !== 'string') {
    issues.push({ path: pathOf(at, key), message, abort: true });
    const length = lengthOf(value);
    if (length !== undefined) run(checks, value, length, at, key, issues, true);
    return undefined;
  }
  if (format && !format[0].test(value)) issues.push({ path: pathOf(at, key), message: format[1] });
  return run(checks, value, value.length, at, key, issues);
};

/** A number: finite; when \`messages\` has three, a safe integer (a fraction aborts, as zod's int format does). */
const number = (value: unknown, at: Path, key: Key | undefined, issues: Issue[], messages: readonly string[], checks: readonly Check[]): unknown => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.push({ path: pathOf(at, key), message: messages[0] as string, abort: true });
    return undefined;
  }
  if (messages.length === 3) {
    if (!Number.isInteger(value)) {
      issues.push({ path: pathOf(at, key), message: messages[1] as string, abort: true });
      return undefined;
    }
    if (!Number.isSafeInteger(value)) issues.push({ path: pathOf(at, key), message: messages[2] as string });
  }
  return run(checks, value, undefined, at, key, issues);
};

const date = (value: unknown, at: Path, key: Key | undefined, issues: Issue[], message: string, checks: readonly Check[]): unknown => {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    issues.push({ path: pathOf(at, key), message, abort: true });
    return undefined;
  }
  return run(checks, value, undefined, at, key, issues);
};

/** A list: as zod (\`capSize\`), one longer than its smallest maximum is refused for that alone, its members unread. */
const list = (value: unknown, at: Path, key: Key | undefined, issues: Issue[], element: Validator, message: string, checks: readonly Check[]): unknown => {
  if (!Array.isArray(value)) {
    issues.push({ path: pathOf(at, key), message, abort: true });
    const length = lengthOf(value);
    if (length !== undefined) run(checks, value, length, at, key, issues, true);
    return undefined;
  }
  let cap: Check | undefined;
  for (const check of checks) if (check[0] === AT_MOST && (cap === undefined || check[1] < (cap[1] as number))) cap = check;
  if (cap !== undefined && value.length > (cap[1] as number)) {
    issues.push({ path: pathOf(at, key), message: cap[2], abort: true });
    return undefined;
  }
  const here = pathOf(at, key);
  const output: unknown[] = [];
  for (let index = 0; index < value.length; index += 1) output.push(element(value[index], here, index, issues));
  // Its length checks run even when a member was of the wrong type (zod's \`when\`).
  run(checks, value, value.length, at, key, issues);
  return output;
};

${this.constants.join('\n')}

${this.functions.join('\n\n')}

const eventData: Readonly<Record<string, Validator>> = Object.assign(Object.create(null) as object, {
${events.map(({ definition, validator }) => `  ${definition.type}: ${validator},`).join('\n')}
});

/** What a validator gives a value it accepts; undefined when it added an issue (its partial output is never used). */
const checked = (validator: Validator, value: unknown, issues: Issue[]): unknown => {
  const start = issues.length;
  const output = validator(value, [], undefined, issues);
  return issues.length === start ? output : undefined;
};

/** A domain event (\`{ type, data }\`) as the catalogue's schema parses it, or undefined with its issues. */
export const validateDomainEvent = (value: unknown, issues: Issue[]): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: [], message: 'Objet attendu.', abort: true });
    return undefined;
  }
  const { type, data } = value as Record<string, unknown>;
  const validator = typeof type === 'string' ? eventData[type] : undefined;
  if (!validator) {
    issues.push({ path: ['type'], message: 'Type d’événement inconnu.', abort: true });
    return undefined;
  }
  const start = issues.length;
  const output = validator(data, [], 'data', issues);
  const unknownKeys: string[] = [];
  for (const name in value) if (name !== 'type' && name !== 'data') unknownKeys.push(name);
  if (unknownKeys.length > 0) issues.push({ path: [], message: \`Champ inconnu : \${unknownKeys.join(', ')}.\` });
  return issues.length === start ? { type, data: output } : undefined;
};

/** The options of an append (events/appendOptions.ts), as its schema parses them. */
export const validateAppendOptions = (value: unknown, issues: Issue[]): unknown => checked(${options}, value, issues);

/** A stream id (events/primitives.ts \`streamId\`). */
export const validateStreamId = (value: unknown, issues: Issue[]): unknown => checked(${stream}, value, issues);
`;
  }
}

/** The text of events/validators.generated.ts, formatted as the repository formats TypeScript. */
export const compiledValidatorsText = async (): Promise<string> => {
  const file = new URL('./validators.generated.ts', import.meta.url).pathname;
  const options = (await resolveConfig(file)) ?? {};
  return format(new Compiler().module(), { ...options, filepath: file });
};
