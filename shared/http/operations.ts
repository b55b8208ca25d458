import type * as z from 'zod/mini';
import type { Role } from '../../events/index.js';
import * as queries from '../application/queries.js';
import type { AppDeps, Call, Result } from '../application/useCase.js';
import type { Principal } from '../auth/principal.js';
import { authorize, authorizeSession, sessionNotFound, type Target } from '../auth/authorize.js';
import { rolesFor, type CommandType } from '../domain/permissions.js';
import { AppError } from '../errors.js';
import type { SessionView } from '../views/index.js';
import { sessionStreamId } from '../domain/session/model.js';
import { onFirstUse } from '../platform/lazy.js';
import { IMPORT_BODY_LIMIT } from './body.js';
import { schemas } from './schemas.js';

type Commands = typeof import('../application/commands.js');

/**
 * The commands and the domain's deciders load with the first command (the projection with the
 * first session command's scope check, below): a cold start that serves a page or a query (most
 * of them: a user lands on a page) leaves them out, in a chunk of their own (infra/bundling.ts).
 */
const loadCommands = onFirstUse(() => import('../application/commands.js'));

/** The parsers of the CSV imports (agréments, RNCP export): they load with the first import. */
const loadImportParsers = onFirstUse(() => import('./csvImports.js'));

/** The command `name` of shared/application/commands.ts, loaded on first use, with its own signature. */
const command = <K extends keyof Commands>(name: K): Commands[K] =>
  (async (...args: unknown[]) => ((await loadCommands())[name] as (...given: unknown[]) => unknown)(...args)) as Commands[K];

/**
 * The HTTP API as one table: each route is a method and a path, a French summary, the schema of its
 * input and the use case it calls (shared/application/). The JSON API (shared/http/api.ts) and the
 * form posts (shared/web/pageRoutes.ts, which name routes as `routes.declareTie`) run a route the
 * same way: role, path parameters, input, scope, idempotency key, then the use case.
 *
 * To add a route, add an entry to `routes`:
 *   myCommand: route('POST /api/things/{thingId}/do', { summary: 'Faire…', command: 'DoThing', input: () => schemas.doThing, target, run: command('doThing') }),
 * - a command route names its domain command: who may run it is the row of the permission table
 *   (shared/domain/permissions.ts), and the route is a write (idempotency key required);
 * - a query route names `roles` instead and calls a query of shared/application/queries.ts;
 * - a path under `/api/sessions/{sessionId}` is checked against the session's scope before its
 *   input is read (`call.session` is the loaded view); any other route says its `target`;
 * - `call.params` is typed from the path: `{thingId}` gives `call.params.thingId: string`.
 */

type Method = 'GET' | 'POST';

/** The path parameters a path template names: `/a/{x}/b/{y}` gives `{ x: string; y: string }`. */
type ParamsOf<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? { readonly [N in K]: string } & ParamsOf<Rest> : unknown;

export interface Operation<S extends z.ZodMiniType = z.ZodMiniType, P = Readonly<Record<string, string>>> {
  readonly id: string;
  readonly method: Method;
  readonly path: string;
  /** French, for the OpenAPI document. */
  readonly summary: string;
  readonly roles: readonly Role[];
  /** The domain command it runs: its roles are those of the permission table. */
  readonly command?: CommandType | undefined;
  /** A command: the request must carry an idempotency key. */
  readonly write: boolean;
  /** Body schema (POST) or query string schema (GET). */
  readonly input: S;
  /** Whether the path names a session whose scope must cover the principal. */
  readonly sessionScoped: boolean;
  /** The body size limit in bytes, when not the default of its edge (the imports' files). */
  readonly bodyLimit?: number | undefined;
  /** What the request touches, for the scope check (session-scoped ones use the session). */
  target?(principal: Principal, input: z.output<S>, params: P, deps: AppDeps): Promise<Target> | Target;
  run(deps: AppDeps, call: Call<z.output<S>, P>): Promise<Result>;
}

type Spec<K extends string, S extends z.ZodMiniType> = {
  readonly summary: string;
  readonly bodyLimit?: number;
  /** The input schema, built with the route's first request, not with the table (issue 16). */
  readonly input: () => S;
  readonly target?: Operation<S, ParamsOf<K>>['target'];
  /** Session routes get the session the edge loaded and checked. */
  readonly run: (
    deps: AppDeps,
    call: Call<z.output<S>, ParamsOf<K>> & (K extends `${string}{sessionId}${string}` ? { readonly session: SessionView } : unknown),
  ) => Promise<Result>;
} & ({ readonly command: CommandType; readonly roles?: never } | { readonly command?: never; readonly roles: readonly Role[] });

