import type { Role } from '../../events/index.js';
import { AppError } from '../errors.js';
import type { Principal } from './principal.js';

/** What a request touches: the owner centre, its department and region, or a juror. */
export interface Target {
  readonly centreId?: string | undefined;
  readonly department?: string | undefined;
  readonly region?: string | undefined;
  readonly jurorId?: string | undefined;
  /** A session's jury: each member may act on the session as the permission table says. */
  readonly jurorIds?: readonly string[] | undefined;
}

export interface AccessRule {
  /** Roles the route is for at all. */
  readonly roles: readonly Role[];
  readonly target: Target;
}

export const forbidden = (message = 'Vous n’avez pas accès à cette ressource.') => new AppError('auth.forbidden', 'forbidden', message);

/** Whether the principal's scope covers the target, by role: a centre its own, a UD its department, a region its region, a juror themselves or a jury they sit on. */
export const coversTarget = (principal: Principal, target: Target): boolean => {
  const { role, scope } = principal.actor;
  switch (role) {
    case 'centre':
      return scope.centreId !== undefined && scope.centreId === target.centreId;
    case 'ud':
      return scope.department !== undefined && scope.department === target.department;
    case 'region':
      return scope.region !== undefined && scope.region === target.region;
    case 'juror':
      return scope.jurorId !== undefined && (scope.jurorId === target.jurorId || (target.jurorIds ?? []).includes(scope.jurorId));
    default:
      return false;
  }
};

/** The answer to a session id that names no session, and to one a centre must not learn exists. */
export const sessionNotFound = () => new AppError('session.not-found', 'not-found', 'Cette session est introuvable.');

/**
 * The one decision for every request that names a session (API, pages, history, PV documents):
 * `session` is where the named session lives, undefined when there is none. A role the route is
 * not for is refused before anything is looked at. A centre (or a juror) outside the session's
 * scope gets exactly the answer of an unknown id, so that no one can probe which ids exist
 * elsewhere; a State agent (UD, region) outside its territory keeps a 403, since the sessions of a
 * territory are no secret between State services and the refusal tells the agent why.
 */
export const authorizeSession = (principal: Principal, roles: readonly Role[], session: Target | undefined): void => {
  if (!roles.includes(principal.actor.role)) throw forbidden('Votre rôle ne permet pas cette action.');
  if (session === undefined) throw sessionNotFound();
  if (coversTarget(principal, session)) return;
  const role = principal.actor.role;
  if (role === 'ud' || role === 'region') throw forbidden();
  throw sessionNotFound();
};

/** Throws 403 unless the principal has one of the roles and its scope covers the target. */
export const authorize = (principal: Principal, rule: AccessRule): void => {
  if (!rule.roles.includes(principal.actor.role)) throw forbidden('Votre rôle ne permet pas cette action.');
  if (!coversTarget(principal, rule.target)) throw forbidden();
};
