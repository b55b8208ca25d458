import type * as z from 'zod/mini';
import type { DomainEvent, EventScope } from '../../events/index.js';
import type { Principal } from '../auth/principal.js';
import { forbidden } from '../auth/authorize.js';
import { agrementOf, type AgrementCommand } from '../domain/agrement.js';
import type { Decider } from '../domain/decider.js';
import { habilitationsOf, type JurorCommand } from '../domain/juror.js';
import type { TitreCommand } from '../domain/titreRegister.js';
import type { Titre } from '../domain/titres.js';
import type { SessionCommand, SessionState } from '../domain/session.js';
import type { JuryMember } from '../domain/session/model.js';
import { AppError, type FieldError } from '../errors.js';
import type { AgrementLine } from '../http/agrementCsv.js';
import type { schemas } from '../http/schemas.js';
import type { SessionView } from '../views/index.js';
import type { CentreContact } from '../personalData/store.js';
import { streams } from './executeCommand.js';
import { contextOf, newIdFor, runCommand, summaryOf, type AppDeps, type Call, type Result, type SessionCall } from './useCase.js';

/*
 * The commands, one use case each: what a request adds to its command (ids derived from the key,
 * names saved first, the juror's habilitations), the stream it goes to and what its events concern.
 * Who may run it is the domain's permission table (shared/domain/permissions.ts); the edges (JSON
 * API, form posts) validate the input and check the scope before calling these.
 */

/** A use case's input: what the route's schema validated (shared/http/schemas.ts). */
type In<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

const centreScope = (principal: Principal): EventScope => {
  const { centreId, department, region } = principal.actor.scope;
  if (!centreId || !region) throw forbidden('Votre compte n’est rattaché à aucun centre.');
  return { centreId, ...(department ? { department } : {}), region };
};

/** The centre's name the signed-in session manager's token gives, to record in the command's events. */
const centreNameOf = (principal: Principal): { centreName?: string } => (principal.centreName ? { centreName: principal.centreName } : {});

const sessionScopeOf = (state: SessionState): EventScope =>
  state.status === 'none' ? { region: '00' } : { centreId: state.centreId, department: state.department, region: state.region };

/** Who owns what a centre saves about a session's candidates: the session's centre, department and region. */
const ownerOf = (view: SessionView) => ({ centreId: view.centreId, department: view.department, region: view.region });

/** The signed-in session manager's mailbox, which becomes their centre's: centre users with an address only. */
const centreContactOf = (principal: Principal): CentreContact | undefined =>
  principal.actor.role === 'centre' && principal.actor.scope.centreId && principal.email ? { email: principal.email, displayName: principal.displayName } : undefined;

/**
 * Keeps the centre's mailbox up to date from the signed-in session manager, after a write that
 * landed (never for a refused or replayed command, so bad input still writes nothing).
 */
const rememberCentreContact = async (deps: AppDeps, principal: Principal, replayed: boolean): Promise<void> => {
  const contact = centreContactOf(principal);
  if (replayed || !contact) return;
  await deps.personalData.saveCentreContact(principal.actor.scope.centreId ?? '', contact);
};

interface SessionRun {
  /** A new session: answered 201, its scope taken from the centre user. */
  readonly create?: boolean;
  /** What the events refer to, stored once the command is accepted and before its commit (executeCommand). */
  readonly beforeCommit?: () => Promise<void>;
}

/** Runs a session command; the answer names the session and, after the seals check, the candidate drawn by lot and the seed. */
const runSession = async (
  deps: AppDeps,
  call: Call,
  sessionId: string,
  command: SessionCommand | ((state?: SessionState) => Promise<SessionCommand>),
  { create = false, beforeCommit }: SessionRun = {},
): Promise<Result> => {
  const result = await runCommand(deps, call, streams.session(sessionId), command, create ? centreScope(call.principal) : sessionScopeOf, beforeCommit);
  const seals = result.events.find((event) => event.type === 'SealsChecked');
  const draw = seals?.type === 'SealsChecked' ? { drawnCandidateId: seals.data.drawnCandidateId, seed: seals.data.seed } : {};
  return { status: create ? 201 : 200, body: { sessionId, ...summaryOf(result.events, result.version), ...draw }, replayed: result.replayed };
};

