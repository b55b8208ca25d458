import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainEventSchema, type Actor } from '../../events/index.js';
import { DomainError } from '../../shared/domain/errors.js';
import { sessionResults } from '../../shared/domain/results.js';
import {
  sessionDecider,
  sessionDocumentDecider,
  type PvDecision,
  type SessionDocumentCommand,
  type SessionCommand,
  type SessionEvent,
  type SessionState,
} from '../../shared/domain/session.js';
import {
  agrement,
  ALICE,
  BRUNO,
  CAND_A,
  CAND_B,
  CAND_C,
  CCP1,
  CCP2,
  CHLOE,
  DEPT,
  REGION,
  SESSION,
  CENTRE,
  TITRE,
  centre,
  habilitation,
  jurorActor,
  system,
  ud,
} from './fixtures.js';
import { contextOf } from './specification.js';

/*
 * Random sessions: a happy path (create, jury, convocations, plateau, day one, PV, intake, CERES,
 * transmission, validation or rejection) with random parameters, interleaved with random commands
 * by the right or the wrong actor, on a calendar of key dates. Every command is decided against
 * the state folded so far; refusals must be DomainErrors, accepted events are folded.
 */

const DATES = ['2027-01-15', '2027-04-01', '2027-05-20', '2027-06-04', '2027-06-07', '2027-06-08', '2027-06-09', '2027-06-12', '2027-06-20', '2027-06-25', '2027-07-01'] as const;
const CANDIDATES = [CAND_A, CAND_B, CAND_C];
const JURORS = [ALICE, BRUNO, CHLOE];

type Who = 'centre' | 'ud' | 'system' | 'juror' | 'stranger';
interface Step {
  readonly day: number;
  readonly who: Who;
  readonly command: (today: string) => SessionCommand;
}

const actorOf = (who: Who, jurorId: string): Actor => ({ centre: centre(), ud: ud(DEPT), system, juror: jurorActor(jurorId), stranger: centre('ctr_other') })[who];

const candidate = fc.constantFrom(...CANDIDATES);
const juror = fc.constantFrom(...JURORS);
const mostlyRight = (right: Who): fc.Arbitrary<Who> =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: fc.constantFrom<Who>('stranger', 'ud', 'centre', 'juror') });

const decisionFor = (candidateId: string): fc.Arbitrary<PvDecision> =>
  fc
    .record({
      decision: fc.constantFrom<PvDecision['decision']>('titre-obtenu', 'reussite-partielle', 'echec', 'absent'),
      ccp: fc.oneof({ weight: 12, arbitrary: fc.constant('fit') }, { weight: 1, arbitrary: fc.constantFrom('none', 'all', 'foreign') }),
      evaluatorIds: fc.oneof({ weight: 12, arbitrary: fc.constant([ALICE, BRUNO]) }, { weight: 2, arbitrary: fc.subarray(JURORS, { minLength: 1 }) }),
    })
    .map(({ decision, ccp, evaluatorIds }) => {
      const fitting = decision === 'reussite-partielle' ? [CCP1] : [];
      const ccpObtained = { fit: fitting, none: [], all: [CCP1, CCP2], foreign: ['RNCP37873BC01'] }[ccp];
      return { candidateId, decision, ccpObtained, evaluatorIds };
    });

const signPv: fc.Arbitrary<(today: string) => SessionCommand> = fc
  .record({
    decisions: fc.oneof({ weight: 10, arbitrary: fc.constant(CANDIDATES) }, { weight: 1, arbitrary: fc.subarray(CANDIDATES) }).chain((ids) => fc.tuple(...ids.map(decisionFor))),
    signatoryIds: fc.oneof({ weight: 8, arbitrary: fc.constant(JURORS) }, { weight: 2, arbitrary: fc.constant([ALICE, BRUNO]) }, { weight: 1, arbitrary: fc.subarray(JURORS) }),
  })
  .map(({ decisions, signatoryIds }) => () => ({ type: 'SignPV', decisions, signatoryIds, documentSha256: 'a'.repeat(64), juryHabilitations: {} }));

