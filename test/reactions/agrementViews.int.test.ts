import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import { Projector } from '../../shared/views/projector.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { append, eventStoreOn } from './support.js';

/*
 * Agréments on dynalite through the real SDK: projected from real commits, read one by one and
 * listed by region and department through the byOwner index; an approved centre is known to its
 * department's list of centres behind on their programme before it writes anything.
 */

let dynamo: LocalDynamo;
let views: DynamoViews;
let store: DynamoEventStore;

const recorded = (centreId: string, department: string, region: string, centreName: string): DomainEvent => ({
  type: 'AgrementRecorded',
  data: { centreId, centreName, department, region, titreCodes: ['RNCP37674'], sites: ['Site principal'], validFrom: '2026-01-01', validUntil: '2030-12-31' },
});

const record = async (centreId: string, department: string, region: string, centreName: string, then: DomainEvent[] = []) => {
  const streamId = `agrement-${centreId}`;
  const scope = { centreId, department, region };
  const { version } = await append(store, streamId, 0, [recorded(centreId, department, region, centreName)], scope);
  if (then.length > 0) await append(store, streamId, version, then, scope);
  await new Projector(views, store).apply((await store.readStream(streamId)).events);
};

beforeAll(async () => {
  dynamo = await startDynalite('agrements');
  views = new DynamoViews(dynamo.client, dynamo.tables.views);
  store = eventStoreOn(dynamo);
  await record('ctr_lyon-1', '69', '84', 'Lyon Formation', [
    {
      type: 'AgrementAmended',
      data: {
        centreId: 'ctr_lyon-1',
        titreCodes: ['RNCP37674', 'RNCP37873'],
        sites: ['Lyon 7e', 'Villeurbanne'],
        validFrom: '2026-01-01',
        validUntil: '2031-06-30',
        reason: 'Nouveau site',
      },
    },
  ]);
  await record('ctr_grenoble-2', '38', '84', 'Grenoble Compétences', [
    { type: 'AgrementWithdrawn', data: { centreId: 'ctr_grenoble-2', withdrawnOn: '2027-01-10', reason: 'Fermeture' } },
  ]);
  await record('ctr_annecy-3', '74', '84', 'Annecy Métiers');
  await record('ctr_marseille-4', '13', '93', 'Marseille Avenir');
}, 60_000);
afterAll(() => dynamo.stop());

describe('agréments in the views table', () => {
  it('reads an agrément as amended, with its amendment, and one withdrawn with its date and reason', async () => {
    const lyon = await views.getAgrementView('ctr_lyon-1');
    expect(lyon).toMatchObject({ sites: ['Lyon 7e', 'Villeurbanne'], titreCodes: ['RNCP37674', 'RNCP37873'], validUntil: '2031-06-30', version: 2 });
    expect(lyon?.amendments).toEqual([{ amendedOn: '2027-01-10', reason: 'Nouveau site' }]);
    expect((await views.getAgrementView('ctr_grenoble-2'))?.withdrawn).toEqual({ withdrawnOn: '2027-01-10', reason: 'Fermeture' });
    expect(await views.getAgrementView('ctr_inconnu')).toBeUndefined();
  });

  it('lists a region’s agréments by department then centre, and one department’s alone', async () => {
    expect((await views.listAgrements('84')).map((a) => a.centreId)).toEqual(['ctr_grenoble-2', 'ctr_lyon-1', 'ctr_annecy-3']);
    expect((await views.listAgrements('84', '74')).map((a) => a.centreId)).toEqual(['ctr_annecy-3']);
    expect((await views.listAgrements('93')).map((a) => a.centreId)).toEqual(['ctr_marseille-4']);
    expect(await views.listAgrements('27')).toEqual([]);
  });

  it('knows an approved centre that never wrote anything as behind on its programme, under its name', async () => {
    expect(await views.listCentresBehind('74', 2027)).toEqual([{ centreId: 'ctr_annecy-3', centreName: 'Annecy Métiers', year: 2027, reason: 'no-programme' }]);
  });
});
