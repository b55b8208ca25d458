import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../events/index.js';
import type { DecisionContext } from '../../shared/domain/decider.js';
import { agrementDecider, type AgrementCommand } from '../../shared/domain/agrement.js';
import { DomainError } from '../../shared/domain/errors.js';
import { titreDecider, type TitreCommand } from '../../shared/domain/titreRegister.js';
import { jurorDecider, type JurorCommand, type JurorEvent } from '../../shared/domain/juror.js';
import { permissions, type CommandType } from '../../shared/domain/permissions.js';
import { programmeDecider, type ProgrammeCommand } from '../../shared/domain/programme.js';
import { sessionDecider, type SessionCommand } from '../../shared/domain/session.js';
import { operations } from '../../shared/http/operations.js';
import { agrement, ALICE, CAND_A, CENTRE, DEPT, REGION, SHA, TITRE, centre, jurorActor, started, system, ud } from '../domain/fixtures.js';
import { contextOf } from '../domain/specification.js';

/*
 * The permission table is the one answer to « who may run this command »: the deciders refuse the
 * roles it leaves out, and the HTTP edge opens each command's route to exactly the roles it lists.
 * Derived here from the deciders themselves (not from the table): for every command, the roles the
 * domain accepts equal the roles its HTTP route is open to (the platform's own intake aside).
 */

/** One member of each role, each meeting their role's condition on the Lyon session (Alice on its jury, acting about herself). */
const actors: Record<Role, Actor> = {
  centre: centre(CENTRE),
  ud: ud(DEPT),
  region: { role: 'region', id: 'user-region', scope: { region: REGION } },
  juror: jurorActor(ALICE),
  system,
};

const habilitation: JurorEvent = {
  type: 'JurorHabilitated',
  data: {
    jurorId: ALICE,
    habilitationId: 'hab_alice',
    titreCode: TITRE,
    department: DEPT,
    validFrom: '2026-01-01',
    validUntil: '2028-06-30',
    professionalisationDate: '2025-11-15',
  },
};

/** A well-formed command of each type: whether it then breaks a rule does not matter, only whether it is refused as forbidden. */
const agrementTerms = { titreCodes: [TITRE], sites: ['Lyon'], validFrom: '2026-01-01', validUntil: '2031-12-31' };

const samples: { readonly [T in CommandType]: (SessionCommand | JurorCommand | ProgrammeCommand | AgrementCommand | TitreCommand) & { type: T } } = {
  SubmitProgramme: { type: 'SubmitProgramme', centreId: CENTRE, year: 2027, sessions: [] },
  HabilitateJuror: {
    type: 'HabilitateJuror',
    jurorId: ALICE,
    titreCode: TITRE,
    department: DEPT,
    validFrom: '2026-01-01',
    validUntil: '2028-06-30',
    professionalisationDate: '2025-11-15',
  },
  WithdrawHabilitation: { type: 'WithdrawHabilitation', jurorId: ALICE, habilitationId: 'hab_alice', reason: 'Motif' },
  RecordTitre: {
    type: 'RecordTitre',
    titre: { code: 'RNCP99001', label: 'Titre de test', ccps: [], validUntil: '2030-12-31' },
    source: 'saisie',
  },
  RecordAgrement: { type: 'RecordAgrement', centreId: 'ctr_new', centreName: 'Nouveau centre', department: DEPT, region: REGION, ...agrementTerms },
  AmendAgrement: { type: 'AmendAgrement', centreId: CENTRE, reason: 'Nouveau lieu', ...agrementTerms },
  WithdrawAgrement: { type: 'WithdrawAgrement', centreId: CENTRE, reason: 'Motif' },
  CreateSession: {
    type: 'CreateSession',
    sessionId: 'ses_new',
    centreId: CENTRE,
    department: DEPT,
    region: REGION,
    ceresReference: 'CERES-1',
    titreCode: TITRE,
    startDate: '2027-09-06',
    endDate: '2027-09-07',
    site: 'Lyon 7e',
    candidateIds: [],
    agrement: undefined,
  },
  RegisterCandidate: { type: 'RegisterCandidate', candidateId: 'cand_new' },
  WithdrawCandidate: { type: 'WithdrawCandidate', candidateId: CAND_A },
  AssignJuror: { type: 'AssignJuror', jurorId: 'jur_new', habilitations: [], tiedCandidateIds: [] },
  DeclareTie: { type: 'DeclareTie', jurorId: ALICE, candidateId: CAND_A },
  UnassignJuror: { type: 'UnassignJuror', jurorId: ALICE, reason: 'Motif' },
  GrantAccommodation: { type: 'GrantAccommodation', candidateId: CAND_A, accommodationId: 'acc_1' },
  InformJuryOfAccommodations: { type: 'InformJuryOfAccommodations' },
  SendConvocations: { type: 'SendConvocations', audience: 'jurors' },
  CheckPlateauTechnique: { type: 'CheckPlateauTechnique', durationMinutes: 60, jurorIds: [ALICE], compliant: true },
  SchedulePassages: { type: 'SchedulePassages', passages: [{ candidateId: CAND_A, test: 'mise-en-situation', on: '2027-06-07', at: '09:00' }] },
  CheckSeals: { type: 'CheckSeals', presentCandidateIds: [CAND_A], sealsIntact: true, juryHabilitations: {} },
  ReportFraud: { type: 'ReportFraud', candidateId: CAND_A, facts: 'Faits' },
  NotifySanction: { type: 'NotifySanction', candidateId: CAND_A, sanction: 'avertissement', pronouncedOn: '2027-06-08' },
  SignPV: { type: 'SignPV', decisions: [], signatoryIds: [ALICE], documentSha256: SHA, juryHabilitations: {} },
  RecordPVDocument: { type: 'RecordPVDocument', revision: 1, objectKey: 'pv/x.pdf', versionId: 'v1', sha256: SHA, sizeBytes: 10 },
  QuarantinePVDocument: { type: 'QuarantinePVDocument', objectKey: 'pv/x.pdf', reason: 'checksum-mismatch' },
  RecordResultsInCeres: { type: 'RecordResultsInCeres' },
  TransmitPV: { type: 'TransmitPV' },
  ValidatePV: { type: 'ValidatePV' },
  RejectPV: { type: 'RejectPV', reason: 'Motif' },
  CancelSession: { type: 'CancelSession', reason: 'Motif' },
  EraseCandidatePersonalData: { type: 'EraseCandidatePersonalData', candidateId: CAND_A },
};