/** One route of the table, from `'<METHOD> <path>'`; its id is its key in `routes`. */
const route = <K extends `${Method} /api/${string}`, S extends z.ZodMiniType>(key: K, spec: Spec<K, S>): Omit<Operation, 'id'> => {
  const [method, path] = key.split(' ') as [Method, string];
  return {
    method,
    path,
    summary: spec.summary,
    roles: spec.command ? rolesFor(spec.command) : (spec.roles ?? []),
    command: spec.command,
    write: spec.command !== undefined,
    // A getter: the schema is built on first read (shared/http/schemas.ts), once.
    get input() {
      return spec.input();
    },
    sessionScoped: path.startsWith('/api/sessions/{sessionId}'),
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    ...(spec.target ? { target: spec.target as Operation['target'] } : {}),
    run: spec.run as Operation['run'],
  };
};

const ok = async (body: Promise<Record<string, unknown>> | Record<string, unknown>): Promise<Result> => ({ status: 200, body: await body });

const pageBody = <T>(page: { readonly items: readonly T[]; readonly nextCursor?: string | undefined }) => ({
  items: page.items,
  ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
});

const ownCentre = (principal: Principal): Target => ({ centreId: principal.actor.scope.centreId });
const ownDepartment = (principal: Principal): Target => ({ department: principal.actor.scope.department });
const ownCentreOrDepartment = (principal: Principal): Target => (principal.actor.role === 'centre' ? ownCentre(principal) : ownDepartment(principal));
const jurorNotFound = () => new AppError('juror.not-found', 'not-found', 'Ce membre de jury est introuvable.');
const agrementNotFound = () => new AppError('agrement.not-found', 'not-found', 'Aucun agrément n’est enregistré pour ce centre.');

/** The agrément a path names, or 404: a centre reads only its own, and learns nothing of the others (not even that one exists). */
const agrementTarget = async (principal: Principal, centreId: string, deps: AppDeps): Promise<Target> => {
  const agrement = await queries.getAgrement(deps, centreId);
  if (!agrement || (principal.actor.role === 'centre' && principal.actor.scope.centreId !== centreId)) throw agrementNotFound();
  return { centreId: agrement.centreId, department: agrement.department, region: agrement.region };
};

