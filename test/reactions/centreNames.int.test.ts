import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';

/*
 * The UD's « centres en retard » names each centre by the newest name its events gave, on the real
 * SDK against dynalite: the marker keeps a name through events without one, and an older name
 * delivered late (a redelivery, a shuffled batch, a rebuild in another order) never replaces it.
 */

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite('names');
});
afterAll(() => dynamo.stop());

const OLDER = '01JAAAAAAAAAAAAAAAAAAAAAAA';
const NEWER = '01JBBBBBBBBBBBBBBBBBBBBBBB';

describe('centre markers with names', () => {
  it('given a name, then an older one and an event without a name, when the UD lists the centres behind, then the newest name shows', async () => {
    const views = new DynamoViews(dynamo.client, dynamo.tables.views);

    await views.markCentre('ctr_lyon-1', '69', { centreName: 'AFPA Lyon Vaise', eventId: NEWER });
    await views.markCentre('ctr_lyon-1', '69', { centreName: 'AFPA Lyon', eventId: OLDER });
    await views.markCentre('ctr_lyon-1', '69');
    await views.markCentre('ctr_lyon-1', '69', { centreName: 'AFPA Lyon Vaise', eventId: NEWER });

    expect(await views.listCentresBehind('69', 2027)).toEqual([{ centreId: 'ctr_lyon-1', centreName: 'AFPA Lyon Vaise', year: 2027, reason: 'no-programme' }]);
  });

  it('given the older name first, when the newer one comes, then it replaces it', async () => {
    const views = new DynamoViews(dynamo.client, dynamo.tables.views);

    await views.markCentre('ctr_vienne', '38', { centreName: 'Vienne Formation', eventId: OLDER });
    await views.markCentre('ctr_vienne', '38', { centreName: 'Vienne Compétences', eventId: NEWER });

    expect(await views.listCentresBehind('38', 2027)).toEqual([{ centreId: 'ctr_vienne', centreName: 'Vienne Compétences', year: 2027, reason: 'no-programme' }]);
  });

  it('given a centre no event named, then it is listed by its id alone', async () => {
    const views = new DynamoViews(dynamo.client, dynamo.tables.views);

    await views.markCentre('ctr_annecy', '74');

    expect(await views.listCentresBehind('74', 2027)).toEqual([{ centreId: 'ctr_annecy', year: 2027, reason: 'no-programme' }]);
  });
});
