import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so the same value always gives the same bytes:
 * the hash chain and the cursor fingerprints must not depend on property order.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // A DynamoDB string set unmarshalls to a Set: its members count, in a fixed order.
  if (value instanceof Set) return canonicalJson([...(value as Set<unknown>)].map(String).sort());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
