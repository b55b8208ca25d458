import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendOptionsSchema } from '../../events/appendOptions.js';
import { eventDefinitions } from '../../events/catalogue.js';
import { compiledValidatorsText, type Def, type Schema as CompiledSchema } from '../../events/compile.js';
import { domainEventSchema } from '../../events/envelope.js';
import { compiledRefinements, streamId } from '../../events/primitives.js';
import type { Issue } from '../../events/validatorRuntime.js';
import { validateAppendOptions, validateDomainEvent, validateStreamId } from '../../events/validators.generated.js';

/*
 * The event store validates appends with validators compiled from the catalogue's zod schemas
 * (events/compile.ts). They must accept exactly what zod accepts, give what zod gives, and refuse
 * what zod refuses at the same places, with the schema's own messages. Random valid values are
 * derived from the schemas themselves, then broken at a random place in a random way.
 */

/** The schema as the compiler reads it, with zod's parse for the comparison. */
type Schema = CompiledSchema & {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
};
const defOf = (schema: unknown) => (schema as Schema)._zod.def;
const checksOf = (def: Def) => (def.checks ?? []).map((check) => check._zod.def);
const refinementOf = (def: Def, predicate: string) => (def.checks ?? []).map((check) => compiledRefinements.get(check)).find((compiled) => compiled?.predicate === predicate);

/** Valid values of a schema (zod accepts them: the property below checks it too), built once per schema. */
const arbitraries = new WeakMap<object, fc.Arbitrary<unknown>>();
const valid = (schema: unknown): fc.Arbitrary<unknown> => {
  let arbitrary = arbitraries.get(schema as object);
  if (!arbitrary) arbitraries.set(schema as object, (arbitrary = validOf(schema)));
  return arbitrary;
};
const validOf = (schema: unknown): fc.Arbitrary<unknown> => {
  const def = defOf(schema);
  const checks = checksOf(def);
  const min = checks.find((check) => check.check === 'min_length')?.minimum;
  const max = checks.find((check) => check.check === 'max_length')?.maximum;
  switch (def.type) {
    case 'string': {
      if (def.format === 'datetime') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
      if (refinementOf(def, 'isExistingDay'))
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
      const prefix = refinementOf(def, 'hasIdPrefix')?.args[0];
      // Both forms of an id: a ULID (\`cand_01J…\`) and a readable one (\`ctr_lyon-1\`).
      if (prefix) return fc.oneof(fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), fc.stringMatching(/^[a-z0-9-]{1,64}$/)).map((id) => `${prefix}_${id}`);
      const pattern = checks.find((check) => check.check === 'string_format')?.pattern;
      const base = pattern ? fc.stringMatching(pattern) : fc.string({ minLength: min ?? 0, maxLength: Math.min(max ?? 30, 30) });
      // Trimmed text: sometimes with spaces around, which zod removes.
      const trims = checks.some((check) => check.check === 'overwrite');
      return (trims ? fc.tuple(fc.constantFrom('', ' ', '\n '), base, fc.constantFrom('', '  ')).map(([before, text, after]) => `${before}${text}${after}`) : base).filter(
        (text) => (schema as Schema).safeParse(text).success,
      );
    }
    case 'number': {
      const low = checks.find((check) => check.check === 'greater_than')?.value ?? -1000;
      const high = checks.find((check) => check.check === 'less_than')?.value ?? 100_000;
      return fc.integer({ min: low, max: high });
    }
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'date':
      return fc.date({ noInvalidDate: true });
    case 'optional':
      return fc.option(valid(def.innerType), { nil: undefined });
    case 'array':
      return fc.array(valid(def.element), { minLength: min ?? 0, maxLength: Math.min(max ?? 4, 4) });
    case 'union':
      return fc.oneof(...(def.options ?? []).map(valid));
    case 'object': {
      const shape = def.shape ?? {};
      const required = Object.keys(shape).filter((name) => defOf(shape[name]).type !== 'optional');
      return fc.record(Object.fromEntries(Object.entries(shape).map(([name, member]) => [name, valid(member)])), { requiredKeys: required });
    }
    default:
      throw new Error(`no arbitrary for zod type ${def.type}`);
  }
};

/** Where a value holds something: every path into objects and arrays, the root included. */
const pathsIn = (value: unknown, at: (string | number)[] = []): (string | number)[][] => {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((member, index) => pathsIn(member, [...at, index]))];
  if (value && typeof value === 'object' && !(value instanceof Date)) return [...here, ...Object.entries(value).flatMap(([name, member]) => pathsIn(member, [...at, name]))];
  return here;
};

