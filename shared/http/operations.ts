import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import type * as z from 'zod';
import type { EventScope, Role, StoredEvent } from '../../events/index.js';
import { executeCommand } from '../application/executeCommand.js';
import type { Principal } from '../auth/principal.js';
import { authorize, authorizeSession, forbidden, sessionNotFound, type Target } from '../auth/authorize.js';
import type { DecisionContext, DomainSettings } from '../domain/decider.js';
import { parisDate } from '../domain/calendar.js';
import { rolesFor, type CommandType } from '../domain/permissions.js';
import { DRAW_METHOD, replayDraw } from '../domain/draw.js';
import type { Directory } from '../directory/directory.js';
import { jurorDecider, jurorStreamId, habilitationsOf, type JurorCommand } from '../domain/juror.js';
import { programmeDecider, programmeStreamId, type ProgrammeCommand } from '../domain/programme.js';
import { sessionDecider, sessionStreamId, type SessionCommand, type SessionState } from '../domain/session.js';
import type { TitreCatalogue } from '../domain/titres.js';
import { AppError } from '../errors.js';
import type { EventStore } from '../eventStore/port.js';
import { idFromKey } from './idempotency.js';
import type { Clock } from '../platform/clock.js';
import type { PersonalDataStore } from '../personalData/store.js';
import type { SessionView, ViewsReader } from '../views/index.js';
import { schemas } from './schemas.js';

/**
 * The use cases behind the HTTP edge, one per domain command and one per query the pages show.
 * The JSON API and the HTML form posts both call these, so a rule is checked once. Each names the
 * roles it is for and resolves the target its scope check needs; the edge authenticates,
 * validates, authorizes and applies idempotency around `run`.
 */

/** Where the signed PV goes: a presigned PUT bound to the file's SHA-256, type and size. */
export interface PvUploadPort {
  presign(request: { sessionId: string; centreId: string; sha256Hex: string; sizeBytes: number }): Promise<{ url: string; headers: Record<string, string>; objectKey: string }>;
}

export interface AppDeps {
  readonly store: EventStore;
  readonly views: ViewsReader;
  readonly personalData: PersonalDataStore;
  readonly pvUploads: PvUploadPort;
  readonly clock: Clock;
  readonly settings: DomainSettings;
  readonly titres: TitreCatalogue;
  /** The units: which departments make up a region (the regional admin's department filter). */
  readonly directory: Directory;
}

export interface Call<TInput> {
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  readonly input: TInput;
  /** Scoped to the user and the operation (shared/http/idempotency.ts). */
  readonly idempotencyKey?: string | undefined;
  /** A hash of the request, recorded with the key: the key reused for other data is refused. */
  readonly requestHash?: string | undefined;
  readonly correlationId: string;
  /** The session the path names, loaded once for the scope check. */
  readonly session?: SessionView | undefined;
}

export interface Result {
  readonly status: 200 | 201;
  readonly body: Record<string, unknown>;
  /** The first answer to this idempotency key, given again: nothing was written. */
  readonly replayed?: boolean;
}

export interface Operation<S extends z.ZodType = z.ZodType> {
  readonly id: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** French, for the OpenAPI document. */
  readonly summary: string;
  readonly roles: readonly Role[];
  /** The domain command it runs: its roles are those of the permission table (shared/domain/permissions.ts). */
  readonly command?: CommandType;
  readonly write: boolean;
  /** Body schema (POST) or query string schema (GET). */
  readonly input: S;
  /** Whether the path names a session whose scope must cover the principal. */
  readonly sessionScoped?: boolean;
  /** What the request touches, for the scope check (session-scoped ones use the session). */
  target?(principal: Principal, input: z.output<S>, params: Readonly<Record<string, string>>, deps: AppDeps): Promise<Target> | Target;
  run(deps: AppDeps, call: Call<z.output<S>>): Promise<Result>;
}

const define = <S extends z.ZodType>(operation: Operation<S>): Operation => operation as unknown as Operation;

export const newId = (prefix: string): string => `${prefix}_${ulid()}`;

/** A new id that the retry of the same request derives again (shared/http/idempotency.ts), so it creates nothing twice. */
const newIdFor = (call: Call<unknown>, prefix: string, salt: string): string => (call.idempotencyKey === undefined ? newId(prefix) : idFromKey(prefix, call.idempotencyKey, salt));

const contextOf = (deps: AppDeps, principal: Principal): DecisionContext => ({
  now: deps.clock.now(),
  actor: principal.actor,
  newId,
  newSeed: () => randomBytes(16).toString('hex'),
  settings: deps.settings,
  titres: deps.titres,
});

