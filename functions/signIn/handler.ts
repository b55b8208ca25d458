import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHostedUi, HOSTED_UI_PATHS } from '../../shared/auth/hostedUi.js';
import { AUTH_ENV, tokenVerifierFromEnv } from '../../shared/auth/verify.js';
import { edge } from '../../shared/platform/edge.js';
import { ENV } from '../../shared/platform/env.js';
import { logger } from '../../shared/platform/observability.js';

const hostedUi = createHostedUi({
  hostedUiUrl: process.env[AUTH_ENV.HOSTED_UI_URL],
  clientId: process.env[AUTH_ENV.AUDIENCE] ?? '',
  appUrl: process.env[ENV.APP_URL] ?? '',
  verify: tokenVerifierFromEnv(),
});

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