const WRONG = [
  undefined,
  null,
  0,
  -1,
  1.5,
  501,
  1e20,
  Number.NaN,
  '',
  ' ',
  '  \n',
  'x',
  'a'.repeat(300),
  true,
  [],
  {},
  ['x'],
  '2027-02-30',
  '2027-13-01',
  'ctr_x',
  'jur_abc',
  'cand_ok',
  'RNCP12',
  'Z',
  new Date(Number.NaN),
];
type Mutation =
  | { readonly kind: 'replace'; readonly with: unknown }
  | { readonly kind: 'extra-key' }
  | { readonly kind: 'inherited-key' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'suffix'; readonly with: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WRONG).map((value): Mutation => ({ kind: 'replace', with: value })) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'extra-key' }) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'inherited-key' }) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'drop' }) },
  // After a pattern's end: \`cand_ok!\`, \`2027-01-01Z\`, a ULID one character too long.
  { weight: 2, arbitrary: fc.constantFrom('!', 'Z', ' x', '0').map((text): Mutation => ({ kind: 'suffix', with: text })) },
);

/** An object whose own keys are the given one's, with a key it inherits (zod's strict objects see it too). */
const withInheritedKey = (value: unknown): unknown => Object.assign(Object.create({ inherited: 1 }) as object, value);

/** The value broken at one of its places. */
const broken = (value: unknown, choice: number, change: Mutation): unknown => {
  const copy = structuredClone(value);
  const paths = pathsIn(copy);
  const path = paths[choice % paths.length] ?? [];
  const isObject = (member: unknown) => member !== null && typeof member === 'object' && !Array.isArray(member) && !(member instanceof Date);
  const changed = (member: unknown): unknown => {
    switch (change.kind) {
      case 'replace':
        return change.with;
      case 'suffix':
        return typeof member === 'string' ? `${member}${change.with}` : member;
      case 'extra-key':
        return isObject(member) ? { ...(member as object), extra: 1 } : { extra: 1 };
      case 'inherited-key':
        return isObject(member) ? withInheritedKey(member) : member;
      case 'drop':
        return undefined;
    }
  };
  if (path.length === 0) return changed(copy);
  const parent = path.slice(0, -1).reduce<unknown>((holder, key) => (holder as Record<string | number, unknown>)[key], copy) as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (change.kind === 'drop') delete parent[last];
  else parent[last] = changed(parent[last]);
  return copy;
};

/** The messages the schemas give themselves: the compiled validators must give these same ones. */
const ownMessages = new Set<string>();
const collectMessages = (schema: unknown) => {
  const def = defOf(schema);
  for (const error of [def.error, ...checksOf(def).map((check) => check.error)]) {
    const message = error?.({ code: 'custom' });
    if (typeof message === 'string') ownMessages.add(message);
  }
  for (const member of [...Object.values(def.shape ?? {}), def.element, def.innerType, ...(def.options ?? [])]) if (member) collectMessages(member);
};
for (const definition of eventDefinitions) collectMessages(definition.data);
collectMessages(appendOptionsSchema);

const pathText = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** Both validators on one value: the same verdict, the same output, refusals at the same places with the schema's own messages. */
const compare = (zodSchema: unknown, compiled: (value: unknown, issues: Issue[]) => unknown, value: unknown) => {
  const expected = (zodSchema as Schema).safeParse(value);
  const issues: Issue[] = [];
  const output = compiled(value, issues);
  expect(issues.length === 0, JSON.stringify(issues)).toBe(expected.success);
  if (expected.success) {
    // Strictly: a member given as undefined is kept as zod keeps it.
    expect(output).toStrictEqual(expected.data);
    return true;
  }
  expect(output).toBeUndefined();
  const zodIssues = expected.error.issues;
  expect([...new Set(issues.map((issue) => pathText(issue.path)))].sort()).toEqual([...new Set(zodIssues.map((issue) => pathText(issue.path)))].sort());
  for (const issue of zodIssues.filter((candidate) => ownMessages.has(candidate.message))) {
    expect(issues.map((candidate) => `${pathText(candidate.path)}: ${candidate.message}`)).toContain(`${pathText(issue.path)}: ${issue.message}`);
  }
  return false;
};

/** Values at a schema's bounds and just past them: lengths, sizes and numbers at their minimum and maximum, ±1. */
const boundaryValues = (schema: unknown): unknown[] => {
  const def = defOf(schema);
  if (def.type === 'optional') return boundaryValues(def.innerType);
  const checks = checksOf(def);
  const bounds = (kind: string, field: 'minimum' | 'maximum' | 'value') => checks.filter((check) => check.check === kind).map((check) => check[field] as number);
  const [sample] = fc.sample(valid(schema), { numRuns: 1, seed: 7 });
  if (def.type === 'string') {
    // From the parsed sample (trimmed), so that a length is the one the checks see.
    const parsed = (schema as Schema).safeParse(sample);
    const text = String(parsed.success ? parsed.data : sample);
    const sized = (length: number) => (text.length >= length ? text.slice(0, length) : `${text}${'a'.repeat(length - text.length)}`);
    return [...bounds('max_length', 'maximum'), ...bounds('min_length', 'minimum')].flatMap((bound) =>
      [sized(bound - 1), sized(bound), sized(bound + 1)].filter((_, i) => bound > 0 || i > 0),
    );
  }
  if (def.type === 'number') return [...bounds('greater_than', 'value'), ...bounds('less_than', 'value')].flatMap((bound) => [bound - 1, bound - 0.5, bound, bound + 1]);
  if (def.type === 'array') {
    const [member] = fc.sample(valid(def.element), { numRuns: 1, seed: 7 });
    const lists = [...bounds('max_length', 'maximum'), ...bounds('min_length', 'minimum')].flatMap((bound) =>
      [bound - 1, bound, bound + 1].filter((length) => length >= 0).map((length) => Array.from({ length }, () => member)),
    );
    // Over its maximum with a broken member: zod refuses the size alone, its members unread.
    const overfull = bounds('max_length', 'maximum').map((bound) => [...Array.from({ length: bound }, () => member), null]);
    return [...lists, ...overfull];
  }
  return [];
};