/** A use case that only turns the request into a command on the session the path names. */
const onSession =
  <TInput, TParams extends { readonly sessionId: string } = { readonly sessionId: string }>(toCommand: (input: TInput, call: SessionCall<TInput, TParams>) => SessionCommand) =>
  (deps: AppDeps, call: SessionCall<TInput, TParams>): Promise<Result> =>
    runSession(deps, call, call.params.sessionId, toCommand(call.input, call));

// ------------------------------------------------------------------ programme and jurors

export const submitProgramme = async (deps: AppDeps, call: Call<In<'submitProgramme'>, { readonly year: string }>): Promise<Result> => {
  const year = Number(call.params.year);
  const scope = centreScope(call.principal);
  const centreId = scope.centreId ?? '';
  const command = { type: 'SubmitProgramme' as const, centreId, ...centreNameOf(call.principal), year, sessions: call.input.sessions };
  const result = await runCommand(deps, call, streams.programme(centreId, year), command, scope);
  await rememberCentreContact(deps, call.principal, result.replayed);
  return { status: 200, body: { year, ...summaryOf(result.events, result.version) }, replayed: result.replayed };
};

export const habilitateJuror = async (deps: AppDeps, call: Call<In<'habilitateJuror'>>): Promise<Result> => {
  const { jurorId: given, lastName, firstName, email, ...habilitation } = call.input;
  const recordsIdentity = Boolean(lastName || firstName || email);
  // A new juror needs their identity; one named by id may have theirs recorded, whole, if not habilitated yet.
  if ((!given || recordsIdentity) && !(lastName && firstName && email)) {
    const message = 'Pour un nouveau membre de jury, indiquez son nom, son prénom et son adresse électronique.';
    throw new AppError('juror.identity-missing', 'validation', message, [
      ...(lastName ? [] : [{ field: 'lastName', message: 'Ce champ est obligatoire.' }]),
      ...(firstName ? [] : [{ field: 'firstName', message: 'Ce champ est obligatoire.' }]),
      ...(email ? [] : [{ field: 'email', message: 'Ce champ est obligatoire.' }]),
    ]);
  }
  // A new juror's id derived from the key: the retry writes to the same stream.
  const jurorId = given ?? newIdFor(call, 'jur', 'juror');
  // The decider refuses an identity for a juror already habilitated (juror.identity-known).
  const command: JurorCommand = { type: 'HabilitateJuror', jurorId, ...habilitation, ...(recordsIdentity ? { recordsIdentity } : {}) };
  // A new juror's identity is stored once the habilitation is accepted, before the event that names its id.
  const saveIdentity = lastName && firstName && email ? () => deps.personalData.saveJuror(habilitation.department, { jurorId, lastName, firstName, email }) : undefined;
  const scope = { department: habilitation.department, region: call.principal.actor.scope.region ?? '00' };
  const result = await runCommand(deps, call, streams.juror(jurorId), command, scope, saveIdentity);
  return { status: 201, body: { jurorId, ...summaryOf(result.events, result.version) }, replayed: result.replayed };
};

export const withdrawHabilitation = async (
  deps: AppDeps,
  call: Call<In<'withdrawHabilitation'>, { readonly jurorId: string; readonly habilitationId: string }>,
): Promise<Result> => {
  const { jurorId, habilitationId } = call.params;
  const { department, region } = call.principal.actor.scope;
  const command: JurorCommand = { type: 'WithdrawHabilitation', jurorId, habilitationId, reason: call.input.reason };
  const result = await runCommand(deps, call, streams.juror(jurorId), command, { ...(department ? { department } : {}), region: region ?? '00' });
  return { status: 200, body: { jurorId, ...summaryOf(result.events, result.version) }, replayed: result.replayed };
};

// ------------------------------------------------------------------ titres

/**
 * Whether an import, one command per line under keys derived from the request's, was a replay (the
 * `idempotent-replayed` header, as for any command): a line answered from its first commit, and
 * none recorded anew (a retry that records the lines a crash left out is not a replay).
 */
interface LineAnswer {
  readonly events: readonly unknown[];
  readonly replayed: boolean;
}
const isReplay = (results: readonly LineAnswer[]): boolean => results.some((result) => result.replayed) && results.every((result) => result.replayed || result.events.length === 0);