const table = {
  submitProgramme: route('POST /api/programmes/{year}', {
    summary: 'Transmettre (ou modifier) la programmation prévisionnelle annuelle du centre',
    command: 'SubmitProgramme',
    input: () => schemas.submitProgramme,
    target: ownCentre,
    run: command('submitProgramme'),
  }),
  createSession: route('POST /api/sessions', {
    summary: 'Enregistrer une session créée dans CERES, avec ses candidats',
    command: 'CreateSession',
    input: () => schemas.createSession,
    target: ownCentre,
    run: command('createSession'),
  }),
  registerCandidate: route('POST /api/sessions/{sessionId}/candidates', {
    summary: 'Inscrire un candidat à la session',
    command: 'RegisterCandidate',
    input: () => schemas.registerCandidate,
    run: command('registerCandidate'),
  }),
  withdrawCandidate: route('POST /api/sessions/{sessionId}/candidates/{candidateId}/withdraw', {
    summary: 'Retirer un candidat de la session',
    command: 'WithdrawCandidate',
    input: () => schemas.withdrawCandidate,
    run: command('withdrawCandidate'),
  }),
  eraseCandidatePersonalData: route('POST /api/sessions/{sessionId}/candidates/{candidateId}/erasure', {
    summary: 'Effacer, à la demande du candidat, ses données personnelles (identité, coordonnées, aménagements) ; l’historique garde son identifiant',
    command: 'EraseCandidatePersonalData',
    input: () => schemas.eraseCandidatePersonalData,
    run: command('eraseCandidatePersonalData'),
  }),
  grantAccommodation: route('POST /api/sessions/{sessionId}/accommodations', {
    summary: 'Accorder un aménagement d’épreuve à un candidat en situation de handicap',
    command: 'GrantAccommodation',
    input: () => schemas.grantAccommodation,
    run: command('grantAccommodation'),
  }),
  informJuryOfAccommodations: route('POST /api/sessions/{sessionId}/accommodations/inform-jury', {
    summary: 'Indiquer que le jury a été informé des aménagements',
    command: 'InformJuryOfAccommodations',
    input: () => schemas.empty,
    run: command('informJuryOfAccommodations'),
  }),
  assignJuror: route('POST /api/sessions/{sessionId}/jury', {
    summary: 'Désigner un membre du jury habilité, avec ses liens déclarés avec des candidats',
    command: 'AssignJuror',
    input: () => schemas.assignJuror,
    run: command('assignJuror'),
  }),
  declareTie: route('POST /api/sessions/{sessionId}/jury/{jurorId}/ties', {
    summary: 'Déclarer un lien entre un membre du jury et un candidat',
    command: 'DeclareTie',
    input: () => schemas.declareTie,
    run: command('declareTie'),
  }),
  unassignJuror: route('POST /api/sessions/{sessionId}/jury/{jurorId}/unassign', {
    summary: 'Retirer un membre du jury',
    command: 'UnassignJuror',
    input: () => schemas.unassignJuror,
    run: command('unassignJuror'),
  }),
  sendConvocations: route('POST /api/sessions/{sessionId}/convocations', {
    summary: 'Envoyer les convocations (jury ou candidats)',
    command: 'SendConvocations',
    input: () => schemas.sendConvocations,
    run: command('sendConvocations'),
  }),
  checkPlateauTechnique: route('POST /api/sessions/{sessionId}/plateau', {
    summary: 'Enregistrer la vérification du plateau technique avec le jury',
    command: 'CheckPlateauTechnique',
    input: () => schemas.checkPlateau,
    run: command('checkPlateauTechnique'),
  }),
  schedulePassages: route('POST /api/sessions/{sessionId}/passages', {
    summary: 'Afficher l’ordre de passage : le jour, l’heure et la nature de chaque épreuve de chaque candidat (le remplace en entier)',
    command: 'SchedulePassages',
    input: () => schemas.schedulePassages,
    run: command('schedulePassages'),
  }),
  checkSeals: route('POST /api/sessions/{sessionId}/seals', {
    summary: 'Vérifier les plis cachetés avec un candidat tiré au sort',
    command: 'CheckSeals',
    input: () => schemas.checkSeals,
    run: command('checkSeals'),
  }),
  reportFraud: route('POST /api/sessions/{sessionId}/frauds', {
    summary: 'Signaler une fraude',
    command: 'ReportFraud',
    input: () => schemas.reportFraud,
    run: command('reportFraud'),
  }),
  notifySanction: route('POST /api/sessions/{sessionId}/sanctions', {
    summary: 'Notifier une sanction pour fraude (unité départementale)',
    command: 'NotifySanction',
    input: () => schemas.notifySanction,
    run: command('notifySanction'),
  }),
  presignPvUpload: route('POST /api/sessions/{sessionId}/pv/upload-url', {
    summary: 'Obtenir une adresse de dépôt du PV signé, liée à son empreinte SHA-256',
    roles: rolesFor('SignPV'),
    input: () => schemas.presignPv,
    run: command('presignPvUpload'),
  }),
  signPv: route('POST /api/sessions/{sessionId}/pv', {
    summary: 'Enregistrer le procès-verbal signé : une décision par candidat, signé par tout le jury',
    command: 'SignPV',
    input: () => schemas.signPv,
    run: command('signPv'),
  }),
  recordResultsInCeres: route('POST /api/sessions/{sessionId}/ceres-results', {
    summary: 'Indiquer que les résultats ont été saisis dans CERES',
    command: 'RecordResultsInCeres',
    input: () => schemas.empty,
    run: command('recordResultsInCeres'),
  }),
  transmitPv: route('POST /api/sessions/{sessionId}/pv/transmit', {
    summary: 'Transmettre le PV signé à l’unité départementale',
    command: 'TransmitPV',
    input: () => schemas.empty,
    run: command('transmitPv'),
  }),
  validatePv: route('POST /api/sessions/{sessionId}/pv/validate', {
    summary: 'Valider le PV (unité départementale) : les résultats deviennent officiels',
    command: 'ValidatePV',
    input: () => schemas.empty,
    run: command('validatePv'),
  }),
  rejectPv: route('POST /api/sessions/{sessionId}/pv/reject', {
    summary: 'Rejeter le PV avec un motif (unité départementale)',
    command: 'RejectPV',
    input: () => schemas.rejectPv,
    run: command('rejectPv'),
  }),
  cancelSession: route('POST /api/sessions/{sessionId}/cancel', {
    summary: 'Annuler la session',
    command: 'CancelSession',
    input: () => schemas.cancelSession,
    run: command('cancelSession'),
  }),
  habilitateJuror: route('POST /api/jurors', {
    summary: 'Habiliter un membre de jury pour un titre (unité départementale du département du juré)',
    command: 'HabilitateJuror',
    input: () => schemas.habilitateJuror,
    target: (_principal, input) => ({ department: input.department }),
    run: command('habilitateJuror'),
  }),
  withdrawHabilitation: route('POST /api/jurors/{jurorId}/habilitations/{habilitationId}/withdraw', {
    summary: 'Retirer une habilitation avant son terme',
    command: 'WithdrawHabilitation',
    input: () => schemas.withdrawHabilitation,
    target: async (_principal, _input, params, deps) => {
      const juror = await queries.getJuror(deps, params.jurorId);
      if (!juror) throw jurorNotFound();
      return { department: juror.habilitations.find((h) => h.habilitationId === params.habilitationId)?.department ?? juror.department };
    },
    run: command('withdrawHabilitation'),
  }),
  importTitres: route('POST /api/titres/import', {
    summary:
      'Importer les titres professionnels de l’export RNCP de France Compétences (fichier des fiches et fichier des blocs de compétences, réduits aux titres professionnels) : tous, ou aucun si une ligne est à corriger',
    command: 'RecordTitre',
    input: () => schemas.importTitres,
    bodyLimit: IMPORT_BODY_LIMIT,
    target: (principal) => principal.actor.scope,
    run: async (deps, call) => command('importTitres')(deps, { ...call, input: (await loadImportParsers()).titresFromRncpExport(call.input) }),
  }),
  recordAgrement: route('POST /api/agrements', {
    summary: 'Enregistrer l’agrément d’un centre : titres, lieux et période (direction régionale, ou unité départementale du département du centre)',
    command: 'RecordAgrement',
    input: () => schemas.recordAgrement,
    target: async (_principal, input, _params, deps) => ({ department: input.department, region: (await loadCommands()).regionOfDepartment(deps, input.department) }),
    run: command('recordAgrement'),
  }),
  importAgrements: route('POST /api/agrements/import', {
    summary: 'Importer des agréments depuis un fichier CSV (centre;nom du centre;courriel;département;titres;lieux;début;fin) : tous, ou aucun si une ligne est à corriger',
    command: 'RecordAgrement',
    input: () => schemas.importAgrements,
    bodyLimit: IMPORT_BODY_LIMIT,
    target: (principal) => (principal.actor.role === 'ud' ? { department: principal.actor.scope.department } : { region: principal.actor.scope.region }),
    run: async (deps, call) => command('importAgrements')(deps, { ...call, input: (await loadImportParsers()).agrementLinesFromCsv(call.input.csv) }),
  }),
  // Before `/api/agrements/{centreId}`: a literal segment wins over a parameter.
  amendAgrement: route('POST /api/agrements/{centreId}', {
    summary: 'Modifier l’agrément d’un centre : ses titres, lieux et période remplacent les précédents',
    command: 'AmendAgrement',
    input: () => schemas.amendAgrement,
    target: (principal, _input, params, deps) => agrementTarget(principal, params.centreId, deps),
    run: command('amendAgrement'),
  }),
  withdrawAgrement: route('POST /api/agrements/{centreId}/withdraw', {
    summary: 'Retirer l’agrément d’un centre : il ne peut plus créer de session',
    command: 'WithdrawAgrement',
    input: () => schemas.withdrawAgrement,
    target: (principal, _input, params, deps) => agrementTarget(principal, params.centreId, deps),
    run: command('withdrawAgrement'),
  }),

  // ---------------------------------------------------------------- queries
  listTitres: route('GET /api/titres', {
    summary: 'Les titres professionnels enregistrés : intitulé, blocs de compétences, fin d’enregistrement et dates de révision',
    roles: ['centre', 'ud', 'region'],
    input: () => schemas.empty,
    // National reference data: every signed-in centre and agent reads the same list.
    target: (principal) => principal.actor.scope,
    run: async (deps) => ok({ items: await queries.listTitres(deps) }),
  }),
  listAgrements: route('GET /api/agrements', {
    summary: 'Les agréments de la région (direction régionale, par département) ou du département (unité départementale)',
    roles: ['region', 'ud'],
    input: () => schemas.listAgrements,
    target: (principal, input, _params, deps) => {
      const { region, department } = principal.actor.scope;
      if (principal.actor.role === 'ud') return { department };
      if (input.department && region) queries.checkDepartmentOfRegion(deps, region, input.department);
      return { region };
    },
    run: async (deps, call) => ok({ items: await queries.listAgrements(deps, call.principal, call.input.department) }),
  }),
  getAgrement: route('GET /api/agrements/{centreId}', {
    summary: 'L’agrément d’un centre : titres, lieux, période, modifications et retrait',
    roles: ['centre', 'ud', 'region'],
    input: () => schemas.empty,
    target: (principal, _input, params, deps) => agrementTarget(principal, params.centreId, deps),
    run: async (deps, call) => ok({ agrement: (await queries.getAgrement(deps, call.params.centreId)) ?? null }),
  }),
  listSessions: route('GET /api/sessions', {
    summary: 'Les sessions du centre (centre) ou du département (unité départementale)',
    roles: ['centre', 'ud'],
    input: () => schemas.listSessions,
    target: ownCentreOrDepartment,
    run: async (deps, call) => ok(pageBody(await queries.listSessions(deps, call.principal, call.input.cursor ? { cursor: call.input.cursor } : {}))),
  }),
  getSession: route('GET /api/sessions/{sessionId}', {
    summary: 'Une session : jury, candidats, échéances et résultats (provisoires ou officiels)',
    roles: ['centre', 'ud', 'region'],
    input: () => schemas.empty,
    run: async (deps, call) => ok(queries.sessionDetails(deps, call.principal, call.session)),
  }),
  replaySealsDraw: route('GET /api/sessions/{sessionId}/seals/draw', {
    summary: 'Rejouer le tirage au sort de la vérification des plis à partir de sa graine enregistrée : le même candidat doit sortir',
    roles: ['centre', 'ud', 'region'],
    input: () => schemas.empty,
    run: async (deps, call) => ok(queries.replaySealsDraw(deps, call.params.sessionId)),
  }),
  listPvToInstruct: route('GET /api/ud/pv', {
    summary: 'Les PV transmis en attente d’instruction dans le département',
    roles: ['ud'],
    input: () => schemas.listSessions,
    target: ownDepartment,
    run: async (deps, call) => ok(pageBody(await queries.listPvToInstruct(deps, call.principal, call.input.cursor ? { cursor: call.input.cursor } : {}))),
  }),
  listJurors: route('GET /api/jurors', {
    summary: 'Les membres de jury du département et leurs habilitations',
    roles: ['ud', 'centre'],
    input: () => schemas.listJurors,
    target: ownCentreOrDepartment,
    run: async (deps, call) => ok({ items: await queries.withJurorNames(deps, await queries.listJurors(deps, call.principal.actor.scope.department ?? '', call.input.titreCode)) }),
  }),
  getJuror: route('GET /api/jurors/{jurorId}', {
    summary: 'Un membre de jury et ses habilitations',
    roles: ['ud', 'juror'],
    input: () => schemas.empty,
    target: async (principal, _input, params, deps) => {
      const juror = await queries.getJuror(deps, params.jurorId);
      // A juror learns nothing of the others, not even that an id names one: theirs read as unknown.
      if (!juror || (principal.actor.role === 'juror' && juror.jurorId !== principal.actor.scope.jurorId)) throw jurorNotFound();
      return { department: juror.department, jurorId: juror.jurorId };
    },
    run: async (deps, call) => ok({ juror: await queries.getJuror(deps, call.params.jurorId) }),
  }),
  getProgramme: route('GET /api/centres/{centreId}/programmes/{year}', {
    summary: 'La programmation prévisionnelle d’un centre pour une année',
    roles: ['centre', 'ud', 'region'],
    input: () => schemas.empty,
    target: async (principal, _input, params, deps) => {
      if (principal.actor.role === 'centre') return { centreId: params.centreId };
      const programme = await queries.getProgramme(deps, params.centreId, Number(params.year));
      if (!programme) throw new AppError('programme.not-found', 'not-found', 'Aucune programmation pour ce centre et cette année.');
      return { centreId: programme.centreId, department: programme.department, region: programme.region };
    },
    run: async (deps, call) => ok({ programme: (await queries.getProgramme(deps, call.params.centreId, Number(call.params.year))) ?? null }),
  }),
  listCentresBehind: route('GET /api/ud/centres-behind', {
    summary: 'Les centres du département sans programmation ou en retard',
    roles: ['ud'],
    input: () => schemas.listCentresBehind,
    target: ownDepartment,
    run: async (deps, call) => ok({ items: await queries.listCentresBehind(deps, call.principal, Number(call.input.year)) }),
  }),
  // The two lists of people who are neither centre nor UD: the regional admin's sessions of the
  // region and the juror's own convocations. Both take their scope from the token alone, so no
  // parameter can name another region or another juror.
  listRegionSessions: route('GET /api/region/sessions', {
    summary: 'Les sessions de la région (direction régionale), du plus récent au plus ancien, par département et par état',
    roles: ['region'],
    input: () => schemas.listRegionSessions,
    target: (principal, input, _params, deps) => {
      const region = principal.actor.scope.region;
      if (input.department && region) queries.checkDepartmentOfRegion(deps, region, input.department);
      return { region };
    },
    run: async (deps, call) => ok(pageBody(await queries.listRegionSessions(deps, call.principal, call.input))),
  }),
  listJurorSessions: route('GET /api/juror/sessions', {
    summary: 'Mes convocations : les sessions du membre de jury connecté, à venir (par défaut) ou passées',
    roles: ['juror'],
    input: () => schemas.listJurorSessions,
    target: (principal) => ({ jurorId: principal.actor.scope.jurorId }),
    run: async (deps, call) => ok(pageBody(await queries.listJurorSessions(deps, call.principal, call.input))),
  }),
};

