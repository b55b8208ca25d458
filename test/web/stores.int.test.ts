import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../shared/auth/principal.js';
import { DynamoIdempotencyStore } from '../../shared/http/idempotency.js';
import { DynamoPersonalDataStore } from '../../shared/personalData/store.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { users } from './support/app.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite('web');
});
afterAll(async () => dynamo.stop());

const as = (handle: string) => principalFromClaims(users[handle] as never);
const lyon = { centreId: 'ctr_lyon-formation', department: '69', region: '84' };

describe('the personal-data store on DynamoDB', () => {
  it('given candidates of a centre, their identities are read by that centre and its UD only, adaptations by the centre only, and erasure removes them', async () => {
    const store = new DynamoPersonalDataStore(dynamo.client, dynamo.tables.personalData);
    const candidates = Array.from({ length: 30 }, (_, index) => ({ candidateId: `cand_c-${index}`, lastName: `Nom${index}`, firstName: 'Léa', birthDate: '1990-01-01' }));
    await store.saveCandidates(lyon, candidates);
    await store.saveAccommodation(lyon, { accommodationId: 'acc_a-1', candidateId: 'cand_c-1', adaptation: 'Tiers-temps' });
    const ids = candidates.map((c) => c.candidateId);

    expect((await store.readCandidates(as('centre'), ids)).size).toBe(30);
    expect((await store.readCandidates(as('ud'), ids)).get('cand_c-2')?.lastName).toBe('Nom2');
    expect((await store.readCandidates(as('centre2'), ids)).size).toBe(0);
    expect((await store.readCandidates(as('ud38'), ids)).size).toBe(0);
    expect((await store.readCandidates(as('region'), ids)).size).toBe(0);
    expect(await store.readAccommodations(as('centre'), ['cand_c-1'])).toEqual([{ accommodationId: 'acc_a-1', candidateId: 'cand_c-1', adaptation: 'Tiers-temps' }]);
    expect(await store.readAccommodations(as('ud'), ['cand_c-1'])).toEqual([]);

    await store.eraseCandidate('cand_c-1');
    expect((await store.readCandidates(as('centre'), ['cand_c-1'])).size).toBe(0);
    expect(await store.readAccommodations(as('centre'), ['cand_c-1'])).toEqual([]);
  });
});

describe('the idempotency store on DynamoDB', () => {
  it('reserves a key once, returns the first answer after completion, refuses other data, and frees a released key', async () => {
    const store = new DynamoIdempotencyStore(dynamo.client, dynamo.tables.idempotency);
    const now = new Date('2027-02-01T09:00:00Z');
    expect(await store.begin('k1', 'f1', now)).toEqual({ status: 'new' });
    expect(await store.begin('k1', 'f1', now)).toEqual({ status: 'pending' });
    await store.complete('k1', 'f1', { statusCode: 303, headers: { location: '/x' }, body: '' }, now);
    expect(await store.begin('k1', 'f1', now)).toEqual({ status: 'done', response: { statusCode: 303, headers: { location: '/x' }, body: '' } });
    await expect(store.begin('k1', 'f2', now)).rejects.toMatchObject({ code: 'idempotency.key-reused' });
    expect(await store.begin('k2', 'f', now)).toEqual({ status: 'new' });
    await store.release('k2');
    expect(await store.begin('k2', 'f', now)).toEqual({ status: 'new' });
    // An abandoned reservation (a crash) is taken over once its lock expired.
    expect(await store.begin('k2', 'f', new Date(now.getTime() + 60_000))).toEqual({ status: 'new' });
  });
});
