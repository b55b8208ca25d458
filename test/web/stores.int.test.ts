import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../shared/auth/principal.js';
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