const step = (day: number | fc.Arbitrary<number>, who: fc.Arbitrary<Who>, command: fc.Arbitrary<(today: string) => SessionCommand>): fc.Arbitrary<Step> =>
  fc.record({ day: typeof day === 'number' ? fc.constant(day) : day, who, command });

const fixed = (command: SessionCommand) => fc.constant(() => command);
const anyDay = fc.integer({ min: 0, max: DATES.length - 1 });

/** Commands anyone may try at any time. */
const noise: fc.Arbitrary<Step> = fc.oneof(
  step(
    anyDay,
    mostlyRight('centre'),
    candidate.map((candidateId) => () => ({ type: 'RegisterCandidate', candidateId })),
  ),
  step(
    anyDay,
    mostlyRight('centre'),
    candidate.map((candidateId) => () => ({ type: 'WithdrawCandidate', candidateId })),
  ),
  step(
    anyDay,
    mostlyRight('centre'),
    fc.tuple(juror, fc.subarray(CANDIDATES)).map(([jurorId, ties]) => () => ({ type: 'AssignJuror', jurorId, habilitations: [habilitation(jurorId)], tiedCandidateIds: ties })),
  ),
  step(
    anyDay,
    mostlyRight('centre'),
    juror.map((jurorId) => () => ({ type: 'AssignJuror', jurorId, habilitations: [habilitation(jurorId, { validUntil: '2027-06-08' })], tiedCandidateIds: [] })),
  ),
  step(
    anyDay,
    mostlyRight('juror'),
    fc.tuple(juror, candidate).map(([jurorId, candidateId]) => () => ({ type: 'DeclareTie', jurorId, candidateId })),
  ),
  step(
    anyDay,
    mostlyRight('centre'),
    juror.map((jurorId) => () => ({ type: 'UnassignJuror', jurorId, reason: 'Indisponible' })),
  ),
  step(
    anyDay,
    mostlyRight('centre'),
    fc.tuple(candidate, fc.constantFrom('acc_1', 'acc_2')).map(([candidateId, accommodationId]) => () => ({ type: 'GrantAccommodation', candidateId, accommodationId })),
  ),
  step(anyDay, mostlyRight('centre'), fixed({ type: 'InformJuryOfAccommodations' })),
  step(
    anyDay,
    mostlyRight('centre'),
    fc.constantFrom<'jurors' | 'candidates'>('jurors', 'candidates').map((audience) => () => ({ type: 'SendConvocations', audience })),
  ),
  step(
    anyDay,
    mostlyRight('centre'),
    fc.subarray(CANDIDATES).map((present) => () => ({ type: 'CheckSeals', presentCandidateIds: present, sealsIntact: true, juryHabilitations: {} })),
  ),
  step(
    anyDay,
    mostlyRight('juror'),
    candidate.map((candidateId) => () => ({ type: 'ReportFraud', candidateId, facts: 'Documents non autorisés' })),
  ),
  step(
    anyDay,
    mostlyRight('ud'),
    candidate.map((candidateId) => (today: string) => ({ type: 'NotifySanction', candidateId, sanction: 'avertissement', pronouncedOn: today })),
  ),
  step(anyDay, mostlyRight('centre'), signPv),
  step(
    anyDay,
    mostlyRight('system'),
    fc
      .tuple(fc.constantFrom(1, 2), fc.constantFrom('a', 'b'))
      .map(([revision, c]) => () => ({ type: 'RecordPVDocument', revision, objectKey: `pv/${revision}.pdf`, versionId: 'v', sha256: c.repeat(64), sizeBytes: 10 })),
  ),
  step(anyDay, mostlyRight('system'), fixed({ type: 'QuarantinePVDocument', objectKey: 'pv/x.exe', reason: 'not-pdf' })),
  step(anyDay, mostlyRight('centre'), fixed({ type: 'RecordResultsInCeres' })),
  step(anyDay, mostlyRight('centre'), fixed({ type: 'TransmitPV' })),
  step(anyDay, mostlyRight('ud'), fixed({ type: 'ValidatePV' })),
  step(anyDay, mostlyRight('ud'), fixed({ type: 'RejectPV', reason: 'Incomplet' })),
  step(anyDay, mostlyRight('centre'), fixed({ type: 'CancelSession', reason: 'Trop peu de candidats' })),
);

