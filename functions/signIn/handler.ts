import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHostedUi, HOSTED_UI_PATHS } from '../../shared/auth/hostedUi.js';
import { tokenVerifierOf } from '../../shared/auth/verify.js';
import { httpEdge } from '../../shared/http/edge.js';
import type { HttpResponse } from '../../shared/http/event.js';
import { configOf } from '../../shared/platform/config.js';
import { signIn } from './function.js';

const config = configOf(signIn);
const hostedUi = createHostedUi({ hostedUiUrl: config.auth.hostedUiUrl, clientId: config.auth.audience, appUrl: config.appUrl, verify: tokenVerifierOf(config.auth) });

const route = async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
  if (event.rawPath === HOSTED_UI_PATHS.signIn) return hostedUi.signIn(event);
  if (event.rawPath === HOSTED_UI_PATHS.callback) return hostedUi.callback(event);
  return hostedUi.signOut();
};

/** The HTTP edge of every HTTP function: security headers on every answer, one log line per request, errors in French. */
export const handler = httpEdge(route);
