import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so the same value always gives the same bytes:
 * the hash chain and the cursor fingerprints must not depend on property order. Built by string
 * concatenation rather than entries, filters and joins: every append hashes its commit through it.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // A DynamoDB string set unmarshalls to a Set: its members count, in a fixed order.
  if (value instanceof Set) return canonicalJson([...(value as Set<unknown>)].map(String).sort());
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      out += `${index > 0 ? ',' : ''}${canonicalJson(item === undefined ? null : item)}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Sorted by UTF-16 code units, as `<` compares strings.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
};

/** Hex SHA-256 of the UTF-8 text, in one call (Node's one-shot hash: no Hash object per commit). */
export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');