const ownCentre = (principal: Principal): Target => ({ centreId: principal.actor.scope.centreId });

const centreScope = (principal: Principal): EventScope => {
  const { centreId, department, region } = principal.actor.scope;
  if (!centreId || !region) throw forbidden('Votre compte n’est rattaché à aucun centre.');
  return { centreId, ...(department ? { department } : {}), region };
};

/** The centre's name the signed-in session manager's token gives, to record in the command's events. */
const centreNameOf = (principal: Principal): { centreName?: string } => (principal.centreName ? { centreName: principal.centreName } : {});

const sessionScopeOf = (state: SessionState): EventScope =>
  state.status === 'none' ? { region: '00' } : { centreId: state.centreId, department: state.department, region: state.region };

/** The body of a command's answer; whether it was replayed goes in a header, so the retry's body equals the first. */
const summaryOf = (events: readonly StoredEvent[], version: number) => ({
  version,
  events: events.map((event) => ({ id: event.id, type: event.type })),
});

/**
 * Keeps the centre's mailbox up to date from the signed-in session manager, after a write that
 * landed (never for a refused or replayed command, so bad input still writes nothing).
 */
const rememberCentreContact = async (deps: AppDeps, principal: Principal, replayed: boolean): Promise<void> => {
  const { centreId } = principal.actor.scope;
  if (replayed || principal.actor.role !== 'centre' || !centreId || !principal.email) return;
  await deps.personalData.saveCentreContact(centreId, { email: principal.email, displayName: principal.displayName });
};

/**
 * Runs a session command through the use-case runner. The command may be given as how to build it
 * when building it writes (names first): a retry whose first answer is recorded builds nothing.
 */
const runSession = async (
  deps: AppDeps,
  call: Call<unknown>,
  command: SessionCommand | (() => Promise<SessionCommand>),
  create = false,
): Promise<Result & { events: readonly StoredEvent[] }> => {
  const sessionId = call.params.sessionId ?? '';
  const result = await executeCommand({
    store: deps.store,
    streamId: sessionStreamId(sessionId),
    decider: sessionDecider,
    command,
    context: contextOf(deps, call.principal),
    scope: create ? centreScope(call.principal) : sessionScopeOf,
    correlationId: call.correlationId,
    causationId: call.correlationId,
    idempotencyKey: call.idempotencyKey,
    requestHash: call.requestHash,
  });
  if (create) await rememberCentreContact(deps, call.principal, result.replayed);
  // The draw by lot is shown to the session manager right away: the drawn candidate and the seed.
  const seals = result.events.find((event) => event.type === 'SealsChecked');
  const draw = seals?.type === 'SealsChecked' ? { drawnCandidateId: seals.data.drawnCandidateId, seed: seals.data.seed } : {};
  return { status: create ? 201 : 200, body: { sessionId, ...summaryOf(result.events, result.version), ...draw }, events: result.events, replayed: result.replayed };
};

const sessionCommand = <S extends z.ZodType>(spec: {
  id: string;
  path: string;
  summary: string;
  command: SessionCommand['type'];
  input: S;
  toCommand(input: z.output<S>, call: Call<z.output<S>>, deps: AppDeps): SessionCommand | Promise<SessionCommand>;
}): Operation =>
  define({
    id: spec.id,
    method: 'POST',
    path: `/api/sessions/{sessionId}${spec.path}`,
    summary: spec.summary,
    command: spec.command,
    roles: rolesFor(spec.command),
    write: true,
    sessionScoped: true,
    input: spec.input,
    run: async (deps, call) => runSession(deps, call, async () => spec.toCommand(call.input, call, deps)),
  });

const sessionTarget = (view: SessionView): Target => ({ centreId: view.centreId, department: view.department, region: view.region, jurorIds: view.jury.map((m) => m.jurorId) });

/** Loads the session a path names, or 404. */
export const loadSession = async (deps: AppDeps, sessionId: string): Promise<SessionView> => {
  const view = await deps.views.getSessionView(sessionId);
  if (!view) throw sessionNotFound();
  return view;
};

/**
 * The scope check of a session-scoped request (operations and pages alike): the session the path
 * names, before any input is read, so a foreign user learns nothing from validation messages; a
 * foreign centre gets the answer of an unknown id (shared/auth/authorize.ts `authorizeSession`).
 */
