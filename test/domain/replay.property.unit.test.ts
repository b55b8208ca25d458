import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainEventSchema, type DomainEvent } from '../../events/index.js';
import type { Decider } from '../../shared/domain/decider.js';
import { DomainError } from '../../shared/domain/errors.js';
import { jurorDecider, type JurorCommand } from '../../shared/domain/juror.js';
import { programmeDecider, type ProgrammeCommand } from '../../shared/domain/programme.js';
import { ALICE, CENTRE, DEPT, TITRE, centre, ud } from './fixtures.js';
import { contextOf, type ContextOptions } from './specification.js';

const seed = process.env.DOMAIN_PROPERTY_SEED;
const settings = { numRuns: Number(process.env.DOMAIN_PROPERTY_RUNS ?? 200), ...(seed ? { seed: Number(seed) } : {}) };

/** Decides each command against the state so far, keeps the accepted events and checks the replay. */
const replayHolds = <C, S, E extends DomainEvent>(decider: Decider<C, S, E>, steps: readonly [C, ContextOptions][]): number => {
  let state = decider.initialState;
  const log: E[] = [];
  steps.forEach(([command, options], index) => {
    try {
      const events = decider.decide(command, state, contextOf({ ...options, firstId: index * 10 + 1 }));
      for (const event of events) {
        state = decider.evolve(state, event);
        log.push(event);
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  });
  const replayed = (JSON.parse(JSON.stringify(log)) as unknown[]).map((raw) => domainEventSchema.parse(raw) as E).reduce(decider.evolve, decider.initialState);
  expect(replayed).toEqual(state);
  return log.length;
};

const day = fc.integer({ min: 0, max: 400 }).map((n) => new Date(Date.UTC(2026, 10, 1 + n, 9)).toISOString().slice(0, 10));

describe('replaying accepted events rebuilds the state', () => {
  it('for yearly programmes submitted and amended at random', () => {
    const mostly = <T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: usual }, { weight: 1, arbitrary: unusual });
    const line = fc.record({
      plannedSessionId: mostly(fc.constant(undefined), fc.constantFrom('pln_t1', 'pln_t11', 'pln_t21', 'pln_zz')),
      titreCode: mostly(fc.constantFrom(TITRE, 'RNCP37873'), fc.constant('RNCP00000')),
      expectedStart: mostly(fc.constant('2027-03-01'), fc.constantFrom('2027-09-13', '2028-01-10')),
      expectedEnd: mostly(fc.constant('2027-03-03'), fc.constant('2027-09-14')),
      expectedCandidates: mostly(fc.integer({ min: 1, max: 20 }), fc.constant(0)),
    });
    const submit = fc
      .tuple(fc.array(line, { minLength: 1, maxLength: 3 }), day, mostly(fc.constant(CENTRE), fc.constant('ctr_other')))
      .map(([sessions, at, centreId]): [ProgrammeCommand, ContextOptions] => [
        { type: 'SubmitProgramme', centreId: CENTRE, year: 2027, sessions: sessions.map((s) => (s.plannedSessionId ? s : { ...s, plannedSessionId: undefined })) },
        { at, actor: centre(centreId) },
      ]);
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(submit, { maxLength: 8 }), (steps) => void (accepted += replayHolds(programmeDecider, steps))),
      settings,
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('for jurors habilitated and withdrawn at random', () => {
    const habilitate = fc
      .tuple(day, fc.constantFrom(DEPT, '38'), fc.constantFrom(TITRE, 'RNCP37873'), day, fc.integer({ min: 0, max: 900 }))
      .map(([at, department, titreCode, from, length]): [JurorCommand, ContextOptions] => {
        const validFrom = from;
        const validUntil = new Date(Date.parse(`${from}T00:00:00Z`) + length * 86_400_000).toISOString().slice(0, 10);
        return [
          { type: 'HabilitateJuror', jurorId: ALICE, titreCode, department, validFrom, validUntil, professionalisationDate: '2025-06-01' },
          { at, actor: ud(department) },
        ];
      });
    const withdraw = fc.tuple(day, fc.constantFrom('hab_t1', 'hab_t11', 'hab_t21', 'hab_t31')).map(([at, habilitationId]): [JurorCommand, ContextOptions] => [
      { type: 'WithdrawHabilitation', jurorId: ALICE, habilitationId, reason: 'Retrait' },
      { at, actor: ud(DEPT) },
    ]);
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(habilitate, withdraw), { maxLength: 8 }), (steps) => void (accepted += replayHolds(jurorDecider, steps))),
      settings,
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
