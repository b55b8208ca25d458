/**
 * The DynamoDB tables, described once as plain data. The CDK stack builds them from here and the
 * offline runtime creates them in dynalite from here, so both always agree on keys and indexes.
 */
type KeyType = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: KeyType;
}

interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
}

export interface TableDefinition {
  /** Logical name, also the suffix of the physical name (`<stage>-tp-<logicalName>`). */
  readonly logicalName: TableName;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  readonly globalIndexes: readonly IndexDefinition[];
  /** Whether changes feed the reacting functions (a DynamoDB stream of new images in AWS). */
  readonly stream: boolean;
  /** Attribute holding an expiry epoch (seconds) when the table uses TTL. */
  readonly ttlAttribute?: string;
  /** Why the table exists. */
  readonly description: string;
}

export const tableNames = ['events', 'history', 'views', 'outbox', 'deadlines', 'personalData'] as const;
export type TableName = (typeof tableNames)[number];

const s = (name: string): KeyDefinition => ({ name, type: 'S' });
const n = (name: string): KeyDefinition => ({ name, type: 'N' });

export const tables: Readonly<Record<TableName, TableDefinition>> = {
  events: {
    logicalName: 'events',
    partitionKey: s('pk'),
    sortKey: n('sk'),
    globalIndexes: [],
    stream: true,
    description: 'The event store: one item per commit (pk = stream id, sk = commit version), hash-chained.',
  },
  history: {
    logicalName: 'history',
    partitionKey: s('pk'),
    globalIndexes: [
      { name: 'byCentre', partitionKey: s('centreKey'), sortKey: s('eventId') },
      { name: 'byDepartment', partitionKey: s('departmentKey'), sortKey: s('eventId') },
      { name: 'byRegion', partitionKey: s('regionKey'), sortKey: s('eventId') },
      { name: 'byType', partitionKey: s('typeKey'), sortKey: s('eventId') },
    ],
    stream: false,
    description: 'One item per event, keyed for history queries across streams (centre, department, region, type; time-ordered by ULID).',
  },
  views: {
    logicalName: 'views',
    partitionKey: s('pk'),
    sortKey: s('sk'),
    globalIndexes: [
      { name: 'byOwner', partitionKey: s('ownerKey'), sortKey: s('ownerSort') },
      { name: 'byDepartment', partitionKey: s('deptKey'), sortKey: s('deptSort') },
      { name: 'byRegion', partitionKey: s('regionKey'), sortKey: s('regionSort') },
      { name: 'toInstruct', partitionKey: s('instructKey'), sortKey: s('instructSort') },
    ],
    stream: false,
    description:
      "Read models kept by the projector, one item per aggregate (pk = stream id), each remembering the last event version applied, and one item per juror of a session (pk = juror stream id, sk = session#id); indexes: a centre's sessions, jurors and centres of a department, a juror's sessions by end date (byOwner), a department's sessions (byDepartment), a region's sessions (byRegion), PVs waiting for the UD (toInstruct, sparse).",
  },
  outbox: {
    logicalName: 'outbox',
    partitionKey: s('pk'),
    globalIndexes: [{ name: 'deadLetters', partitionKey: s('deadKey'), sortKey: s('pk') }],
    stream: false,
    ttlAttribute: 'expiresAt',
    description:
      'Every mail with its deterministic id (cause, kind, recipient), recorded before sending and marked sent after: a redelivery never sends twice. The sparse deadLetters index lists by deadKey the mails claimed for sending (sending: the sweeper resends those whose sender died) and those SES kept refusing (dead); a sent mail leaves it.',
  },
  deadlines: {
    logicalName: 'deadlines',
    partitionKey: s('pk'),
    sortKey: s('sk'),
    globalIndexes: [{ name: 'byDueDate', partitionKey: s('dueKey'), sortKey: s('dueSort') }],
    stream: false,
    description: 'Open deadlines indexed by the day a reminder or an alert is due, so the daily run reads only what is due.',
  },
  personalData: {
    logicalName: 'personalData',
    partitionKey: s('pk'),
    sortKey: s('sk'),
    globalIndexes: [],
    stream: false,
    ttlAttribute: 'purgeAt',
    description: "Candidates' names, birth dates, contacts and accommodations: outside the event log, erasable, read by role.",
  },
};
