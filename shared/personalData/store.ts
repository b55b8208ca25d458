import { type AttributeValue, BatchGetItemCommand, BatchWriteItemCommand, DeleteItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromItem, toItem, toKey } from '../aws/attributes.js';
import type { Principal } from '../auth/principal.js';
import type { CandidateHold } from '../retention/purge.js';

/**
 * Personal data, kept apart from the immutable event log: events carry only pseudonymous ids
 * (`cand_…`, `jur_…`, `acc_…`); names, birth dates, contacts and the adaptations granted to a
 * candidate with a disability live here, can be erased, and are read only by the roles that need
 * them. The table is encrypted at rest (KMS) by the stack.
 */

/** A candidate's identity, as typed or imported by the centre. */
export interface CandidateIdentity {
  readonly candidateId: string;
  readonly lastName: string;
  readonly firstName: string;
  readonly birthDate: string;
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
}

/** What a member of the jury may read of a candidate: their name. */
export type CandidateName = Pick<CandidateIdentity, 'candidateId' | 'lastName' | 'firstName'>;

/** An adaptation of the tests granted to a candidate: health data (GDPR art. 9), never a diagnosis. */
export interface Accommodation {
  readonly accommodationId: string;
  readonly candidateId: string;
  readonly adaptation: string;
}

export interface JurorIdentity {
  readonly jurorId: string;
  readonly lastName: string;
  readonly firstName: string;
  readonly email: string;
}

/** Who owns a candidate's data: the centre that registered them, its department and region. */
export interface Owner {
  readonly centreId: string;
  readonly department: string;
  readonly region: string;
}

/** The mailbox where a centre's mails go. */
export interface CentreContact {
  readonly email: string;
  readonly displayName: string;
}

export interface PersonalDataStore {
  /** The candidates' identities, and the owner centre's contact when given, in one write. */
  saveCandidates(owner: Owner, candidates: readonly CandidateIdentity[], centreContact?: CentreContact): Promise<void>;
  /** The identities the reader may see, by id; others are simply absent. */
  readCandidates(reader: Principal, candidateIds: readonly string[]): Promise<ReadonlyMap<string, CandidateIdentity>>;
  /** The names (only) the reader may see, by id (mayReadName): `jury` is the session the candidates are asked about. */
  readCandidateNames(reader: Principal, candidateIds: readonly string[], jury?: SessionJury): Promise<ReadonlyMap<string, CandidateName>>;
  saveAccommodation(owner: Owner, accommodation: Accommodation): Promise<void>;
  /** Adaptations: the owning centre only (the jury is informed by the centre, outside the system). */
  readAccommodations(reader: Principal, candidateIds: readonly string[]): Promise<readonly Accommodation[]>;
  saveJuror(department: string, juror: JurorIdentity): Promise<void>;
  readJurors(jurorIds: readonly string[]): Promise<ReadonlyMap<string, JurorIdentity>>;
  /** Erases everything about a candidate (right to erasure); the events keep only the bare id. */
  eraseCandidate(candidateId: string): Promise<void>;
  /**
   * The mailbox where the centre's mails go (PV rejected or validated, deadline reminders): the
   * session manager who last submitted its programme or created one of its sessions.
   */
  saveCentreContact(centreId: string, contact: CentreContact): Promise<void>;
}

/** The partition of the retention purge's holds. */
const HOLDS = 'retention#hold';

// Same item shape as shared/directory/dynamoContacts.ts reads: pk = centre id, sk = `contact`.
const contactItem = (centreId: string, contact: CentreContact) => ({ pk: centreId, sk: 'contact', email: contact.email, displayName: contact.displayName });

/** Whether a reader may see the identity of a candidate owned by `owner`. */
export const mayReadIdentity = (reader: Principal, owner: Owner): boolean => {
  const { role, scope } = reader.actor;
  if (role === 'centre') return scope.centreId === owner.centreId;
  // The UD instructs the PV and pronounces sanctions: it needs names in its department.
  if (role === 'ud') return scope.department === owner.department;
  return false;
};

/** A session's jury, as the session's view names it: the centre that registered its candidates and its members. */
export interface SessionJury {
  readonly centreId: string;
  readonly jurorIds: readonly string[];
}

/**
 * Who may read a candidate's name (and nothing else of their identity): whoever may read the
 * identity, and a member of the jury of the candidate's session. The leaflet forbids a juror to
 * evaluate a candidate they have or had a link with; declaring the link needs to know who the
 * candidate is, and the PV they sign names every candidate.
 */
export const mayReadName = (reader: Principal, owner: Owner, jury?: SessionJury): boolean => {
  if (mayReadIdentity(reader, owner)) return true;
  const { jurorId } = reader.actor.scope;
  return reader.actor.role === 'juror' && jurorId !== undefined && jury !== undefined && jury.centreId === owner.centreId && jury.jurorIds.includes(jurorId);
};

/** Health data: only the centre that organises the adapted tests. */
export const mayReadAccommodation = (reader: Principal, owner: Owner): boolean => reader.actor.role === 'centre' && reader.actor.scope.centreId === owner.centreId;

const IDENTITY = 'identity';
const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
};