/**
 * Records the titres of an RNCP export, or none: each is decided first (a refusal names it and
 * nothing is written), then recorded under a key derived from the request's; a titre that did not
 * change records nothing. The catalogue the next decisions read is refreshed at once.
 */
export const importTitres = async (deps: AppDeps, call: Call<readonly Titre[]>): Promise<Result> => {
  const keyOf = (code: string) => (call.idempotencyKey === undefined ? undefined : `${call.idempotencyKey}#${code}`);
  const commands = call.input.map((titre): TitreCommand => ({ type: 'RecordTitre', titre, source: 'rncp' }));
  const errors: FieldError[] = [];
  for (const command of commands) {
    try {
      await checkImported(deps, call, streams.titre(command.titre.code), command, keyOf(command.titre.code));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push({ field: 'fiches', message: error.message });
    }
  }
  if (errors.length > 0) throw new AppError('titre.import-invalid', 'validation', 'Les fichiers contiennent des titres à corriger : aucun titre n’a été enregistré.', errors);
  const results: LineAnswer[] = [];
  for (const command of commands) {
    results.push(
      await runCommand(deps, { ...call, idempotencyKey: keyOf(command.titre.code) }, streams.titre(command.titre.code), command, {
        region: call.principal.actor.scope.region ?? '00',
      }),
    );
  }
  deps.titresRecorded?.(call.input);
  const recorded = results.filter((result) => result.events.length > 0).length;
  return { status: 200, body: { titres: commands.length, recorded, unchanged: commands.length - recorded }, replayed: isReplay(results) };
};

// ------------------------------------------------------------------ agréments

/** Another aggregate's state, folded from its stream just before deciding (a snapshot a command carries). */
const foldStream = async <TCommand, TState, TEvent extends DomainEvent>(
  deps: AppDeps,
  stream: { readonly streamId: string; readonly decider: Decider<TCommand, TState, TEvent> },
): Promise<TState> => {
  const { events } = await deps.store.readStream(stream.streamId);
  return fold(stream.decider, events);
};

// The stream id decides the aggregate: its events are its decider's by construction.
const fold = <TCommand, TState, TEvent extends DomainEvent>(decider: Decider<TCommand, TState, TEvent>, events: readonly DomainEvent[]): TState =>
  events.reduce((state, event) => decider.evolve(state, event as unknown as TEvent), decider.initialState);

/**
 * Decides one command of an import without recording it, so that every line is checked before any
 * is written: throws the decider's refusal. Nothing to check when the line's key already has its
 * commit (a retry after a crash mid-way).
 */
const checkImported = async <TCommand, TState, TEvent extends DomainEvent>(
  deps: AppDeps,
  call: Call,
  stream: { readonly streamId: string; readonly decider: Decider<TCommand, TState, TEvent> },
  command: TCommand,
  idempotencyKey: string | undefined,
): Promise<void> => {
  const read = await deps.store.readStream(stream.streamId, { idempotencyKey, requestHash: call.requestHash });
  if (!read.replay) stream.decider.decide(command, fold(stream.decider, read.events), contextOf(deps, call.principal));
};

/** The region of a department, by the directory of units; a department it does not know is refused on its field. */
export const regionOfDepartment = (deps: AppDeps, department: string): string => {
  const region = deps.directory.regionOf(department);
  if (region) return region;
  throw new AppError('agrement.department-unknown', 'validation', `Le département ${department} n’a pas d’unité départementale dans l’annuaire.`, [
    { field: 'department', message: 'Choisissez un département de l’annuaire des unités.' },
  ]);
};

/** What an agrément's events concern: the centre, its department and region. */
const agrementScope = (agrement: { readonly centreId: string; readonly department: string; readonly region: string }): EventScope => ({
  centreId: agrement.centreId,
  department: agrement.department,
  region: agrement.region,
});

/**
 * Records a centre's agrément; the centre's mailbox, given with it, is where its programme reminders
 * go until a session manager of the centre signs in (after the write landed: a refusal writes nothing).
 */