export const checkSessionAccess = async (deps: AppDeps, roles: readonly Role[], principal: Principal, params: Readonly<Record<string, string>>): Promise<SessionView> => {
  const view = await deps.views.getSessionView(params.sessionId ?? '');
  authorizeSession(principal, roles, view && sessionTarget(view));
  return view as SessionView;
};

/** The scope check of the other operations, whose target may depend on the validated input. */
export const checkTargetAccess = async (deps: AppDeps, operation: Operation, principal: Principal, input: unknown, params: Readonly<Record<string, string>>): Promise<void> => {
  const target = operation.target ? await operation.target(principal, input, params, deps) : {};
  authorize(principal, { roles: operation.roles, target });
};

// ------------------------------------------------------------------ commands

const evaluatorsFor = (view: SessionView | undefined, candidateId: string): string[] =>
  (view?.jury ?? []).filter((member) => !member.tiedCandidateIds.includes(candidateId)).map((member) => member.jurorId);

export const commands: readonly Operation[] = [
  define({
    id: 'submitProgramme',
    command: 'SubmitProgramme',
    method: 'POST',
    path: '/api/programmes/{year}',
    summary: 'Transmettre (ou modifier) la programmation prévisionnelle annuelle du centre',
    roles: rolesFor('SubmitProgramme'),
    write: true,
    input: schemas.submitProgramme,
    target: (principal) => ownCentre(principal),
    run: async (deps, call) => {
      const year = Number(call.params.year);
      const scope = centreScope(call.principal);
      const command: ProgrammeCommand = { type: 'SubmitProgramme', centreId: scope.centreId ?? '', ...centreNameOf(call.principal), year, sessions: call.input.sessions };
      const result = await executeCommand({
        store: deps.store,
        streamId: programmeStreamId(scope.centreId ?? '', year),
        decider: programmeDecider,
        command,
        context: contextOf(deps, call.principal),
        scope,
        correlationId: call.correlationId,
        causationId: call.correlationId,
        idempotencyKey: call.idempotencyKey,
        requestHash: call.requestHash,
      });
      await rememberCentreContact(deps, call.principal, result.replayed);
      return { status: 200, body: { year, ...summaryOf(result.events, result.version) }, replayed: result.replayed };
    },
  }),
  define({
    id: 'createSession',
    command: 'CreateSession',
    method: 'POST',
    path: '/api/sessions',
    summary: 'Enregistrer une session créée dans CERES, avec ses candidats',
    roles: rolesFor('CreateSession'),
    write: true,
    input: schemas.createSession,
    target: (principal) => ownCentre(principal),
    run: async (deps, call) => {
      const scope = centreScope(call.principal);
      const { candidates, ...session } = call.input;
      // Derived from the key: a retry finds this session's stream, and the commit its first attempt left there.
      const sessionId = newIdFor(call, 'ses', 'session');
      return runSession(
        deps,
        { ...call, params: { sessionId } },
        async (): Promise<SessionCommand> => {
          const identities = candidates.map((candidate, i) => ({ candidateId: newIdFor(call, 'cand', `candidate-${i}`), ...candidate }));
          // Names first, under fresh pseudonymous ids: the events will carry only the ids.
          await deps.personalData.saveCandidates({ centreId: scope.centreId ?? '', department: scope.department ?? '', region: scope.region }, identities);
          return {
            type: 'CreateSession',
            sessionId,
            centreId: scope.centreId ?? '',
            department: scope.department ?? '',
            region: scope.region,
            ...session,
            // After the input: the name comes from the token, never from what the centre typed.
            ...centreNameOf(call.principal),
            candidateIds: identities.map((identity) => identity.candidateId),
          };
        },
        true,
      );
    },
  }),
  sessionCommand({
    id: 'registerCandidate',
    command: 'RegisterCandidate',
    path: '/candidates',
    summary: 'Inscrire un candidat à la session',
    input: schemas.registerCandidate,
    toCommand: async (input, call, deps) => {
      const candidateId = newIdFor(call, 'cand', 'candidate');
      const view = call.session;
      await deps.personalData.saveCandidates({ centreId: view?.centreId ?? '', department: view?.department ?? '', region: view?.region ?? '' }, [{ candidateId, ...input }]);
      return { type: 'RegisterCandidate', candidateId };
    },
  }),
  sessionCommand({
    id: 'withdrawCandidate',
    command: 'WithdrawCandidate',
    path: '/candidates/{candidateId}/withdraw',
    summary: 'Retirer un candidat de la session',
    input: schemas.withdrawCandidate,
    toCommand: (input, call) => ({ type: 'WithdrawCandidate', candidateId: call.params.candidateId ?? '', ...(input.reason ? { reason: input.reason } : {}) }),
  }),
  define({
    id: 'eraseCandidatePersonalData',
    command: 'EraseCandidatePersonalData',
    method: 'POST',
    path: '/api/sessions/{sessionId}/candidates/{candidateId}/erasure',
    summary: 'Effacer, à la demande du candidat, ses données personnelles (identité, coordonnées, aménagements) ; l’historique garde son identifiant',
    roles: rolesFor('EraseCandidatePersonalData'),
    write: true,
    sessionScoped: true,
    input: schemas.eraseCandidatePersonalData,
    run: async (deps, call) => {
      const candidateId = call.params.candidateId ?? '';
      // The event first, then the store. A failure in between answers 5xx and releases the key: the
      // retry with the same key replays the event (no second one) and erases again, which is
      // idempotent. A request for a candidate already erased records nothing and erases again too.
      const { status, body, replayed } = await runSession(deps, call, { type: 'EraseCandidatePersonalData', candidateId });
      await deps.personalData.eraseCandidate(candidateId);
      return { status, body: { ...body, candidateId }, replayed };
    },
  }),
  sessionCommand({
    id: 'grantAccommodation',
    command: 'GrantAccommodation',
    path: '/accommodations',
    summary: 'Accorder un aménagement d’épreuve à un candidat en situation de handicap',
    input: schemas.grantAccommodation,
    toCommand: async (input, call, deps) => {
      const view = call.session;
      if (!view?.candidateIds.includes(input.candidateId)) {
        throw new AppError('candidate.unknown', 'validation', 'Ce candidat n’est pas inscrit à la session.', [
          { field: 'candidateId', message: 'Choisissez un candidat inscrit à la session.' },
        ]);
      }
      const accommodationId = newIdFor(call, 'acc', 'accommodation');
      await deps.personalData.saveAccommodation(
        { centreId: view.centreId, department: view.department, region: view.region },
        { accommodationId, candidateId: input.candidateId, adaptation: input.adaptation },
      );
      return { type: 'GrantAccommodation', candidateId: input.candidateId, accommodationId };
    },
  }),
  sessionCommand({
    id: 'informJuryOfAccommodations',
    command: 'InformJuryOfAccommodations',
    path: '/accommodations/inform-jury',
    summary: 'Indiquer que le jury a été informé des aménagements',
    input: schemas.empty,
    toCommand: () => ({ type: 'InformJuryOfAccommodations' }),
  }),
  sessionCommand({
    id: 'assignJuror',
    command: 'AssignJuror',
    path: '/jury',
    summary: 'Désigner un membre du jury habilité, avec ses liens déclarés avec des candidats',
    input: schemas.assignJuror,
    toCommand: async (input, _call, deps) => {
      const { events } = await deps.store.readStream(jurorStreamId(input.jurorId));
      const state = events.reduce((current, event) => jurorDecider.evolve(current, event as Parameters<typeof jurorDecider.evolve>[1]), jurorDecider.initialState);
      return { type: 'AssignJuror', jurorId: input.jurorId, habilitations: habilitationsOf(state), tiedCandidateIds: input.tiedCandidateIds };
    },
  }),
  sessionCommand({
    id: 'declareTie',
    command: 'DeclareTie',
    path: '/jury/{jurorId}/ties',
    summary: 'Déclarer un lien entre un membre du jury et un candidat',
    input: schemas.declareTie,
    toCommand: (input, call) => ({ type: 'DeclareTie', jurorId: call.params.jurorId ?? '', candidateId: input.candidateId }),
  }),
  sessionCommand({
    id: 'unassignJuror',
    command: 'UnassignJuror',
    path: '/jury/{jurorId}/unassign',
    summary: 'Retirer un membre du jury',
    input: schemas.unassignJuror,
    toCommand: (input, call) => ({ type: 'UnassignJuror', jurorId: call.params.jurorId ?? '', reason: input.reason }),
  }),
  sessionCommand({
    id: 'sendConvocations',
    command: 'SendConvocations',
    path: '/convocations',
    summary: 'Envoyer les convocations (jury ou candidats)',
    input: schemas.sendConvocations,
    toCommand: (input) => ({ type: 'SendConvocations', audience: input.audience }),
  }),
  sessionCommand({
    id: 'checkPlateauTechnique',
    command: 'CheckPlateauTechnique',
    path: '/plateau',
    summary: 'Enregistrer la vérification du plateau technique avec le jury',
    input: schemas.checkPlateau,
    toCommand: (input) => ({ type: 'CheckPlateauTechnique', ...input }),
  }),
  sessionCommand({
    id: 'checkSeals',
    command: 'CheckSeals',
    path: '/seals',
    summary: 'Vérifier les plis cachetés avec un candidat tiré au sort',
    input: schemas.checkSeals,
    toCommand: (input) => ({ type: 'CheckSeals', ...input }),
  }),
  sessionCommand({
    id: 'reportFraud',
    command: 'ReportFraud',
    path: '/frauds',
    summary: 'Signaler une fraude',
    input: schemas.reportFraud,
    toCommand: (input) => ({ type: 'ReportFraud', ...input }),
  }),
  sessionCommand({
    id: 'notifySanction',
    command: 'NotifySanction',
    path: '/sanctions',
    summary: 'Notifier une sanction pour fraude (unité départementale)',
    input: schemas.notifySanction,
    toCommand: (input) => ({ type: 'NotifySanction', ...input }) as SessionCommand,
  }),
  define({
    id: 'presignPvUpload',
    method: 'POST',
    path: '/api/sessions/{sessionId}/pv/upload-url',
    summary: 'Obtenir une adresse de dépôt du PV signé, liée à son empreinte SHA-256',
    roles: ['centre'],
    write: false,
    sessionScoped: true,
    input: schemas.presignPv,
    run: async (deps, call) => {
      const view = call.session;
      const upload = await deps.pvUploads.presign({
        sessionId: call.params.sessionId ?? '',
        centreId: view?.centreId ?? '',
        sha256Hex: call.input.sha256,
        sizeBytes: call.input.sizeBytes,
      });
      return { status: 200, body: upload };
    },
  }),
  sessionCommand({
    id: 'signPv',
    command: 'SignPV',
    path: '/pv',
    summary: 'Enregistrer le procès-verbal signé : une décision par candidat, signé par tout le jury',
    input: schemas.signPv,
    toCommand: (input, call) => ({
      type: 'SignPV',
      signatoryIds: input.signatoryIds,
      documentSha256: input.documentSha256,
      decisions: input.decisions.map((decision) => ({
        candidateId: decision.candidateId,
        decision: decision.decision,
        ccpObtained: decision.ccpObtained,
        evaluatorIds: decision.evaluatorIds ?? evaluatorsFor(call.session, decision.candidateId),
      })),
    }),
  }),
  sessionCommand({
    id: 'recordResultsInCeres',
    command: 'RecordResultsInCeres',
    path: '/ceres-results',
    summary: 'Indiquer que les résultats ont été saisis dans CERES',
    input: schemas.empty,
    toCommand: () => ({ type: 'RecordResultsInCeres' }),
  }),
  sessionCommand({
    id: 'transmitPv',
    command: 'TransmitPV',
    path: '/pv/transmit',
    summary: 'Transmettre le PV signé à l’unité départementale',
    input: schemas.empty,
    toCommand: () => ({ type: 'TransmitPV' }),
  }),
  sessionCommand({
    id: 'validatePv',
    command: 'ValidatePV',
    path: '/pv/validate',
    summary: 'Valider le PV (unité départementale) : les résultats deviennent officiels',
    input: schemas.empty,
    toCommand: () => ({ type: 'ValidatePV' }),
  }),
  sessionCommand({
    id: 'rejectPv',
    command: 'RejectPV',
    path: '/pv/reject',
    summary: 'Rejeter le PV avec un motif (unité départementale)',
    input: schemas.rejectPv,
    toCommand: (input) => ({ type: 'RejectPV', reason: input.reason }),
  }),
  sessionCommand({
    id: 'cancelSession',
    command: 'CancelSession',
    path: '/cancel',
    summary: 'Annuler la session',
    input: schemas.cancelSession,
    toCommand: (input) => ({ type: 'CancelSession', reason: input.reason }),
  }),
  define({
    id: 'habilitateJuror',
    command: 'HabilitateJuror',
    method: 'POST',
    path: '/api/jurors',
    summary: 'Habiliter un membre de jury pour un titre (unité départementale du département du juré)',
    roles: rolesFor('HabilitateJuror'),
    write: true,
    input: schemas.habilitateJuror,
    target: (_principal, input) => ({ department: input.department }),
    run: async (deps, call) => {
      const { jurorId: given, lastName, firstName, email, ...habilitation } = call.input;
      if (!given && !(lastName && firstName && email)) {
        const message = 'Pour un nouveau membre de jury, indiquez son nom, son prénom et son adresse électronique.';
        throw new AppError('juror.identity-missing', 'validation', message, [
          ...(lastName ? [] : [{ field: 'lastName', message: 'Ce champ est obligatoire.' }]),
          ...(firstName ? [] : [{ field: 'firstName', message: 'Ce champ est obligatoire.' }]),
          ...(email ? [] : [{ field: 'email', message: 'Ce champ est obligatoire.' }]),
        ]);
      }
      // A new juror's id derived from the key: the retry writes to the same stream.
      const jurorId = given ?? newIdFor(call, 'jur', 'juror');
      if (lastName && firstName && email) await deps.personalData.saveJuror(habilitation.department, { jurorId, lastName, firstName, email });
      const command: JurorCommand = { type: 'HabilitateJuror', jurorId, ...habilitation };
      const result = await executeCommand({
        store: deps.store,
        streamId: jurorStreamId(jurorId),
        decider: jurorDecider,
        command,
        context: contextOf(deps, call.principal),
        scope: { department: habilitation.department, region: call.principal.actor.scope.region ?? '00' },
        correlationId: call.correlationId,
        causationId: call.correlationId,
        idempotencyKey: call.idempotencyKey,
        requestHash: call.requestHash,
      });
      return { status: 201, body: { jurorId, ...summaryOf(result.events, result.version) }, replayed: result.replayed };
    },
  }),
  define({
    id: 'withdrawHabilitation',
    command: 'WithdrawHabilitation',
    method: 'POST',
    path: '/api/jurors/{jurorId}/habilitations/{habilitationId}/withdraw',
    summary: 'Retirer une habilitation avant son terme',
    roles: rolesFor('WithdrawHabilitation'),
    write: true,
    input: schemas.withdrawHabilitation,
    target: async (_principal, _input, params, deps) => {
      const juror = await deps.views.getJurorView(params.jurorId ?? '');
      if (!juror) throw new AppError('juror.not-found', 'not-found', 'Ce membre de jury est introuvable.');
      return { department: juror.habilitations.find((h) => h.habilitationId === params.habilitationId)?.department ?? juror.department };
    },
    run: async (deps, call) => {
      const jurorId = call.params.jurorId ?? '';
      const result = await executeCommand({
        store: deps.store,
        streamId: jurorStreamId(jurorId),
        decider: jurorDecider,
        command: { type: 'WithdrawHabilitation', jurorId, habilitationId: call.params.habilitationId ?? '', reason: call.input.reason },
        context: contextOf(deps, call.principal),
        scope: { ...(call.principal.actor.scope.department ? { department: call.principal.actor.scope.department } : {}), region: call.principal.actor.scope.region ?? '00' },
        correlationId: call.correlationId,
        causationId: call.correlationId,
        idempotencyKey: call.idempotencyKey,
        requestHash: call.requestHash,
      });
      return { status: 200, body: { jurorId, ...summaryOf(result.events, result.version) }, replayed: result.replayed };
    },
  }),
];

