import * as z from 'zod/mini';
// The French locale alone: `z.locales.fr()` would pull every locale (≈ 260 KB) into each Lambda bundle.
import fr from 'zod/v4/locales/fr.js';
import { hasVisibleCharacter } from '../../events/checks.js';
import { AppError, type FieldError } from '../errors.js';

/*
 * Validation at the edge. Messages are French and attached to the field that caused them, in plain
 * words a session manager understands; schema-level messages (from events/primitives.ts) win.
 */

const plainMessage = (issue: z.core.$ZodRawIssue): string | undefined => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Ce champ est obligatoire.';
      return (
        {
          number: 'Un nombre est attendu.',
          int: 'Un nombre entier est attendu.',
          boolean: 'Oui ou non est attendu.',
          string: 'Un texte est attendu.',
          array: 'Une liste est attendue.',
          object: 'Un objet est attendu.',
        } as Record<string, string>
      )[issue.expected];
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Ce champ est obligatoire.' : `${issue.minimum} caractères au moins.`;
      if (issue.origin === 'array') return `Au moins ${issue.minimum} élément${Number(issue.minimum) > 1 ? 's' : ''}.`;
      return `La valeur doit être au moins ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'string') return `${issue.maximum} caractères au plus.`;
      if (issue.origin === 'array') return `${issue.maximum} éléments au plus.`;
      return `La valeur doit être au plus ${issue.maximum}.`;
    case 'invalid_value':
      return 'Choisissez une des valeurs proposées.';
    case 'unrecognized_keys':
      return 'Champ inconnu.';
    case 'invalid_format':
      return 'Format invalide.';
    default:
      return undefined;
  }
};

// French everywhere: our plain messages first, zod's French locale for anything else.
z.config(fr());
z.config({ customError: plainMessage });

/** Dotted path of a zod issue: `candidates.2.birthDate`. */
const pathOf = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/** The field errors of a failed parse; unknown keys are reported one field each. */
export const fieldErrorsOf = (error: z.core.$ZodError): FieldError[] => {
  const all = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: pathOf([...issue.path, key]).slice(0, 200), message: 'Champ inconnu.' }))
      : [{ field: pathOf(issue.path).slice(0, 200), message: issue.message }],
  );
  // One message per field, the first: a bad date need not say both "format" and "does not exist".
  const seen = new Set<string>();
  return all.filter((error) => !seen.has(error.field) && seen.add(error.field));
};

/** Parses input with a schema, or throws a 400 AppError listing each field's French message. */
export const parseInput = <T extends z.ZodMiniType>(schema: T, value: unknown): z.output<T> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError('input.invalid', 'validation', 'Certains champs sont à corriger.', fieldErrorsOf(result.error));
};

/** Marks a schema as a calendar date, so forms may send dd/mm/yyyy and the OpenAPI says `format: date`. */
export const dateField = <T extends z.ZodMiniType>(schema: T): T =>
  // A copy is marked: the shared primitive (events/primitives.ts) stays unmarked.
  (schema.clone() as z.ZodMiniType).register(z.globalRegistry, { format: 'date' }) as T;

interface Def {
  type: string;
  shape?: Record<string, z.ZodMiniType>;
  element?: z.ZodMiniType;
  innerType?: z.ZodMiniType;
  in?: z.ZodMiniType;
}
const defOf = (schema: z.ZodMiniType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const FRENCH_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/**
 * A form sends only strings. Guided by the schema, turns them into what the JSON API takes:
 * numbers, booleans (a checkbox is present or absent), arrays (one or many), dates typed dd/mm/yyyy,
 * and empty optional fields into absent ones. A value that does not convert is left as is, so the
 * schema reports it in French.
 */
export const coerceForm = (schema: z.ZodMiniType, value: unknown): unknown => {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      if (value === undefined || (value === '' && def.type !== 'nullable' && defOf(def.innerType as z.ZodMiniType).type !== 'boolean')) return undefined;
      return coerceForm(def.innerType as z.ZodMiniType, value);
    case 'pipe':
      return coerceForm(def.in as z.ZodMiniType, value);
    case 'number':
    case 'int':
      return typeof value === 'string' && /^\s*-?\d+(?:[.,]\d+)?\s*$/.test(value) ? Number(value.trim().replace(',', '.')) : value;
    case 'boolean':
      if (value === undefined) return false;
      if (typeof value === 'string') return ({ on: true, true: true, oui: true, false: false, non: false } as Record<string, boolean>)[value] ?? value;
      return value;
    case 'array': {
      const items = value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value];
      return items.map((item) => coerceForm(def.element as z.ZodMiniType, item));
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return value === undefined ? coerceForm(schema, {}) : value;
      }
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const shape = def.shape ?? {};
      // Own keys only: a field named after Object.prototype's members (`toString`) is unknown, and refused.
      for (const key of Object.keys(record)) if (!Object.hasOwn(shape, key)) out[key] = record[key];
      for (const [key, field] of Object.entries(shape)) {
        const converted = coerceForm(field, record[key]);
        if (converted !== undefined) out[key] = converted;
      }
      return out;
    }
    case 'string': {
      if (typeof value !== 'string') return value;
      // An empty field, or one of invisible characters only, was not filled in: "obligatoire", not "bad format".
      if (!hasVisibleCharacter(value)) return undefined;
      const meta = z.globalRegistry.get(schema);
      const match = meta?.format === 'date' ? FRENCH_DATE.exec(value.trim()) : null;
      return match ? `${match[3]}-${match[2]}-${match[1]}` : value;
    }
    default:
      return value;
  }
};