export const recordAgrement = async (deps: AppDeps, call: Call<In<'recordAgrement'>>): Promise<Result> => {
  const { email, ...terms } = call.input;
  const command: AgrementCommand = { type: 'RecordAgrement', ...terms, region: regionOfDepartment(deps, terms.department) };
  const result = await runCommand(deps, call, streams.agrement(terms.centreId), command, agrementScope(command));
  await deps.personalData.saveCentreContact(terms.centreId, { email, displayName: terms.centreName });
  return { status: 201, body: { centreId: terms.centreId, ...summaryOf(result.events, result.version) }, replayed: result.replayed };
};

const onAgrement = async (deps: AppDeps, call: Call<unknown, { readonly centreId: string }>, command: AgrementCommand): Promise<Result> => {
  const result = await runCommand(deps, call, streams.agrement(call.params.centreId), command, (state) => {
    const agrement = agrementOf(state);
    return agrement ? agrementScope(agrement) : { region: call.principal.actor.scope.region ?? '00' };
  });
  return { status: 200, body: { centreId: call.params.centreId, ...summaryOf(result.events, result.version) }, replayed: result.replayed };
};

export const amendAgrement = (deps: AppDeps, call: Call<In<'amendAgrement'>, { readonly centreId: string }>): Promise<Result> =>
  onAgrement(deps, call, { type: 'AmendAgrement', centreId: call.params.centreId, ...call.input });

export const withdrawAgrement = (deps: AppDeps, call: Call<In<'withdrawAgrement'>, { readonly centreId: string }>): Promise<Result> =>
  onAgrement(deps, call, { type: 'WithdrawAgrement', centreId: call.params.centreId, reason: call.input.reason });

/**
 * Records every agrément of an import, or none. Each line is first decided against its centre's
 * stream, as the regional direction (or the UD) that imports it: any refusal is reported with its
 * line number and nothing is written. Then each line is recorded under a key derived from the
 * request's: a retry after a crash mid-way answers the lines already recorded and records the rest.
 */
export const importAgrements = async (deps: AppDeps, call: Call<readonly AgrementLine[]>): Promise<Result> => {
  const keyOf = (line: number) => (call.idempotencyKey === undefined ? undefined : `${call.idempotencyKey}#ligne-${line}`);
  const errors: FieldError[] = [];
  const lines: { readonly line: number; readonly command: Extract<AgrementCommand, { type: 'RecordAgrement' }>; readonly email: string }[] = [];
  for (const { line, input } of call.input) {
    const { email, ...terms } = input;
    try {
      const command = { type: 'RecordAgrement' as const, ...terms, region: regionOfDepartment(deps, terms.department) };
      await checkImported(deps, call, streams.agrement(terms.centreId), command, keyOf(line));
      lines.push({ line, command, email });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push({ field: 'csv', message: `Ligne ${line} du fichier : ${error.message}` });
    }
  }
  if (errors.length > 0) throw new AppError('agrement.import-invalid', 'validation', 'Le fichier contient des lignes à corriger : aucun agrément n’a été enregistré.', errors);
  const results: LineAnswer[] = [];
  for (const { line, command, email } of lines) {
    results.push(await runCommand(deps, { ...call, idempotencyKey: keyOf(line) }, streams.agrement(command.centreId), command, agrementScope(command)));
    await deps.personalData.saveCentreContact(command.centreId, { email, displayName: command.centreName });
  }
  return { status: 201, body: { imported: lines.length, centreIds: lines.map(({ command }) => command.centreId) }, replayed: isReplay(results) };
};

// ------------------------------------------------------------------ sessions

export const createSession = async (deps: AppDeps, call: Call<In<'createSession'>>): Promise<Result> => {
  const scope = centreScope(call.principal);
  const { candidates, ...session } = call.input;
  // Derived from the key: a retry finds this session's stream, and the commit its first attempt left there.
  const sessionId = newIdFor(call, 'ses', 'session');
  const owner = { centreId: scope.centreId ?? '', department: scope.department ?? '', region: scope.region };
  // Pseudonymous ids derived from the key too: the events carry only these ids.
  const identities = candidates.map((candidate, i) => ({ candidateId: newIdFor(call, 'cand', `candidate-${i}`), ...candidate }));
  return runSession(
    deps,
    call,
    sessionId,
    async (): Promise<SessionCommand> => {
      // The agrément as it stands: the session must fall within it.
      const agrement = agrementOf(await foldStream(deps, streams.agrement(owner.centreId)));
      return {
        type: 'CreateSession',
        sessionId,
        ...owner,
        ...session,
        // After the input: the name comes from the token, never from what the centre typed.
        ...centreNameOf(call.principal),
        candidateIds: identities.map((identity) => identity.candidateId),
        agrement,
      };
    },
    {
      create: true,
      // Once the session is accepted, before its commit: the names, and the centre's mailbox from
      // the signed-in session manager, in one write. A refused session stores no name.
      beforeCommit: () => deps.personalData.saveCandidates(owner, identities, centreContactOf(call.principal)),
    },
  );
};

