import { describe, expect, it } from 'vitest';
import { TemplateResolver, type LocalSubstitutes } from '../../../infra/offline/iam/resolve.js';
import type { CfnTemplate } from '../../../infra/offline/iam/template.js';
import { defineFunction } from '../../../shared/platform/declarations.js';

const substitutes: LocalSubstitutes = {
  partition: { account: '000000000000', region: 'eu-west-3' },
  stage: 'local',
  appUrl: 'http://localhost:3000',
  queueBaseUrl: 'http://127.0.0.1:3000',
  auth: { issuer: 'http://localhost:3000/local-idp', audience: 'local-web', jwksUrl: 'http://127.0.0.1:3000/.well-known/jwks.json' },
  secretArn: (name) => `arn:aws:secretsmanager:eu-west-3:000000000000:secret:${name}-AbCdEf`,
};

const accountRegion = ['-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }];
/** A dev template in miniature: one function, its role's policy, the resources they name. */
const template: CfnTemplate = {
  Resources: {
    EventsTableD24865E5: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'dev-tp-events' } },
    MailRetryQueue2F8A4E1B: { Type: 'AWS::SQS::Queue', Properties: {} },
    CursorSecret0A1B2C3D: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    WebClient1234ABCD: { Type: 'AWS::Cognito::UserPoolClient', Properties: {} },
    ApiF70053CD: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} },
    Role1A2B3C4D: { Type: 'AWS::IAM::Role', Properties: {} },
    Fn1A2B3C4D: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: 'dev-tp-api',
        Role: { 'Fn::GetAtt': ['Role1A2B3C4D', 'Arn'] },
        Environment: {
          Variables: {
            STAGE: 'dev',
            APP_URL: { 'Fn::GetAtt': ['ApiF70053CD', 'ApiEndpoint'] },
            EVENTS_TABLE_NAME: { Ref: 'EventsTableD24865E5' },
            UPLOAD_BUCKET_NAME: { 'Fn::Join': ['', ['dev-tp-uploads', ...accountRegion]] },
            MAIL_DLQ_URL: { Ref: 'MailRetryQueue2F8A4E1B' },
            CURSOR_SECRET_ARN: { Ref: 'CursorSecret0A1B2C3D' },
            AUTH_AUDIENCE: { Ref: 'WebClient1234ABCD' },
            AUTH_ISSUER: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/pool']] },
            AUTH_HOSTED_UI_URL: 'https://tp-sessions-dev.auth.eu-west-3.amazoncognito.com',
          },
        },
      },
    },
    Policy1A2B3C4D: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'Role1A2B3C4D' }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: { 'Fn::GetAtt': ['EventsTableD24865E5', 'Arn'] } },
            { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::dev-tp-uploads', ...accountRegion, '/pv/*']] } },
            { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['MailRetryQueue2F8A4E1B', 'Arn'] } },
            { Effect: 'Allow', Action: 'x:Y', Resource: { 'Fn::GetAtt': ['Nowhere', 'Arn'] } },
            { Effect: 'Allow', Action: 'ses:SendEmail', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/tp-sessions.local' } },
          ],
        },
      },
    },
  },
};

const api = defineFunction({ name: 'api', entry: 'functions/api/handler.ts', description: 'api', resources: {}, trigger: { kind: 'http', routes: [] } });

describe('the template read as the local system', () => {
  const fn = new TemplateResolver(template, substitutes).offlineFunction(api);

  it('given the Lambda’s variables, references become local names and URLs, Cognito’s become the local sign-in’s', () => {
    expect(fn.environment).toEqual({
      STAGE: 'local',
      APP_URL: 'http://localhost:3000',
      EVENTS_TABLE_NAME: 'local-tp-events',
      UPLOAD_BUCKET_NAME: 'local-tp-uploads',
      MAIL_DLQ_URL: 'http://127.0.0.1:3000/000000000000/local-tp-mail-retry',
      CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-3:000000000000:secret:local-tp-cursor-secret-AbCdEf',
      AUTH_AUDIENCE: 'local-web',
      AUTH_ISSUER: 'http://localhost:3000/local-idp',
    });
  });

  it('given the role’s policy, its resources become local ARNs, and a reference nothing local stands for matches nothing', () => {
    expect(fn.statements.map((statement) => statement.Resource)).toEqual([
      'arn:aws:dynamodb:eu-west-3:000000000000:table/local-tp-events',
      'arn:aws:s3:::local-tp-uploads/pv/*',
      'arn:aws:sqs:eu-west-3:000000000000:local-tp-mail-retry',
      'unresolved:Nowhere.Arn',
      'arn:aws:ses:eu-west-3:000000000000:identity/tp-sessions.local',
    ]);
  });

  it('given a declaration the template does not hold, it says so', () => {
    expect(() => new TemplateResolver(template, substitutes).offlineFunction({ ...api, name: 'ghost' })).toThrow(/no Lambda named dev-tp-ghost/);
  });
});
