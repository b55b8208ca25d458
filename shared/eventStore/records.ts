import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromItem } from '../aws/attributes.js';
import type { StoredEvent } from '../../events/index.js';
import { upcast } from '../../events/versions.js';
import { canonicalJson, sha256Hex } from './canonical.js';

/**
 * The items the DynamoDB store writes, and the conversions shared by the store and the functions
 * that react to the `events` table's stream.
 */

/** prevHash of the first commit of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/** Attribute of a commit holding the set of its event types: the stream filters of the CDK stack
 * (infra/stack.ts) and of the offline change feed match on it. */
export const COMMIT_EVENT_TYPES_ATTRIBUTE = 'eventTypes';

/**
 * One commit in the `events` table. `events` is the JSON of the stored events; `eventTypes` (a
 * string set) and the scope attributes repeat what the events hold so that a stream filter can
 * route on them without parsing. `hash` covers every other attribute (see {@link commitHash}).
 */
export type CommitItem = {
  pk: string;
  sk: number;
  firstVersion: number;
  lastVersion: number;
  events: string;
  eventTypes?: Set<string> | undefined;
  idempotencyKey?: string | undefined;
  requestHash?: string | undefined;
  centreId?: string | undefined;
  department?: string | undefined;
  region: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
};

const isText = (value: unknown): value is string => typeof value === 'string';
const isOptionalText = (value: unknown) => value === undefined || typeof value === 'string';
const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1;

/**
 * The commit item `raw` holds (an unmarshalled item), or undefined when an attribute is missing or
 * malformed. Checked by hand rather than by a schema: the stream consumers carry this module, and
 * the chain verifier and the digest read every commit through it.
 */
export const commitItemOf = (raw: unknown): CommitItem | undefined => {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const item = raw as Record<string, unknown>;
  const eventTypes = item.eventTypes;
  const valid =
    isText(item.pk) &&
    isCount(item.sk) &&
    isCount(item.firstVersion) &&
    isCount(item.lastVersion) &&
    isText(item.events) &&
    (eventTypes === undefined || (eventTypes instanceof Set && [...eventTypes].every(isText))) &&
    isOptionalText(item.idempotencyKey) &&
    isOptionalText(item.requestHash) &&
    isOptionalText(item.centreId) &&
    isOptionalText(item.department) &&
    isText(item.region) &&
    isText(item.recordedAt) &&
    isText(item.prevHash) &&
    isText(item.hash);
  return valid ? (item as unknown as CommitItem) : undefined;
};

/** Like commitItemOf, throwing on anything that is not a commit item. */
export const parseCommitItem = (raw: unknown): CommitItem => {
  const item = commitItemOf(raw);
  if (!item) throw new Error('Not a commit item: an attribute is missing or malformed');
  return item;
};

/**
 * SHA-256 of the canonical JSON of every attribute of the commit but `hash` itself: the stream id,
 * the commit number, the previous hash and the events, and also the versions, the key and the
 * scope, so that no attribute can be edited behind the store's back without `verify` noticing.
 */
export const commitHash = (item: Omit<CommitItem, 'hash'> & { hash?: string }): string => {
  const { hash: _ignored, ...body } = item;
  return sha256Hex(canonicalJson(body));
};

/**
 * Parses the stored events JSON of a commit and brings each event to the catalogue's current
 * schema version. The events were validated against their schema when written and the hash chain
 * protects them since, so they are not re-validated here (reads stay cheap).
 */
export const parseCommitEvents = (eventsJson: string): StoredEvent[] => {
  const raw = JSON.parse(eventsJson) as Array<StoredEvent>;
  return raw.map((event) => upcast(event) as StoredEvent);
};

/**
 * A DynamoDB stream record's NewImage (from `aws-lambda`'s or the SDK's AttributeValue map) as a
 * commit item. Throws on an image that is not a commit (the indexer reports it as a batch failure).
 */
export const commitItemFromStreamImage = (newImage: Readonly<Record<string, unknown>>): CommitItem =>
  // The two AttributeValue types (aws-lambda's and the SDK's) describe the same wire shape; the
  // result is validated right after.
  parseCommitItem(fromItem(newImage as Record<string, AttributeValue>));

/** The stored events of the commit in a stream record's NewImage, in stream order. */
export const eventsFromStreamRecord = (newImage: Readonly<Record<string, unknown>>): StoredEvent[] => parseCommitEvents(commitItemFromStreamImage(newImage).events);

/** One item of the `history` table per event; the GSI keys are set only when the scope has them. */
export interface HistoryItem {
  pk: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly actorId: string;
  recordedAt: string;
  readonly centreKey?: string;
  readonly departmentKey?: string;
  readonly regionKey: string;
  readonly typeKey: string;
  readonly event: string;
}

export const historyItemOf = (event: StoredEvent): HistoryItem => ({
  pk: event.id,
  eventId: event.id,
  streamId: event.streamId,
  version: event.version,
  type: event.type,
  actorId: event.actor.id,
  recordedAt: event.recordedAt,
  ...(event.scope.centreId ? { centreKey: event.scope.centreId } : {}),
  ...(event.scope.department ? { departmentKey: event.scope.department } : {}),
  regionKey: event.scope.region,
  typeKey: event.type,
  event: JSON.stringify(event),
});