export const registerCandidate = async (deps: AppDeps, call: SessionCall<In<'registerCandidate'>>): Promise<Result> => {
  const candidateId = newIdFor(call, 'cand', 'candidate');
  return runSession(
    deps,
    call,
    call.params.sessionId,
    { type: 'RegisterCandidate', candidateId },
    { beforeCommit: () => deps.personalData.saveCandidates(ownerOf(call.session), [{ candidateId, ...call.input }]) },
  );
};

export const withdrawCandidate = onSession<In<'withdrawCandidate'>, { readonly sessionId: string; readonly candidateId: string }>((input, call) => ({
  type: 'WithdrawCandidate',
  candidateId: call.params.candidateId,
  ...(input.reason ? { reason: input.reason } : {}),
}));

/**
 * The event first, then the store. A failure in between answers 5xx and releases the key: the
 * retry with the same key replays the event (no second one) and erases again, which is
 * idempotent. A request for a candidate already erased records nothing and erases again too.
 */
export const eraseCandidatePersonalData = async (deps: AppDeps, call: SessionCall<unknown, { readonly sessionId: string; readonly candidateId: string }>): Promise<Result> => {
  const { candidateId } = call.params;
  const { status, body, replayed } = await runSession(deps, call, call.params.sessionId, { type: 'EraseCandidatePersonalData', candidateId });
  await deps.personalData.eraseCandidate(candidateId);
  return { status, body: { ...body, candidateId }, replayed };
};

/** Checked once the key has no first answer (as the names saved): a retry is answered as the first attempt was. */
export const grantAccommodation = async (deps: AppDeps, call: SessionCall<In<'grantAccommodation'>>): Promise<Result> => {
  const { candidateId, adaptation } = call.input;
  const accommodationId = newIdFor(call, 'acc', 'accommodation');
  return runSession(
    deps,
    call,
    call.params.sessionId,
    async () => {
      if (!call.session.candidateIds.includes(candidateId)) {
        throw new AppError('candidate.unknown', 'validation', 'Ce candidat n’est pas inscrit à la session.', [
          { field: 'candidateId', message: 'Choisissez un candidat inscrit à la session.' },
        ]);
      }
      return { type: 'GrantAccommodation', candidateId, accommodationId };
    },
    { beforeCommit: () => deps.personalData.saveAccommodation(ownerOf(call.session), { accommodationId, candidateId, adaptation }) },
  );
};

export const informJuryOfAccommodations = onSession(() => ({ type: 'InformJuryOfAccommodations' }));

/** The juror's habilitations go with the command, folded from their own stream (read alongside the session's) just before deciding. */
export const assignJuror = async (deps: AppDeps, call: SessionCall<In<'assignJuror'>>): Promise<Result> => {
  const { jurorId, tiedCandidateIds } = call.input;
  return runSession(deps, call, call.params.sessionId, async () => ({
    type: 'AssignJuror',
    jurorId,
    habilitations: habilitationsOf(await foldStream(deps, streams.juror(jurorId))),
    tiedCandidateIds,
  }));
};

export const declareTie = onSession<In<'declareTie'>, { readonly sessionId: string; readonly jurorId: string }>((input, call) => ({
  type: 'DeclareTie',
  jurorId: call.params.jurorId,
  candidateId: input.candidateId,
}));

/** After day one, the member's habilitations go with the command: one the UD struck off may still be removed. */
export const unassignJuror = (deps: AppDeps, call: SessionCall<In<'unassignJuror'>, { readonly sessionId: string; readonly jurorId: string }>): Promise<Result> =>
  runSession(deps, call, call.params.sessionId, async (state) => ({
    type: 'UnassignJuror',
    jurorId: call.params.jurorId,
    reason: call.input.reason,
    ...(['started', 'pv-rejected'].includes(sessionNow(call.session, state).status)
      ? { habilitations: habilitationsOf(await foldStream(deps, streams.juror(call.params.jurorId))) }
      : {}),
  }));

