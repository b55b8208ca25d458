import { COMMIT_EVENT_TYPES_ATTRIBUTE } from '../shared/eventStore/records.js';

/**
 * The filter of a stream consumer's event source mapping, written once: the CDK stack puts it in
 * the mapping's `FilterCriteria` and the offline change feed evaluates it on every record, so both
 * deliver the same commits.
 *
 * A consumer receives a commit whose `eventTypes` string set holds one of its declared types. The
 * pattern reads the `dynamodb` key only (no `eventName`: DynamoDB mappings filter on nothing else):
 * a removal has no new image, so it never matches; a commit changed after its insert (an edit outside
 * the store) does match, and the consumers skip it with an error line (shared/views/streamBatch.ts).
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly string[] };

export const streamFilterPattern = (eventTypes: readonly string[]): FilterPattern => ({
  dynamodb: { NewImage: { [COMMIT_EVENT_TYPES_ATTRIBUTE]: { SS: [...eventTypes] } } },
});

/**
 * Whether a record matches a pattern, with the rules Lambda event filtering applies to the subset
 * the project uses: every key of the pattern must be present; a leaf lists the accepted values, and
 * an array in the record matches when one of its elements is accepted
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
 */
export const matchesFilterPattern = (pattern: FilterPattern, value: unknown): boolean =>
  Object.entries(pattern).every(([key, expected]) => {
    if (typeof value !== 'object' || value === null || !(key in value)) return false;
    const actual = (value as Record<string, unknown>)[key];
    if (!Array.isArray(expected)) return matchesFilterPattern(expected as FilterPattern, actual);
    const accepted = new Set<unknown>(expected);
    return Array.isArray(actual) ? actual.some((element) => accepted.has(element)) : accepted.has(actual);
  });