/** The routes by id: pages name the one a form posts to (`routes.declareTie`). */
// Descriptors, not a spread: a spread would read every route's input getter, building every schema.
export const routes = Object.fromEntries(Object.entries(table).map(([id, operation]) => [id, Object.defineProperties({ id }, Object.getOwnPropertyDescriptors(operation))])) as {
  readonly [K in keyof typeof table]: Operation;
};

export const operations: readonly Operation[] = Object.values(routes);

/** Loads the session a path names, or 404. */
export const loadSession = async (deps: AppDeps, sessionId: string): Promise<SessionView> => {
  const view = await deps.views.getSessionView(sessionId);
  if (!view) throw sessionNotFound();
  return view;
};

const sessionTarget = (view: SessionView): Target => ({
  centreId: view.centreId,
  department: view.department,
  region: view.region,
  jurorIds: view.jury.map((member) => member.jurorId),
});

/**
 * The scope check of a session-scoped request (operations and pages alike): the session the path
 * names, before any input is read, so a foreign user learns nothing from validation messages; a
 * foreign centre, or a juror off its jury, gets the answer of an unknown id (shared/auth/authorize.ts `authorizeSession`).
 */
export const checkSessionAccess = async (deps: AppDeps, roles: readonly Role[], principal: Principal, sessionId: string): Promise<SessionView> => {
  const view = await deps.views.getSessionView(sessionId);
  authorizeSession(principal, roles, view && sessionTarget(view));
  return view as SessionView;
};