export const sendConvocations = onSession<In<'sendConvocations'>>((input) => ({ type: 'SendConvocations', audience: input.audience }));

export const checkPlateauTechnique = onSession<In<'checkPlateau'>>((input) => ({ type: 'CheckPlateauTechnique', ...input }));

export const schedulePassages = onSession<In<'schedulePassages'>>((input) => ({ type: 'SchedulePassages', passages: input.passages }));

/**
 * The session's status and jury ids: from the state the command is decided against once another
 * command landed in between (the command is built again then), else from the caller's view.
 */
const sessionNow = (view: SessionView, state: SessionState | undefined): { readonly status: string; readonly jury: readonly Pick<JuryMember, 'jurorId' | 'tiedCandidateIds'>[] } =>
  state && state.status !== 'none' ? { status: state.status, jury: Object.values(state.jury) } : view;

/**
 * Each jury member's habilitations, folded from their own streams in parallel just before deciding
 * (one read each); the jury is the one decided against (`state`, after a conflict): a member
 * assigned in between is checked too.
 */
const juryHabilitationsOf = async (deps: AppDeps, view: SessionView, state: SessionState | undefined) =>
  Object.fromEntries(
    await Promise.all(sessionNow(view, state).jury.map(async ({ jurorId }) => [jurorId, habilitationsOf(await foldStream(deps, streams.juror(jurorId)))] as const)),
  );

/** The jury's habilitations go with the command: one withdrawn since the assignment stops day one. */
export const checkSeals = (deps: AppDeps, call: SessionCall<In<'checkSeals'>>): Promise<Result> =>
  runSession(deps, call, call.params.sessionId, async (state) => ({ type: 'CheckSeals', ...call.input, juryHabilitations: await juryHabilitationsOf(deps, call.session, state) }));

export const reportFraud = onSession<In<'reportFraud'>>((input) => ({ type: 'ReportFraud', ...input }));

export const notifySanction = onSession<In<'notifySanction'>>((input) => ({ type: 'NotifySanction', ...input }) as SessionCommand);

/** The jurors who evaluated a candidate, when the PV does not say: every member (of the jury decided against) without a tie with them. */
const evaluatorsFor = (jury: ReturnType<typeof sessionNow>['jury'], candidateId: string): string[] =>
  jury.filter((member) => !member.tiedCandidateIds.includes(candidateId)).map((member) => member.jurorId);

/** The jury's habilitations go with the command: a member the UD struck off since day one may not sign. */
export const signPv = (deps: AppDeps, call: SessionCall<In<'signPv'>>): Promise<Result> =>
  runSession(deps, call, call.params.sessionId, async (state) => ({
    type: 'SignPV',
    signatoryIds: call.input.signatoryIds,
    documentSha256: call.input.documentSha256,
    decisions: call.input.decisions.map((decision) => ({
      candidateId: decision.candidateId,
      decision: decision.decision,
      ccpObtained: decision.ccpObtained,
      evaluatorIds: decision.evaluatorIds ?? evaluatorsFor(sessionNow(call.session, state).jury, decision.candidateId),
    })),
    juryHabilitations: await juryHabilitationsOf(deps, call.session, state),
  }));

export const recordResultsInCeres = onSession(() => ({ type: 'RecordResultsInCeres' }));

export const transmitPv = onSession(() => ({ type: 'TransmitPV' }));

export const validatePv = onSession(() => ({ type: 'ValidatePV' }));

export const rejectPv = onSession<In<'rejectPv'>>((input) => ({ type: 'RejectPV', reason: input.reason }));

export const cancelSession = onSession<In<'cancelSession'>>((input) => ({ type: 'CancelSession', reason: input.reason }));

/** Not a command: an address where the session's centre puts its signed PV, bound to the file. */
export const presignPvUpload = async (deps: AppDeps, call: SessionCall<In<'presignPv'>>): Promise<Result> => ({
  status: 200,
  body: await deps.pvUploads.presign({ sessionId: call.params.sessionId, centreId: call.session.centreId, sha256Hex: call.input.sha256, sizeBytes: call.input.sizeBytes }),
});
