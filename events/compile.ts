import { format, resolveConfig } from 'prettier';
import { appendOptionsSchema } from './appendOptions.js';
import { eventDefinitions } from './catalogue.js';
import { compiledRefinements, streamId } from './primitives.js';

/*
 * The validator compiler (issue 16): plain TypeScript that checks what the zod schemas of the
 * catalogue check, written at build time into events/validators.generated.ts
 * (`npm run generate:validators`), so that the event store validates every append without zod
 * in any function's bundle. Each schema becomes one validator, built by a factory of
 * events/validatorRuntime.ts (text, number, list, object…); a value's checks become a table (kind,
 * operand, message) that the runtime runs, which keeps the module small (where zod and the
 * catalogue weigh 41 KB minified). A test compiles again and compares (a
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
  private readonly expressions = new Map<string, string>();
  /** Patterns, then validators, in the order they are declared: a validator after those it uses. */
  private readonly declarations: string[] = [];
  private readonly patterns = new Map<string, string>();

  /** The name of the validator of `schema` (one per schema object; equal schemas built apart, two `text(200)`, share one). */
  validator(schema: Schema, where: string): string {
    let name = this.names.get(schema);
    if (!name) {
      // Schemas hold no cycles: members are compiled (declared) first.
      const expression = this.expression(schema._zod.def, where);
      name = this.expressions.get(expression);
      if (!name) {
        name = `v${this.expressions.size}`;
        this.expressions.set(expression, name);
        this.declarations.push(`const ${name} = ${expression};`);
      }
      this.names.set(schema, name);
    }
    return name;
  }

  /** The factory call (events/validatorRuntime.ts) that builds the validator of a schema. */
  private expression(def: Def, where: string): string {
    const own = ownMessage(def);
    switch (def.type) {
      case 'string': {
        // A string format (an ISO instant…) is a check of the schema itself, run first, with the schema's message.
        let format = 'undefined';
        if (def.format) {
          if (!def.pattern) throw new Error(`${where}: the string format "${def.format}" has no pattern to compile`);
          format = `[${this.pattern(def.pattern, where)}, ${literal(own ?? 'Format invalide.')}]`;
        }
        return `text(${literal(own ?? 'Texte attendu.')}, ${format}, ${this.checks(def, where, 'caractère')})`;
      }
      case 'number': {
        if (def.format !== undefined && def.format !== 'safeint') throw new Error(`${where}: the number format "${def.format}" cannot be compiled`);
        const integer = def.format === 'safeint' ? literal([own ?? 'Nombre entier attendu.', own ?? 'Nombre trop grand.']) : 'undefined';
        return `number(${literal(own ?? 'Nombre attendu.')}, ${integer}, ${this.checks(def, where, '')})`;
      }
      case 'boolean':
        return `oneOf([true, false], ${literal(own ?? 'Vrai ou faux attendu.')})`;
      case 'enum': {
        const values = Object.values(def.entries ?? {});
        if (values.some((value) => typeof value !== 'string')) throw new Error(`${where}: only an enum of strings can be compiled`);
        return `oneOf(${literal(values)}, ${literal(own ?? `Valeur attendue : ${values.join(', ')}.`)})`;
      }
      case 'literal':
        if ((def.values ?? []).some((value) => typeof value !== 'string' && typeof value !== 'boolean' && !Number.isFinite(value)))
          throw new Error(`${where}: only string, boolean and finite number literals can be compiled`);
        return `oneOf(${literal(def.values ?? [])}, ${literal(own ?? 'Valeur inattendue.')})`;
      case 'date':
        return `date(${literal(own ?? 'Date attendue.')}, ${this.checks(def, where, '')})`;
      case 'optional':
        return `optional(${this.validator(def.innerType as Schema, where)})`;
      case 'array':
        return `list(${this.validator(def.element as Schema, `${where}[]`)}, ${literal(own ?? 'Liste attendue.')}, ${this.checks(def, where, 'élément')})`;
      case 'union': {
        const options = (def.options ?? []).map((option, index) => this.validator(option, `${where}|${index}`));
        return `union([${options.join(', ')}], ${literal(own ?? 'Valeur invalide.')})`;
      }
      case 'object': {
        const shape = def.shape ?? {};
        const strict = def.catchall?._zod.def.type === 'never';
        if (def.catchall && !strict) throw new Error(`${where}: an object with a catchall cannot be compiled`);
        const members = Object.entries(shape).map(([name, member]) => `[${literal(name)}, ${this.validator(member, `${where}.${name}`)}]`);
        return `object([${members.join(', ')}], ${strict}, ${literal(own ?? 'Objet attendu.')})`;
      }
      default:
        throw new Error(`${where}: zod type "${def.type}" cannot be compiled (events/compile.ts)`);
    }
  }

  private pattern(pattern: RegExp, where: string): string {
    if (pattern.global || pattern.sticky) throw new Error(`${where}: a global or sticky pattern keeps state between tests`);
    const source = pattern.toString();
    let name = this.patterns.get(source);
    if (!name) {
      name = `P${this.patterns.size}`;
      this.patterns.set(source, name);
      this.declarations.push(`const ${name} = ${source};`);
    }
    return name;
  }

  /**
   * The checks of a value as a table (kind, operand, message) that events/validatorRuntime.ts runs,
   * in zod's order, each with its message: the check's own, else a French one.
   */
  private checks(def: Def, where: string, unit: string): string {
    const rows: string[] = [];
    for (const instance of def.checks ?? []) {
      const check = instance._zod.def;
      const row = (kind: string, operand: string, message: string) => rows.push(`[Kind.${kind}, ${operand}, ${literal(ownMessage(check) ?? message)}]`);
      switch (check.check) {
        case 'overwrite': {
          // The only overwrite the catalogue uses is z.trim(); any other would be compiled wrong.
          const samples = ['  a  b \n', '\u00a0\tÉté\u2028', 'A-b_c', ''];
          if (samples.some((sample) => check.tx?.(sample) !== sample.trim())) throw new Error(`${where}: only z.trim() can be compiled among overwrites`);
          rows.push("[Kind.TRIM, 0, '']");
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
            compiled.args.length === 0 ? `checks.${compiled.predicate}` : `(subject: string) => checks.${compiled.predicate}(subject, ${compiled.args.map(literal).join(', ')})`;
          row('SATISFIES', call, 'Valeur invalide.');
          break;
        }
        default:
          throw new Error(`${where}: the check "${check.check}" cannot be compiled`);
      }
    }
    return `[${rows.join(', ')}]`;
  }

  module(): string {
    const events = eventDefinitions.map((definition) => `  ${definition.type}: ${this.validator(definition.data as unknown as Schema, definition.type)},`);
    const options = this.validator(appendOptionsSchema as unknown as Schema, 'appendOptions');
    const stream = this.validator(streamId as unknown as Schema, 'streamId');
    const body = this.declarations.join('\n');
    // The runtime's names this catalogue uses (a check kind no schema has is not imported).
    const runtime = ['date', 'Kind', 'list', 'number', 'object', 'oneOf', 'optional', 'text', 'union'];
    const used = ['checked', 'domainEvent', ...runtime.filter((name) => new RegExp(`\\b${name}\\b`).test(body))].sort((x, y) => x.localeCompare(y));
    return `// Generated by \`npm run generate:validators\` from the event catalogue (events/compile.ts): do not edit.
import * as checks from './checks.js';
import { ${used.join(', ')} } from './validatorRuntime.js';

${body}

/** A domain event (\`{ type, data }\`) as the catalogue's schema parses it, or undefined with its issues. */
export const validateDomainEvent = domainEvent({
${events.join('\n')}
});

/** The options of an append (events/appendOptions.ts), as its schema parses them. */
export const validateAppendOptions = checked(${options});

/** A stream id (events/primitives.ts \`streamId\`). */
export const validateStreamId = checked(${stream});
`;
  }
}

/** The text of events/validators.generated.ts, formatted as the repository formats TypeScript. */
export const compiledValidatorsText = async (): Promise<string> => {
  const file = new URL('./validators.generated.ts', import.meta.url).pathname;
  const options = (await resolveConfig(file)) ?? {};
  return format(new Compiler().module(), { ...options, filepath: file });
};