/** Every place of a schema: its members, and the first element of its lists. */
const placesIn = (schema: unknown, at: (string | number)[] = []): { path: (string | number)[]; schema: unknown }[] => {
  const def = defOf(schema);
  if (def.type === 'optional') return placesIn(def.innerType, at);
  const here = [{ path: at, schema }];
  if (def.type === 'object') return [...here, ...Object.entries(def.shape ?? {}).flatMap(([name, member]) => placesIn(member, [...at, name]))];
  if (def.type === 'array') return [...here, ...placesIn(def.element, [...at, 0])];
  return here;
};

/** A copy of `value` with `replacement` at `path`, or undefined when a place on the way is missing (an absent option, an empty list). */
const placed = (value: unknown, path: readonly (string | number)[], replacement: unknown): unknown => {
  const copy = structuredClone(value);
  if (path.length === 0) return replacement;
  let holder = copy as Record<string | number, unknown> | undefined;
  for (const key of path.slice(0, -1)) holder = holder?.[key] as Record<string | number, unknown> | undefined;
  if (!holder || typeof holder !== 'object') return undefined;
  holder[path.at(-1) as string | number] = replacement;
  return copy;
};

const event = fc.constantFrom(...eventDefinitions).chain((definition) => valid(definition.data).map((data) => ({ type: definition.type, data })));

describe('validators compiled from the event catalogue', () => {
  it('are the file the compiler writes today (run `npm run generate:validators` after changing a schema)', async () => {
    expect(readFileSync(new URL('../../events/validators.generated.ts', import.meta.url), 'utf8')).toBe(await compiledValidatorsText());
  });

  it('accept every valid event of every type exactly as zod parses it, trimmed text included', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(event, (value) => {
        seen.add(value.type);
        expect(compare(domainEventSchema, validateDomainEvent, value)).toBe(true);
      }),
      { numRuns: 1500 },
    );
    expect(seen.size).toBe(eventDefinitions.length);
  });

  it('refuse a broken event where zod refuses it, with the schema’s own message, and accept it where zod does', () => {
    let refused = 0;
    fc.assert(
      fc.property(event, fc.nat(), mutation, (value, choice, change) => {
        if (!compare(domainEventSchema, validateDomainEvent, broken(value, choice, change))) refused += 1;
      }),
      { numRuns: 10_000 },
    );
    expect(refused).toBeGreaterThan(6000);
  });

  it('refuse or accept every value at and just past each bound of each event type as zod does (lengths, list sizes, numbers)', () => {
    let cases = 0;
    const typesWithBounds = new Set<string>();
    for (const definition of eventDefinitions) {
      const [data] = fc.sample(valid(definition.data), { numRuns: 1, seed: 11 });
      for (const { path, schema } of placesIn(definition.data)) {
        for (const replacement of boundaryValues(schema)) {
          const value = placed(data, path, replacement);
          if (value === undefined) continue;
          compare(domainEventSchema, validateDomainEvent, { type: definition.type, data: value });
          cases += 1;
          typesWithBounds.add(definition.type);
        }
      }
    }
    expect(cases).toBeGreaterThan(300);
    expect(typesWithBounds.size).toBeGreaterThan(eventDefinitions.length - 3);
  });

  it('check the append options and the stream id as their schemas do', () => {
    fc.assert(
      fc.property(valid(appendOptionsSchema), fc.nat(), fc.option(mutation, { nil: undefined }), (options, choice, change) => {
        compare(appendOptionsSchema, validateAppendOptions, change ? broken(options, choice, change) : options);
      }),
      { numRuns: 1500 },
    );
    for (const id of ['session-ses_01', 'programme-ctr_lyon-1-2027', 'session-', 'sessions-ses_01', 'session-ses 01', '', 42, undefined]) compare(streamId, validateStreamId, id);
  });

  it('refuse an unknown event type at its type', () => {
    const issues: Issue[] = [];
    expect(validateDomainEvent({ type: 'SessionTeleported', data: {} }, issues)).toBeUndefined();
    expect(issues.map((issue) => pathText(issue.path))).toEqual(['type']);
    issues.length = 0;
    expect(validateDomainEvent({ type: 'constructor', data: {} }, issues)).toBeUndefined();
    expect(issues.map((issue) => pathText(issue.path))).toEqual(['type']);
  });
});
