import * as z from 'zod/mini';
import { centreId, departmentCode, jurorId, regionCode, type Actor } from '../../events/primitives.js';

/**
 * The claims every token carries, in AWS (Cognito custom attributes, checked by API Gateway's JWT
 * authorizer) and offline (the local sign-in signs the same claims). Role and scope drive every
 * authorization decision.
 */
export const tokenClaims = z.object({
  sub: z.string().check(z.minLength(1)),
  email: z.optional(z.string()),
  /**
   * Cognito's `true`/`false` (a string in API Gateway's claims). A user may change their own
   * `email` (the web client writes it) and Cognito then marks it unverified until they confirm it.
   */
  email_verified: z.optional(z.unknown()),
  'custom:role': z.enum(['centre', 'ud', 'region', 'juror']),
  'custom:centreId': z.optional(centreId),
  'custom:department': z.optional(departmentCode),
  'custom:region': z.optional(regionCode),
  'custom:jurorId': z.optional(jurorId),
  'custom:displayName': z.optional(z.string().check(z.maxLength(120))),
  /** The centre's name, for the session managers of a centre; shown instead of its id once recorded in the events. */
  'custom:centreName': z.optional(z.string().check(z.maxLength(120))),
});
export type TokenClaims = z.infer<typeof tokenClaims>;

/** The authenticated user, as the handlers see it. */
export interface Principal {
  readonly actor: Actor;
  readonly displayName: string;
  /** The user's mail address (Cognito `email`), when the token carries one that is not marked unverified. */
  readonly email?: string | undefined;
  /**
   * The name of the user's centre (Cognito `custom:centreName`), for centre users whose account
   * has one. The commands record it in their events: it comes from the token only, never a form.
   */
  readonly centreName?: string | undefined;
}

/** The centre's name of a centre user's claims, trimmed; none for other roles or a blank claim. */
const centreNameOf = (claims: TokenClaims): string | undefined => {
  const name = claims['custom:centreName']?.trim();
  return claims['custom:role'] === 'centre' && name ? name : undefined;
};

/** The user's address, unless Cognito says it is not verified: an unconfirmed address is not one to write to. */
const verifiedEmailOf = (claims: TokenClaims): string | undefined =>
  claims.email && claims.email_verified !== false && claims.email_verified !== 'false' ? claims.email : undefined;

export const principalFromClaims = (claims: TokenClaims): Principal => {
  const centreName = centreNameOf(claims);
  const email = verifiedEmailOf(claims);
  return {
    actor: {
      role: claims['custom:role'],
      id: claims.sub,
      scope: {
        ...(claims['custom:centreId'] ? { centreId: claims['custom:centreId'] } : {}),
        ...(claims['custom:department'] ? { department: claims['custom:department'] } : {}),
        ...(claims['custom:region'] ? { region: claims['custom:region'] } : {}),
        ...(claims['custom:jurorId'] ? { jurorId: claims['custom:jurorId'] } : {}),
      },
    },
    displayName: claims['custom:displayName'] ?? claims.email ?? claims.sub,
    ...(email ? { email } : {}),
    ...(centreName ? { centreName } : {}),
  };
};