// ------------------------------------------------------------------ queries

/** A session as the pages show it: the view, with names only for those who may read them. */
export const sessionDetails = async (deps: AppDeps, principal: Principal, view: SessionView) => {
  const candidates = await deps.personalData.readCandidates(principal, view.candidateIds);
  const jurors = await deps.personalData.readJurors(view.jury.map((member) => member.jurorId));
  const accommodations = await deps.personalData.readAccommodations(
    principal,
    view.candidateIds.filter(() => view.accommodationIds.length > 0),
  );
  // From the view (the session's events), not from a missing identity: a reader who may not see
  // names gets none either, and must still tell an erased candidate from a hidden one.
  const erased = new Set(view.erasedCandidateIds ?? []);
  return {
    session: view,
    candidates: view.candidateIds.map((candidateId) => {
      const identity = candidates.get(candidateId);
      if (erased.has(candidateId)) return { candidateId, erased: true as const };
      return identity ? { candidateId, lastName: identity.lastName, firstName: identity.firstName, birthDate: identity.birthDate } : { candidateId };
    }),
    jurors: view.jury.map((member) => {
      const identity = jurors.get(member.jurorId);
      return { ...member, ...(identity ? { lastName: identity.lastName, firstName: identity.firstName } : {}) };
    }),
    accommodations,
  };
};