/** The steps of a session that goes well, with random parameters. */
const happyPath: fc.Arbitrary<Step[]> = fc
  .tuple(
    step(
      0,
      fc.constant('centre'),
      fixed({
        type: 'CreateSession',
        sessionId: SESSION,
        centreId: CENTRE,
        department: DEPT,
        region: REGION,
        ceresReference: 'C-1',
        titreCode: TITRE,
        startDate: DATES[4],
        endDate: DATES[6],
        site: 'Lyon',
        agrement: agrement(),
        candidateIds: CANDIDATES,
      }),
    ),
    step(1, fc.constant('centre'), fixed({ type: 'AssignJuror', jurorId: ALICE, habilitations: [habilitation(ALICE)], tiedCandidateIds: [] })),
    step(1, fc.constant('centre'), fixed({ type: 'AssignJuror', jurorId: BRUNO, habilitations: [habilitation(BRUNO)], tiedCandidateIds: [] })),
    step(
      1,
      fc.constant('centre'),
      fc.subarray(CANDIDATES).map((ties) => () => ({ type: 'AssignJuror', jurorId: CHLOE, habilitations: [habilitation(CHLOE)], tiedCandidateIds: ties })),
    ),
    step(2, fc.constant('centre'), fixed({ type: 'SendConvocations', audience: 'jurors' })),
    step(3, fc.constant('centre'), fixed({ type: 'CheckPlateauTechnique', durationMinutes: 60, jurorIds: [ALICE, BRUNO], compliant: true })),
    step(
      4,
      fc.constant('centre'),
      fc.subarray(CANDIDATES, { minLength: 1 }).map((present) => () => ({ type: 'CheckSeals', presentCandidateIds: present, sealsIntact: true, juryHabilitations: {} })),
    ),
    step(6, fc.constant('centre'), signPv),
    step(7, fc.constant('system'), fixed({ type: 'RecordPVDocument', revision: 1, objectKey: 'pv/1.pdf', versionId: 'v', sha256: 'a'.repeat(64), sizeBytes: 10 })),
    step(7, fc.constant('centre'), fixed({ type: 'RecordResultsInCeres' })),
    step(7, fc.constant('centre'), fixed({ type: 'TransmitPV' })),
    step(
      8,
      fc.constant('ud'),
      fc.constantFrom<SessionCommand>({ type: 'ValidatePV' }, { type: 'ValidatePV' }, { type: 'RejectPV', reason: 'À corriger' }).map((c) => () => c),
    ),
    step(9, fc.constant('centre'), signPv),
    step(9, fc.constant('system'), fixed({ type: 'RecordPVDocument', revision: 2, objectKey: 'pv/2.pdf', versionId: 'v', sha256: 'a'.repeat(64), sizeBytes: 10 })),
    step(9, fc.constant('centre'), fixed({ type: 'RecordResultsInCeres' })),
    step(9, fc.constant('centre'), fixed({ type: 'TransmitPV' })),
    step(10, fc.constant('ud'), fixed({ type: 'ValidatePV' })),
  )
  .map((steps) => [...steps]);

const scenario: fc.Arbitrary<Step[]> = fc.tuple(happyPath, fc.array(fc.tuple(fc.nat(20), noise), { maxLength: 12 })).map(([happy, extra]) => {
  const merged = [...happy];
  for (const [position, s] of extra) merged.splice(position % (merged.length + 1), 0, s);
  // Stable sort: the happy path keeps its order within a day.
  return merged
    .map((s, index) => ({ s, index }))
    .sort((a, b) => a.s.day - b.s.day || a.index - b.index)
    .map(({ s }) => s);
});

interface Run {
  readonly log: SessionEvent[];
  readonly states: SessionState[];
}

