import { describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import { sessionViewOf } from '../../shared/views/projection.js';
import { sessionCreated } from './fixtures.js';

/*
 * Whether the jury was informed of every accommodation, as the session's page shows it (and hides
 * the « informer le jury » button): the same answer as the domain's, which informs the jury of
 * the accommodations not yet communicated, those of registered candidates.
 */

const stored = (events: readonly DomainEvent[]): StoredEvent[] =>
  events.map(
    (event, index) =>
      ({
        ...event,
        id: `01J0000000000000000000000${index}`,
        streamId: 'session-ses_acc',
        version: index + 1,
        schemaVersion: 1,
        occurredAt: '2027-01-10T08:00:00.000Z',
        recordedAt: '2027-01-10T08:00:00.000Z',
        actor: { role: 'centre', id: 'usr_centre', scope: { centreId: 'ctr_lyon-1' } },
        scope: { centreId: 'ctr_lyon-1', department: '69', region: '84' },
        correlationId: 'test',
        causationId: 'test',
      }) as StoredEvent,
  );

const granted = (candidateId: string, accommodationId: string): DomainEvent => ({ type: 'AccommodationGranted', data: { candidateId, accommodationId } });
const informed = (accommodationIds: string[], informedOn = '2027-02-01'): DomainEvent => ({ type: 'JuryInformedOfAccommodations', data: { accommodationIds, informedOn } });

describe('the jury informed of the accommodations, in the session view', () => {
  it('given the jury informed of a first accommodation, then of a second granted later, then the view says the jury knows them all', () => {
    const view = sessionViewOf(
      stored([sessionCreated('ses_acc'), granted('cand_alice', 'acc_1'), informed(['acc_1']), granted('cand_bruno', 'acc_2'), informed(['acc_2'], '2027-02-10')]),
    );
    expect(view?.juryInformedOfAccommodations).toBe(true);
  });

  it('given an accommodation not communicated whose candidate withdrew, then nothing is left to tell the jury', () => {
    const view = sessionViewOf(
      stored([
        sessionCreated('ses_acc'),
        granted('cand_alice', 'acc_1'),
        granted('cand_bruno', 'acc_2'),
        informed(['acc_1']),
        { type: 'CandidateWithdrawn', data: { candidateId: 'cand_bruno', reason: 'Désistement' } } as DomainEvent,
      ]),
    );
    expect(view?.juryInformedOfAccommodations).toBe(true);
  });

  it('given an accommodation granted after the jury was informed, then the view says the jury must be informed again', () => {
    const view = sessionViewOf(stored([sessionCreated('ses_acc'), granted('cand_alice', 'acc_1'), informed(['acc_1']), granted('cand_bruno', 'acc_2')]));
    expect(view?.juryInformedOfAccommodations).toBe(false);
  });
});
