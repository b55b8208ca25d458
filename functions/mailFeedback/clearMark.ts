import * as z from 'zod/mini';
import { authenticate } from '../../shared/auth/authenticate.js';
import { forbidden } from '../../shared/auth/authorize.js';
import { tokenVerifierOf } from '../../shared/auth/verify.js';
import { AppError } from '../../shared/errors.js';
import { httpEdge } from '../../shared/http/edge.js';
import { json, type HttpEvent, type HttpResponse } from '../../shared/http/event.js';
import type { SuppressionList } from '../../shared/mail/suppression.js';
import type { AuthConfig } from '../../shared/platform/config.js';

/** `DELETE /api/adresses-bloquees/{address}`: a regional admin lifts a mark once the address is fixed. */
const clearMark = async (event: HttpEvent, list: SuppressionList, verify: ReturnType<typeof tokenVerifierOf>): Promise<HttpResponse> => {
  const principal = await authenticate(event, verify);
  if (principal.actor.role !== 'region') throw forbidden('Seul l’administrateur régional peut lever le blocage d’une adresse.');
  const address = decodeURIComponent(event.pathParameters?.address ?? '');
  if (!z.email().safeParse(address).success) {
    throw new AppError('input.invalid', 'validation', 'Adresse électronique invalide.', [{ field: 'address', message: 'Adresse électronique invalide.' }]);
  }
  if (!(await list.clear(address))) throw new AppError('suppression.not-found', 'not-found', 'Cette adresse n’est pas bloquée.');
  return json(200, { address, cleared: true });
};

/** The HTTP route behind its edge, with the token check of the configured issuer. */
export const clearMarkRoute = (list: SuppressionList, auth: AuthConfig) => {
  const verify = tokenVerifierOf(auth);
  return httpEdge((event) => clearMark(event, list, verify));
};