/**
 * The seal-check draw of a session replayed from what its SealsChecked event recorded (the seed and
 * the present candidates): anyone who may read the session can see it gives the same candidate.
 */
export const replaySealsDraw = async (deps: AppDeps, sessionId: string) => {
  const { events } = await deps.store.readStream(sessionStreamId(sessionId));
  const seals = [...events].reverse().find((event) => event.type === 'SealsChecked');
  if (seals?.type !== 'SealsChecked') {
    throw new AppError(
      'draw.not-yet',
      'not-found',
      'Aucun tirage au sort n’a encore eu lieu pour cette session : il se fait le premier jour, à la vérification des plis cachetés.',
    );
  }
  const { checkedOn, seed, presentCandidateIds, drawnCandidateId } = seals.data;
  return { checkedOn, seed, presentCandidateIds, recordedCandidateId: drawnCandidateId, ...replayDraw(seals.data), method: DRAW_METHOD };
};

/** The departments of a region, by the directory of units, in code order. */
export const departmentsOfRegion = (deps: AppDeps, region: string): string[] =>
  deps.directory
    .all()
    .filter((unit) => unit.kind === 'ud' && unit.region === region)
    .map((unit) => unit.code)
    .sort();

/** Refuses a department outside the regional admin's region (403, in French, naming the field). */
export const checkDepartmentOfRegion = (deps: AppDeps, region: string, department: string): void => {
  if (departmentsOfRegion(deps, region).includes(department)) return;
  throw new AppError(
    'region.department-outside',
    'forbidden',
    `Le département ${department} n’appartient pas à votre région : seules les sessions de la région ${region} vous sont ouvertes.`,
    [{ field: 'department', message: 'Choisissez un département de votre région.' }],
  );
};

