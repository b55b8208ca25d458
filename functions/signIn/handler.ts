import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHostedUi, HOSTED_UI_PATHS } from '../../shared/auth/hostedUi.js';
import { tokenVerifierOf } from '../../shared/auth/verify.js';
import { configOf } from '../../shared/platform/config.js';
import { signIn } from './function.js';
import { edge } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';

const config = configOf(signIn);
const hostedUi = createHostedUi({ hostedUiUrl: config.auth.hostedUiUrl, clientId: config.auth.audience, appUrl: config.appUrl, verify: tokenVerifierOf(config.auth) });

const route = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  if (event.rawPath === HOSTED_UI_PATHS.signIn) return hostedUi.signIn(event);
  if (event.rawPath === HOSTED_UI_PATHS.callback) return hostedUi.callback(event);
  return hostedUi.signOut();
};

export const handler = edge(
  async (event: APIGatewayProxyEventV2) => {
    const response = await route(event);
    logger.info('request', { route: event.routeKey, status: response.statusCode });
    return response;
  },
  { correlationIdOf: (event) => event.requestContext?.requestId },
);
