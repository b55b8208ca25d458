import type { Principal } from '../auth/principal.js';
import { parisDate } from '../domain/calendar.js';
import { DRAW_METHOD, replayDraw } from '../domain/draw.js';
import { sessionStreamId } from '../domain/session/model.js';
import { AppError } from '../errors.js';
import type { JurorView, ListOptions, SessionStatus, SessionView } from '../views/index.js';
import type { AppDeps } from './useCase.js';

/*
 * The queries, one use case each, called by the JSON API and by the pages alike: each reads in the
 * signed-in user's own scope (their centre, department, region or juror id comes from the token,
 * never from a parameter). The edge has checked the role and, for a session, its scope.
 */

const scopeOf = (principal: Principal) => principal.actor.scope;

/**
 * The names of a session's candidates the reader may read, by id: the centre and the UD as for
 * identities, and a member of the session's jury (mayReadName), who must know whom they declare a
 * link with.
 */
export const candidateNamesIn = (deps: AppDeps, principal: Principal, view: SessionView) =>
  deps.personalData.readCandidateNames(principal, view.candidateIds, { centreId: view.centreId, jurorIds: view.jury.map((member) => member.jurorId) });

/** A session as the pages show it: the view, with names only for those who may read them (a juror of its jury: names, nothing else). */
export const sessionDetails = async (deps: AppDeps, principal: Principal, view: SessionView) => {
  const candidates = await deps.personalData.readCandidates(principal, view.candidateIds);
  const names = principal.actor.role === 'juror' ? await candidateNamesIn(deps, principal, view) : undefined;
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
      if (identity) return { candidateId, lastName: identity.lastName, firstName: identity.firstName, birthDate: identity.birthDate };
      const name = names?.get(candidateId);
      return name ? { candidateId, lastName: name.lastName, firstName: name.firstName } : { candidateId };
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

/** The centre's own sessions, or the UD's department's (with `startsBefore`, only those starting before that day). */
export const listSessions = (deps: AppDeps, principal: Principal, options: ListOptions & { readonly startsBefore?: string } = {}) =>
  principal.actor.role === 'centre'
    ? deps.views.listSessionsOfCentre(scopeOf(principal).centreId ?? '', options)
    : deps.views.listSessionsOfDepartment(scopeOf(principal).department ?? '', options);

/** The PVs transmitted to the UD's department and waiting for its decision. */
export const listPvToInstruct = (deps: AppDeps, principal: Principal, options: ListOptions = {}) => deps.views.listPvToInstruct(scopeOf(principal).department ?? '', options);

/** The jurors of a department (with a titre, those habilitated for it at some time). */
export const listJurors = (deps: AppDeps, department: string, titreCode?: string): Promise<readonly JurorView[]> => deps.views.listJurors(department, titreCode);

/** Jurors with their names (the directory of people in the department is no secret to its UD and centres). */
export const withJurorNames = async (deps: AppDeps, jurors: readonly JurorView[]) => {
  const identities = await deps.personalData.readJurors(jurors.map((juror) => juror.jurorId));
  return jurors.map((juror) => ({ ...juror, lastName: identities.get(juror.jurorId)?.lastName, firstName: identities.get(juror.jurorId)?.firstName }));
};

export const getJuror = (deps: AppDeps, jurorId: string) => deps.views.getJurorView(jurorId);

export const getProgramme = (deps: AppDeps, centreId: string, year: number) => deps.views.getProgrammeView(centreId, year);

/** The UD's department's centres without a programme for the year, or behind on it. */
export const listCentresBehind = (deps: AppDeps, principal: Principal, year: number) => deps.views.listCentresBehind(scopeOf(principal).department ?? '', year);

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

/** The regional admin's sessions of their region, newest start first, by department (of the region) and status. */
export const listRegionSessions = (
  deps: AppDeps,
  principal: Principal,
  filters: { readonly department?: string | undefined; readonly status?: SessionStatus | undefined; readonly cursor?: string | undefined; readonly limit?: number },
) => {
  const region = scopeOf(principal).region ?? '';
  if (filters.department) checkDepartmentOfRegion(deps, region, filters.department);
  return deps.views.listSessionsOfRegion(region, {
    ...(filters.department ? { department: filters.department } : {}),
    ...(filters.status ? { statuses: [filters.status] } : {}),
    ...(filters.cursor ? { cursor: filters.cursor } : {}),
    ...(filters.limit ? { limit: filters.limit } : {}),
  });
};

/** The titres recorded, with their revisions, by RNCP code. */
export const listTitres = (deps: AppDeps) => deps.views.listTitres();

/** A centre's agrément, or undefined when none was recorded. */
export const getAgrement = (deps: AppDeps, centreId: string) => deps.views.getAgrementView(centreId);

/**
 * The agréments the signed-in agent keeps: the region's (by department if asked, of the region)
 * for the regional direction, the department's for a UD.
 */
export const listAgrements = (deps: AppDeps, principal: Principal, department?: string) => {
  const scope = scopeOf(principal);
  if (principal.actor.role === 'ud') {
    const region = deps.directory.regionOf(scope.department ?? '') ?? scope.region ?? '';
    return deps.views.listAgrements(region, scope.department ?? '');
  }
  const region = scope.region ?? '';
  if (department) checkDepartmentOfRegion(deps, region, department);
  return deps.views.listAgrements(region, department);
};

/** « Mes convocations »: the signed-in juror's sessions, upcoming (soonest first) or past (latest first). */
export const listJurorSessions = (
  deps: AppDeps,
  principal: Principal,
  options: { readonly when?: 'upcoming' | 'past' | undefined; readonly cursor?: string | undefined; readonly limit?: number },
) =>
  deps.views.listSessionsOfJuror(scopeOf(principal).jurorId ?? '', {
    when: options.when ?? 'upcoming',
    today: parisDate(deps.clock.now()),
    ...(options.cursor ? { cursor: options.cursor } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
  });