const run = (steps: readonly Step[]): Run => {
  let state: SessionState = sessionDecider.initialState;
  const log: SessionEvent[] = [];
  const states: SessionState[] = [];
  for (const s of steps) {
    const today = DATES[s.day] ?? DATES[0];
    const command = s.command(today);
    const jurorId = 'jurorId' in command ? command.jurorId : ALICE;
    const context = contextOf({ at: today, actor: actorOf(s.who, jurorId), seed: 'c0ffee00c0ffee00c0ffee00c0ffee00' });
    let events: SessionEvent[];
    try {
      events = sessionDecider.decide(command, state, context);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      continue;
    }
    for (const event of events) {
      expect(domainEventSchema.safeParse(event).error).toBeUndefined();
      state = sessionDecider.evolve(state, event);
      log.push(event);
      states.push(state);
    }
  }
  return { log, states };
};

/** Registered candidates, jury and ties as the log says just before position `end`. */
const factsBefore = (log: readonly SessionEvent[], end: number) => {
  const candidates = new Set<string>();
  const jury = new Set<string>();
  const ties = new Set<string>();
  for (const event of log.slice(0, end)) {
    if (event.type === 'SessionCreated') event.data.candidateIds.forEach((id) => candidates.add(id));
    if (event.type === 'CandidateRegistered') candidates.add(event.data.candidateId);
    if (event.type === 'CandidateWithdrawn') candidates.delete(event.data.candidateId);
    if (event.type === 'JuryAssigned') {
      jury.add(event.data.jurorId);
      event.data.tiedCandidateIds.forEach((c) => ties.add(`${event.data.jurorId}|${c}`));
    }
    if (event.type === 'JurorUnassigned') jury.delete(event.data.jurorId);
    if (event.type === 'TieDeclared') ties.add(`${event.data.jurorId}|${event.data.candidateId}`);
  }
  return { candidates, jury, ties };
};

// Stryker lowers the runs per mutant and fixes the seed (stryker.config.mjs); a plain test run explores 300 random sessions per property.
const seed = process.env.DOMAIN_PROPERTY_SEED;
const settings = { numRuns: Number(process.env.DOMAIN_PROPERTY_RUNS ?? 300), ...(seed ? { seed: Number(seed) } : {}) };

