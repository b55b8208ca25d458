/**
 * The refinements of the event schemas as plain predicates, without zod: the schemas in
 * events/primitives.ts check with them, and so do the validators compiled from those schemas
 * (events/validators.generated.ts, `npm run generate:validators`), which the event store runs.
 */

/** Whether `YYYY-MM-DD` names a day that exists (no 31 February). */
export const isExistingDay = (value: string): boolean => {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

/** Whether an id carries its type's prefix (`ctr_…` for a centre). */
export const hasIdPrefix = (value: string, prefix: string): boolean => value.startsWith(`${prefix}_`);

/**
 * Whether a text shows something: not only spaces and invisible format characters (zero-width
 * space U+200B, joiners U+200C/U+200D, word joiner U+2060, BOM U+FEFF…), which `trim` keeps.
 */
export const hasVisibleCharacter = (value: string): boolean => /[^\s\p{Cf}]/u.test(value);

/** Whether a date is a real instant (not `new Date('nonsense')`). */
export const isValidDate = (value: Date): boolean => !Number.isNaN(value.getTime());