/**
 * The scope check of a session command: the session's stream is read, as the command reads it
 * anyway (consistently), and the view folded from it with the projector's own code; the command
 * then decides with that read (`Call.prefetched`). One DynamoDB call fewer than reading the view
 * first, and the command never sees a view that lags its stream. Queries read the view.
 */
export const checkSessionCommandAccess = async (
  deps: AppDeps,
  roles: readonly Role[],
  principal: Principal,
  sessionId: string,
): Promise<{ readonly session: SessionView; readonly prefetched: NonNullable<Call['prefetched']> }> => {
  const streamId = sessionStreamId(sessionId);
  const [read, { projectAll }] = await Promise.all([deps.store.readStream(streamId), import('../views/projection.js')]);
  const projected = projectAll(read.events, deps.settings);
  const view = projected?.kind === 'session' ? projected.view : undefined;
  authorizeSession(principal, roles, view && sessionTarget(view));
  return { session: view as SessionView, prefetched: { streamId, read } };
};

/** The scope check of the other operations, whose target may depend on the validated input. */
export const checkTargetAccess = async (deps: AppDeps, operation: Operation, principal: Principal, input: unknown, params: Readonly<Record<string, string>>): Promise<void> => {
  const target = operation.target ? await operation.target(principal, input, params, deps) : {};
  authorize(principal, { roles: operation.roles, target });
};
