import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { sessionViewOf } from '../../shared/views/projection.js';
import { sessionCreated, stored } from './fixtures.js';

/*
 * Whether the jury was informed of every accommodation, as the session's page shows it (and hides
 * the « informer le jury » button): the same answer as the domain's, which informs the jury of
 * the accommodations not yet communicated, those of registered candidates.
 */

const granted = (candidateId: string, accommodationId: string): DomainEvent => ({ type: 'AccommodationGranted', data: { candidateId, accommodationId } });
const informed = (accommodationIds: string[], informedOn = '2027-02-01'): DomainEvent => ({ type: 'JuryInformedOfAccommodations', data: { accommodationIds, informedOn } });

describe('the jury informed of the accommodations, in the session view', () => {
  it('given the jury informed of a first accommodation, then of a second granted later, then the view says the jury knows them all', () => {
    const view = sessionViewOf(
      stored('session-ses_acc', [
        sessionCreated('ses_acc'),
        granted('cand_alice', 'acc_1'),
        informed(['acc_1']),
        granted('cand_bruno', 'acc_2'),
        informed(['acc_2'], '2027-02-10'),
      ]),
    );
    expect(view?.juryInformedOfAccommodations).toBe(true);
  });

  it('given an accommodation not communicated whose candidate withdrew, then nothing is left to tell the jury', () => {
    const view = sessionViewOf(
      stored('session-ses_acc', [
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
    const view = sessionViewOf(stored('session-ses_acc', [sessionCreated('ses_acc'), granted('cand_alice', 'acc_1'), informed(['acc_1']), granted('cand_bruno', 'acc_2')]));
    expect(view?.juryInformedOfAccommodations).toBe(false);
  });
});