/** DynamoDB adapter over the `personalData` table (pk = pseudonymous id, sk = `identity` or `acc#<id>`). */
export class DynamoPersonalDataStore implements PersonalDataStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private async writeAll(items: readonly Record<string, unknown>[]): Promise<void> {
    for (const batch of chunks(items, 25)) {
      let pending = batch.map((item) => ({ PutRequest: { Item: toItem(item) } }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 5) throw new Error('Personal data batch write kept being throttled');
        const result = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = (result.UnprocessedItems?.[this.tableName] ?? []).flatMap((request) => (request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : []));
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  private async readAll(keys: readonly { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    const unique = [...new Map(keys.map((key) => [`${key.pk}|${key.sk}`, key])).values()];
    const found: Record<string, unknown>[] = [];
    for (const batch of chunks(unique, 100)) {
      let pending = batch.map((key) => toKey(key));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 5) throw new Error('Personal data batch read kept being throttled');
        const result = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
        found.push(...(result.Responses?.[this.tableName] ?? []).map((item) => fromItem(item)));
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    return found;
  }

  async saveCandidates(owner: Owner, candidates: readonly CandidateIdentity[], centreContact?: CentreContact): Promise<void> {
    await this.writeAll([
      ...candidates.map((candidate) => ({ pk: candidate.candidateId, sk: IDENTITY, ...owner, ...candidate })),
      ...(centreContact ? [contactItem(owner.centreId, centreContact)] : []),
    ]);
  }

  async readCandidates(reader: Principal, candidateIds: readonly string[]): Promise<ReadonlyMap<string, CandidateIdentity>> {
    const items = await this.readAll(candidateIds.map((pk) => ({ pk, sk: IDENTITY })));
    const map = new Map<string, CandidateIdentity>();
    for (const item of items) {
      const owner = item as unknown as Owner;
      if (!mayReadIdentity(reader, owner)) continue;
      const { candidateId, lastName, firstName, birthDate, email, phone } = item as unknown as CandidateIdentity;
      map.set(candidateId, { candidateId, lastName, firstName, birthDate, email, phone });
    }
    return map;
  }

  async readCandidateNames(reader: Principal, candidateIds: readonly string[], jury?: SessionJury): Promise<ReadonlyMap<string, CandidateName>> {
    const items = await this.readAll(candidateIds.map((pk) => ({ pk, sk: IDENTITY })));
    const map = new Map<string, CandidateName>();
    for (const item of items) {
      if (!mayReadName(reader, item as unknown as Owner, jury)) continue;
      const { candidateId, lastName, firstName } = item as unknown as CandidateIdentity;
      map.set(candidateId, { candidateId, lastName, firstName });
    }
    return map;
  }

  async saveAccommodation(owner: Owner, accommodation: Accommodation): Promise<void> {
    await this.writeAll([{ pk: accommodation.candidateId, sk: `acc#${accommodation.accommodationId}`, ...owner, ...accommodation }]);
  }

  async readAccommodations(reader: Principal, candidateIds: readonly string[]): Promise<readonly Accommodation[]> {
    const out: Accommodation[] = [];
    for (const candidateId of new Set(candidateIds)) {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :acc)',
          ExpressionAttributeValues: toKey({ ':pk': candidateId, ':acc': 'acc#' }),
          ConsistentRead: true,
        }),
      );
      for (const raw of result.Items ?? []) {
        const item = fromItem(raw);
        if (!mayReadAccommodation(reader, item as unknown as Owner)) continue;
        out.push({ accommodationId: String(item.accommodationId), candidateId, adaptation: String(item.adaptation) });
      }
    }
    return out;
  }

  async saveCentreContact(centreId: string, contact: CentreContact): Promise<void> {
    await this.writeAll([contactItem(centreId, contact)]);
  }

  async saveJuror(department: string, juror: JurorIdentity): Promise<void> {
    await this.writeAll([{ pk: juror.jurorId, sk: IDENTITY, department, ...juror }]);
  }

  async readJurors(jurorIds: readonly string[]): Promise<ReadonlyMap<string, JurorIdentity>> {
    const items = await this.readAll(jurorIds.map((pk) => ({ pk, sk: IDENTITY })));
    return new Map(
      items.map((item) => {
        const { jurorId, lastName, firstName, email } = item as unknown as JurorIdentity;
        return [jurorId, { jurorId, lastName, firstName, email }] as const;
      }),
    );
  }

  /**
   * The retention purge's holds (shared/retention/purge.ts): one item per candidate held, in one
   * partition of their own (`retention#hold`), which no candidate, centre or juror id can name.
   */
  async holdCandidate(hold: CandidateHold): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: toItem({ pk: HOLDS, sk: hold.candidateId, since: hold.since }) }));
  }

  async *candidateHolds(): AsyncIterable<CandidateHold> {
    let cursor: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: toKey({ ':pk': HOLDS }),
          ConsistentRead: true,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const { sk, since } = fromItem(item) as { sk: string; since: string };
        yield { candidateId: sk, since };
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor);
  }

  async releaseCandidateHold(candidateId: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: toKey({ pk: HOLDS, sk: candidateId }) }));
  }

  async eraseCandidate(candidateId: string): Promise<void> {
    const result = await this.client.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: toKey({ ':pk': candidateId }), ConsistentRead: true }),
    );
    for (const item of result.Items ?? []) {
      const { pk, sk } = fromItem(item) as { pk: string; sk: string };
      await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: toKey({ pk, sk }) }));
    }
  }
}
