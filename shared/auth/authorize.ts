import type { Role } from '../../events/index.js';
import { AppError } from '../errors.js';
import type { Principal } from './principal.js';

/** What a request touches: the owner centre, its department and region, or a juror. */
export interface Target {
  readonly centreId?: string | undefined;
  readonly department?: string | undefined;
  readonly region?: string | undefined;
  readonly jurorId?: string | undefined;
}

export interface AccessRule {
  /** Roles the route is for at all. */
  readonly roles: readonly Role[];
  readonly target: Target;
}

export const forbidden = (message = 'Vous n’avez pas accès à cette ressource.') => new AppError('auth.forbidden', 'forbidden', message);

/** Whether the principal's scope covers the target, by role: a centre its own, a UD its department, a region its region, a juror themselves. */
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
      return scope.jurorId !== undefined && scope.jurorId === target.jurorId;
    default:
      return false;
  }
};

/** Throws 403 unless the principal has one of the roles and its scope covers the target. */
export const authorize = (principal: Principal, rule: AccessRule): void => {
  if (!rule.roles.includes(principal.actor.role)) throw forbidden('Votre rôle ne permet pas cette action.');
  if (!coversTarget(principal, rule.target)) throw forbidden();
};