const pageBody = <T>(page: { readonly items: readonly T[]; readonly nextCursor?: string | undefined }) => ({
  items: page.items,
  ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
});

export const queries: readonly Operation[] = [
  define({
    id: 'listSessions',
    method: 'GET',
    path: '/api/sessions',
    summary: 'Les sessions du centre (centre) ou du département (unité départementale)',
    roles: ['centre', 'ud'],
    write: false,
    input: schemas.listSessions,
    target: (principal) => (principal.actor.role === 'centre' ? ownCentre(principal) : { department: principal.actor.scope.department }),
    run: async (deps, call) => {
      const options = call.input.cursor ? { cursor: call.input.cursor } : {};
      const page =
        call.principal.actor.role === 'centre'
          ? await deps.views.listSessionsOfCentre(call.principal.actor.scope.centreId ?? '', options)
          : await deps.views.listSessionsOfDepartment(call.principal.actor.scope.department ?? '', options);
      return { status: 200, body: { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
    },
  }),
  define({
    id: 'getSession',
    method: 'GET',
    path: '/api/sessions/{sessionId}',
    summary: 'Une session : jury, candidats, échéances et résultats (provisoires ou officiels)',
    roles: ['centre', 'ud', 'region'],
    write: false,
    sessionScoped: true,
    input: schemas.empty,
    run: async (deps, call) => ({ status: 200, body: await sessionDetails(deps, call.principal, call.session ?? (await loadSession(deps, call.params.sessionId ?? ''))) }),
  }),
  define({
    id: 'replaySealsDraw',
    method: 'GET',
    path: '/api/sessions/{sessionId}/seals/draw',
    summary: 'Rejouer le tirage au sort de la vérification des plis à partir de sa graine enregistrée : le même candidat doit sortir',
    roles: ['centre', 'ud', 'region'],
    write: false,
    sessionScoped: true,
    input: schemas.empty,
    run: async (deps, call) => ({ status: 200, body: await replaySealsDraw(deps, call.params.sessionId ?? '') }),
  }),
  define({
    id: 'listPvToInstruct',
    method: 'GET',
    path: '/api/ud/pv',
    summary: 'Les PV transmis en attente d’instruction dans le département',
    roles: ['ud'],
    write: false,
    input: schemas.listSessions,
    target: (principal) => ({ department: principal.actor.scope.department }),
    run: async (deps, call) => {
      const page = await deps.views.listPvToInstruct(call.principal.actor.scope.department ?? '', call.input.cursor ? { cursor: call.input.cursor } : {});
      return { status: 200, body: { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
    },
  }),
  define({
    id: 'listJurors',
    method: 'GET',
    path: '/api/jurors',
    summary: 'Les membres de jury du département et leurs habilitations',
    roles: ['ud', 'centre'],
    write: false,
    input: schemas.listJurors,
    target: (principal) => (principal.actor.role === 'centre' ? ownCentre(principal) : { department: principal.actor.scope.department }),
    run: async (deps, call) => {
      const department = call.principal.actor.scope.department ?? '';
      const jurors = await deps.views.listJurors(department, call.input.titreCode);
      const identities = await deps.personalData.readJurors(jurors.map((juror) => juror.jurorId));
      return {
        status: 200,
        body: { items: jurors.map((juror) => ({ ...juror, lastName: identities.get(juror.jurorId)?.lastName, firstName: identities.get(juror.jurorId)?.firstName })) },
      };
    },
  }),
  define({
    id: 'getJuror',
    method: 'GET',
    path: '/api/jurors/{jurorId}',
    summary: 'Un membre de jury et ses habilitations',
    roles: ['ud', 'juror'],
    write: false,
    input: schemas.empty,
    target: async (principal, _input, params, deps) => {
      const juror = await deps.views.getJurorView(params.jurorId ?? '');
      // A juror learns nothing of the others, not even that an id names one: theirs read as unknown.
      const foreignToJuror = principal.actor.role === 'juror' && juror !== undefined && juror.jurorId !== principal.actor.scope.jurorId;
      if (!juror || foreignToJuror) throw new AppError('juror.not-found', 'not-found', 'Ce membre de jury est introuvable.');
      return { department: juror.department, jurorId: juror.jurorId };
    },
    run: async (deps, call) => ({ status: 200, body: { juror: await deps.views.getJurorView(call.params.jurorId ?? '') } }),
  }),
  define({
    id: 'getProgramme',
    method: 'GET',
    path: '/api/centres/{centreId}/programmes/{year}',
    summary: 'La programmation prévisionnelle d’un centre pour une année',
    roles: ['centre', 'ud', 'region'],
    write: false,
    input: schemas.empty,
    target: async (principal, _input, params, deps) => {
      const programme = await deps.views.getProgrammeView(params.centreId ?? '', Number(params.year));
      if (principal.actor.role === 'centre') return { centreId: params.centreId };
      if (!programme) throw new AppError('programme.not-found', 'not-found', 'Aucune programmation pour ce centre et cette année.');
      return { centreId: programme.centreId, department: programme.department, region: programme.region };
    },
    run: async (deps, call) => ({ status: 200, body: { programme: (await deps.views.getProgrammeView(call.params.centreId ?? '', Number(call.params.year))) ?? null } }),
  }),
  define({
    id: 'listCentresBehind',
    method: 'GET',
    path: '/api/ud/centres-behind',
    summary: 'Les centres du département sans programmation ou en retard',
    roles: ['ud'],
    write: false,
    input: schemas.listCentresBehind,
    target: (principal) => ({ department: principal.actor.scope.department }),
    run: async (deps, call) => ({ status: 200, body: { items: await deps.views.listCentresBehind(call.principal.actor.scope.department ?? '', Number(call.input.year)) } }),
  }),
  // The two lists of people who are neither centre nor UD: the regional admin's sessions of the
  // region and the juror's own convocations. Both take their scope from the token alone, so no
  // parameter can name another region or another juror.
  define({
    id: 'listRegionSessions',
    method: 'GET',
    path: '/api/region/sessions',
    summary: 'Les sessions de la région (direction régionale), du plus récent au plus ancien, par département et par état',
    roles: ['region'],
    write: false,
    input: schemas.listRegionSessions,
    target: (principal, input, _params, deps) => {
      const region = principal.actor.scope.region;
      if (input.department && region) checkDepartmentOfRegion(deps, region, input.department);
      return { region };
    },
    run: async (deps, call) => {
      const { department, status, cursor } = call.input;
      const page = await deps.views.listSessionsOfRegion(call.principal.actor.scope.region ?? '', {
        ...(department ? { department } : {}),
        ...(status ? { statuses: [status] } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return { status: 200, body: pageBody(page) };
    },
  }),
  define({
    id: 'listJurorSessions',
    method: 'GET',
    path: '/api/juror/sessions',
    summary: 'Mes convocations : les sessions du membre de jury connecté, à venir (par défaut) ou passées',
    roles: ['juror'],
    write: false,
    input: schemas.listJurorSessions,
    target: (principal) => ({ jurorId: principal.actor.scope.jurorId }),
    run: async (deps, call) => {
      const page = await deps.views.listSessionsOfJuror(call.principal.actor.scope.jurorId ?? '', {
        when: call.input.when ?? 'upcoming',
        today: parisDate(deps.clock.now()),
        ...(call.input.cursor ? { cursor: call.input.cursor } : {}),
      });
      return { status: 200, body: pageBody(page) };
    },
  }),
];

export const operations: readonly Operation[] = [...commands, ...queries];