describe('session properties over random command sequences', () => {
  it('never validates a PV without a complete PV signed by every juror, stored, recorded in CERES and transmitted', () => {
    let validated = 0;
    let validatedAfterRejection = 0;
    fc.assert(
      fc.property(scenario, (steps) => {
        const { log } = run(steps);
        const at = log.findIndex((e) => e.type === 'PVValidated');
        if (at < 0) return;
        validated += 1;
        const validation = log[at] as Extract<SessionEvent, { type: 'PVValidated' }>;
        if (validation.data.pvRevision > 1) validatedAfterRejection += 1;
        const signatures = log.slice(0, at).filter((e): e is Extract<SessionEvent, { type: 'PVSigned' }> => e.type === 'PVSigned');
        const pv = signatures.at(-1);
        expect(pv?.data.revision).toBe(validation.data.pvRevision);
        if (!pv) return;
        const { candidates, jury } = factsBefore(log, log.indexOf(pv));
        expect(new Set(pv.data.decisions.map((d) => d.candidateId))).toEqual(candidates);
        expect(new Set(pv.data.signatoryIds)).toEqual(jury);
        expect(jury.size).toBeGreaterThanOrEqual(2);
        const after = log.slice(log.indexOf(pv), at);
        expect(after.some((e) => e.type === 'PVDocumentStored' && e.data.revision === pv.data.revision && e.data.sha256 === pv.data.documentSha256)).toBe(true);
        expect(after.some((e) => e.type === 'ResultsRecordedInCeres' && e.data.pvRevision === pv.data.revision)).toBe(true);
        expect(after.some((e) => e.type === 'PVTransmitted' && e.data.pvRevision === pv.data.revision)).toBe(true);
        expect(log.slice(0, at).some((e) => e.type === 'SealsChecked')).toBe(true);
      }),
      settings,
    );
    // The generator must reach validation often enough for the property to mean something.
    expect(validated).toBeGreaterThan(settings.numRuns / 10);
    expect(validatedAfterRejection).toBeGreaterThan(0);
    console.info(`random sessions: ${validated} of ${settings.numRuns} reached a validated PV, ${validatedAfterRejection} after a rejection`);
  });

  it('never lets a juror evaluate a candidate they declared a tie with', () => {
    let signedWithTies = 0;
    fc.assert(
      fc.property(scenario, (steps) => {
        const { log } = run(steps);
        log.forEach((event, index) => {
          if (event.type !== 'PVSigned') return;
          const { ties } = factsBefore(log, index);
          if (ties.size > 0) signedWithTies += 1;
          for (const decision of event.data.decisions) {
            for (const jurorId of decision.evaluatorIds) expect(ties.has(`${jurorId}|${decision.candidateId}`)).toBe(false);
          }
        });
      }),
      settings,
    );
    expect(signedWithTies).toBeGreaterThan(0);
  });

  it('never shows results as official before the PV is validated, and always after', () => {
    fc.assert(
      fc.property(scenario, (steps) => {
        const { log, states } = run(steps);
        states.forEach((state, index) => {
          const validatedSoFar = log.slice(0, index + 1).some((e) => e.type === 'PVValidated');
          const results = sessionResults(state);
          expect(results?.status === 'officiels').toBe(validatedSoFar);
          if (log.slice(0, index + 1).some((e) => e.type === 'PVSigned')) expect(results).toBeDefined();
        });
      }),
      settings,
    );
  });

  it('decides the PV file commands of the intake exactly as the whole session decider, in every state and for every actor', () => {
    const outcome = (decide: () => SessionEvent[]) => {
      try {
        return { events: decide() };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { refused: error.code, message: error.message };
      }
    };
    let stored = 0;
    let refused = 0;
    const ruleRefusals = new Set<string>();
    fc.assert(
      fc.property(scenario, (steps) => {
        const { states } = run(steps);
        for (const state of [sessionDecider.initialState, ...states]) {
          const revision = 'pv' in state ? state.pv.revision : 1;
          const commands: SessionDocumentCommand[] = [
            { type: 'RecordPVDocument', revision, objectKey: 'pv/f.pdf', versionId: 'v', sha256: 'a'.repeat(64), sizeBytes: 10 },
            { type: 'RecordPVDocument', revision: revision + 1, objectKey: 'pv/f.pdf', versionId: 'v', sha256: 'a'.repeat(64), sizeBytes: 10 },
            { type: 'RecordPVDocument', revision, objectKey: 'pv/f.pdf', versionId: 'v', sha256: 'b'.repeat(64), sizeBytes: 10 },
            { type: 'QuarantinePVDocument', objectKey: 'quarantine/pv/f.pdf', reason: 'not-pdf' },
          ];
          for (const command of commands) {
            for (const who of ['system', 'centre', 'ud', 'juror', 'stranger'] as const) {
              const context = contextOf({ at: DATES[7], actor: actorOf(who, ALICE), seed: 'c0ffee00c0ffee00c0ffee00c0ffee00' });
              const whole = outcome(() => sessionDecider.decide(command, state, context));
              expect(outcome(() => sessionDocumentDecider.decide(command, state, context))).toEqual(whole);
              if ('events' in whole && command.type === 'RecordPVDocument') stored += 1;
              if ('refused' in whole) refused += 1;
              if ('refused' in whole && who === 'system') ruleRefusals.add(String(whole.refused));
            }
          }
        }
      }),
      settings,
    );
    // Both outcomes must be met often, or the comparison proves little.
    expect(stored).toBeGreaterThan(settings.numRuns / 2);
    expect(refused).toBeGreaterThan(settings.numRuns);
    // Not only permission refusals: the intake's own actor meets every rule of the PV file (and the unknown session).
    expect([...ruleRefusals].sort()).toEqual(['pv.document-already-stored', 'pv.document-checksum-mismatch', 'pv.document-revision', 'pv.not-signed', 'session.unknown']);
  });

  it('rebuilds the same state by replaying the stored events of any accepted sequence', () => {
    fc.assert(
      fc.property(scenario, (steps) => {
        const { log, states } = run(steps);
        const stored = JSON.parse(JSON.stringify(log)) as unknown[];
        const replayed = stored.map((raw) => domainEventSchema.parse(raw) as SessionEvent).reduce(sessionDecider.evolve, sessionDecider.initialState);
        expect(replayed).toEqual(states.at(-1) ?? sessionDecider.initialState);
      }),
      settings,
    );
  });
});
