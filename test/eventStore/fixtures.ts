import type { Actor, DomainEvent, EventScope } from '../../events/index.js';
import { AppError } from '../../shared/errors.js';
import type { Decider, DecisionContext } from '../../shared/domain/decider.js';
import type { AppendOptions } from '../../shared/eventStore/port.js';

/** Test data shared by the event store and use-case runner tests (no dependency on the real domain). */

export const cursorSecret = 'test-cursor-secret-0123456789-abcdefgh';

export const lyon: EventScope = { centreId: 'ctr_lyon-1', department: '69', region: '84' };
export const grenoble: EventScope = { centreId: 'ctr_grenoble-2', department: '38', region: '84' };

export const centreActor: Actor = { role: 'centre', id: 'user-lyon-1', scope: { centreId: 'ctr_lyon-1' } };

export const options = (overrides: Partial<AppendOptions> = {}): AppendOptions => ({
  actor: centreActor,
  scope: lyon,
  correlationId: 'corr-1',
  causationId: 'cause-1',
  occurredAt: new Date('2027-03-01T09:00:00.000Z'),
  ...overrides,
});

export const registered = (n: number | string): DomainEvent => ({ type: 'CandidateRegistered', data: { candidateId: `cand_c-${n}` } });

/** A tiny decider: a roster of candidates, each registered once. */
export type RosterCommand = { readonly kind: 'register'; readonly candidateId: string };
export interface RosterState {
  readonly candidates: readonly string[];
}

export const rosterDecider: Decider<RosterCommand, RosterState> = {
  initialState: { candidates: [] },
  decide: (command, state) => {
    if (state.candidates.includes(command.candidateId)) throw new AppError('roster.already-registered', 'rule', 'Ce candidat est déjà inscrit.');
    return [{ type: 'CandidateRegistered', data: { candidateId: command.candidateId } }];
  },
  evolve: (state, event) => (event.type === 'CandidateRegistered' ? { candidates: [...state.candidates, event.data.candidateId] } : state),
};

/**
 * The roster decider reads only `now` and `actor`; the reference data of the real domain (settings,
 * titres, …) grows with it, so it is left out here on purpose rather than tying these tests to it.
 */
export const decisionContext = (now = new Date('2027-03-01T09:00:00.000Z')): DecisionContext =>
  ({ now, actor: centreActor, newId: (prefix: string) => `${prefix}_x`, newSeed: () => '0'.repeat(32) }) as Partial<DecisionContext> as DecisionContext;