/** Runs the command's own decider on the Lyon session started with Alice on its jury (her habilitation, a new programme). */
const decide = (command: SessionCommand | JurorCommand | ProgrammeCommand | AgrementCommand | TitreCommand, context: DecisionContext): unknown => {
  switch (command.type) {
    case 'RecordTitre':
      return titreDecider.decide(command, titreDecider.initialState, context);
    case 'RecordAgrement':
      return agrementDecider.decide(command, agrementDecider.initialState, context);
    case 'AmendAgrement':
    case 'WithdrawAgrement':
      return agrementDecider.decide(command, { status: 'recorded', agrement: agrement() }, context);
    case 'SubmitProgramme':
      return programmeDecider.decide(command, programmeDecider.initialState, context);
    case 'HabilitateJuror':
    case 'WithdrawHabilitation':
      return jurorDecider.decide(command, jurorDecider.evolve(jurorDecider.initialState, habilitation), context);
    default:
      return sessionDecider.decide(command, started.reduce(sessionDecider.evolve, sessionDecider.initialState), context);
  }
};

/** The roles whose member the domain does not refuse as forbidden (it may still refuse a rule). */
const rolesTheDomainAccepts = (type: CommandType): Role[] =>
  (Object.keys(actors) as Role[]).filter((role) => {
    try {
      decide(samples[type], contextOf({ at: '2027-06-08', actor: actors[role] }));
      return true;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return error.category !== 'forbidden';
    }
  });

const commandTypes = Object.keys(permissions) as CommandType[];

describe('who may run a command, one table for the domain and the HTTP edge', () => {
  it.each(commandTypes)('%s: the roles the domain accepts are the roles its HTTP route is open to', (type) => {
    const accepted = rolesTheDomainAccepts(type);
    const routes = operations.filter((operation) => operation.command === type);
    const overHttp = [...new Set(routes.flatMap((operation) => operation.roles))];

    expect(accepted.length, `${type}: no role may run it`).toBeGreaterThan(0);
    if (accepted.includes('system')) {
      // The platform's intake runs it (S3 upload to the vault), never a signed-in user over HTTP.
      expect(accepted).toEqual(['system']);
      expect(routes).toEqual([]);
    } else {
      expect(routes.length, `${type}: no HTTP route`).toBeGreaterThan(0);
      expect(overHttp.sort()).toEqual(accepted.sort());
    }
  });

  it('the juror may declare a tie and report a fraud, and nothing else a centre does', () => {
    expect(commandTypes.filter((type) => rolesTheDomainAccepts(type).includes('juror'))).toEqual(['DeclareTie', 'ReportFraud']);
  });

  it('a juror off the jury, or acting about another member, is refused by the domain', () => {
    const refusal = (command: SessionCommand, actor: Actor) => () => decide(command, contextOf({ at: '2027-06-08', actor }));
    expect(refusal(samples.ReportFraud, jurorActor('jur_other'))).toThrow(/Seul le centre agréé concerné/);
    expect(refusal(samples.DeclareTie, jurorActor('jur_other'))).toThrow(/Seul le centre agréé concerné/);
    expect(refusal({ type: 'DeclareTie', jurorId: 'jur_bruno', candidateId: CAND_A }, jurorActor(ALICE))).toThrow(/Seul le centre agréé concerné/);
  });
});
