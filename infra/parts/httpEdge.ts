import { CfnOutput, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { ApiMapping, DomainName, HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ProjectFunction } from '../constructs/projectFunction.js';
import { resourceName, type StageSettings } from '../settings.js';

/**
 * The HTTP API with its default stage (throttled, access logs without personal data) and the URL
 * users reach it at: with `domainName` and `certificateArn` in the context, the API's custom domain
 * (regional, TLS 1.2) mapped to its default stage, and its DNS target as an output; without them, the
 * API's own URL, so that the Cognito callback and the links in mails always reach the pages.
 */
export const buildHttpEdge = (scope: Construct, settings: StageSettings): { api: HttpApi; appUrl: string } => {
  const api = new HttpApi(scope, 'Api', { apiName: resourceName(settings, 'api'), createDefaultStage: false });
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', {
    // Named in prod only (see ProjectFunctionProps.namedLogGroup).
    ...(settings.stage === 'prod' ? { logGroupName: `/aws/apigateway/${resourceName(settings, 'api')}` } : {}),
    retention: settings.logRetention,
    removalPolicy: settings.removalPolicy,
  });
  const stage = new HttpStage(scope, 'ApiDefaultStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: settings.apiThrottle,
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      // No personal data: the caller is identified by its Cognito sub only.
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          time: '$context.requestTime',
          method: '$context.httpMethod',
          route: '$context.routeKey',
          status: '$context.status',
          latencyMs: '$context.responseLatency',
          integrationError: '$context.integrationErrorMessage',
          authorizerError: '$context.authorizer.error',
          sub: '$context.authorizer.claims.sub',
        }),
      ),
    },
  });
  const custom = settings.customDomain;
  if (!custom) return { api, appUrl: api.apiEndpoint };
  const domain = new DomainName(scope, 'ApiDomain', {
    domainName: custom.domainName,
    certificate: Certificate.fromCertificateArn(scope, 'ApiCertificate', custom.certificateArn),
    securityPolicy: SecurityPolicy.TLS_1_2,
  });
  new ApiMapping(scope, 'ApiMapping', { api, domainName: domain, stage });
  new CfnOutput(scope, 'AppDomainTarget', {
    description: `DNS: ${custom.domainName} CNAME (or alias) to this name`,
    value: domain.regionalDomainName,
  });
  return { api, appUrl: `https://${custom.domainName}` };
};

/**
 * Each HTTP function's declared routes on the API, behind the Cognito authorizer unless declared
 * public; a route two functions claim fails the synth.
 */
export const wireHttpRoutes = (api: HttpApi, identity: { userPool: UserPool; webClient: UserPoolClient }, functions: Iterable<ProjectFunction>): void => {
  const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', identity.userPool, {
    userPoolClients: [identity.webClient],
    identitySource: ['$request.header.Authorization'],
  });
  const claimed = new Map<string, string>();
  for (const fn of functions) {
    const { trigger, name } = fn.declaration;
    if (trigger.kind !== 'http') continue;
    // One permission per function for the whole API (`<api>/*/*/*`), not one per route: Lambda
    // refuses a resource policy over 20 KB, which forty routes' statements nearly reach.
    const integration = new HttpLambdaIntegration(`${name}Integration`, fn.function, { scopePermissionToRoute: false });
    for (const route of trigger.routes) {
      const key = `${route.method} ${route.path}`;
      const owner = claimed.get(key);
      if (owner) throw new Error(`Route "${key}" is declared by both ${owner} and ${name}`);
      claimed.set(key, name);
      const [created] = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.public ? new HttpNoneAuthorizer() : authorizer,
      });
      if (route.public && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path}: route of ${name} declared public (sign-in page or static asset): it is reached before any token exists.`,
        });
      }
    }
  }
};
