import { describe, expect, it } from 'vitest';
import { dependencyCycles, eventStoreRewrites, overcrowdedStreams, resourcePolicies, secretsInEnvironments, streamConsumersWithoutIteratorAgeAlarm } from './rules.js';
import type { CfnResource, CfnTemplate } from './template.js';

/** The rules of rules.ts on hand-written templates: each catches what it is for, and only that. */
const template = (resources: Record<string, CfnResource>): CfnTemplate => ({ Resources: resources });
const fn = (name: string, variables: Record<string, unknown> = {}): CfnResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: { FunctionName: name, Environment: { Variables: variables } },
});
const streamMapping = (fnId: string, tableId = 'EventsTable'): CfnResource => ({
  Type: 'AWS::Lambda::EventSourceMapping',
  Properties: { FunctionName: { Ref: fnId }, EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] } },
});

describe('at most two readers per DynamoDB stream', () => {
  it('names a stream read by three functions, and accepts two', () => {
    const three = template({
      EventsTable: { Type: 'AWS::DynamoDB::Table' },
      A: fn('a'),
      B: fn('b'),
      C: fn('c'),
      MA: streamMapping('A'),
      MB: streamMapping('B'),
      MC: streamMapping('C'),
    });
    expect(overcrowdedStreams(three)).toEqual([{ table: 'EventsTable', readers: ['a', 'b', 'c'] }]);
    const { MC: _dropped, ...two } = three.Resources;
    expect(overcrowdedStreams(template(two))).toEqual([]);
  });
});

describe('no secret in a function environment', () => {
  it('finds a dynamic reference to Secrets Manager or SSM SecureString, and a variable named as a secret, but not a secret ARN', () => {
    const found = secretsInEnvironments(
      template({
        A: fn('a', { CURSOR_SECRET: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'S' }, ':SecretString:::}}']] } }),
        B: fn('b', { DB_PASSWORD: 'hunter2' }),
        C: fn('c', { KEY: '{{resolve:ssm-secure:/p}}' }),
        D: fn('d', { CURSOR_SECRET_ARN: { Ref: 'S' }, STAGE: 'dev' }),
      }),
    );
    expect(found).toEqual([
      'a: CURSOR_SECRET resolves a secret into the environment',
      'b: DB_PASSWORD holds a secret by its name',
      'c: KEY resolves a secret into the environment',
    ]);
  });
});

describe('the event store written by PutItem only', () => {
  const withStatement = (Action: string[], Resource: unknown): CfnTemplate =>
    template({
      EventsTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'dev-tp-events' } },
      ViewsTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'dev-tp-views' } },
      Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action, Resource }] } } },
    });

  it('names UpdateItem, DeleteItem and BatchWriteItem on the events table, or on every table', () => {
    expect(
      eventStoreRewrites(withStatement(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], { 'Fn::GetAtt': ['EventsTable', 'Arn'] })),
    ).toEqual(['Policy: dynamodb:UpdateItem', 'Policy: dynamodb:DeleteItem', 'Policy: dynamodb:BatchWriteItem']);
    expect(eventStoreRewrites(withStatement(['dynamodb:*'], '*'))).toEqual(['Policy: dynamodb:*']);
  });

  it('accepts PutItem and reads on the events table, and any write on another table', () => {
    expect(eventStoreRewrites(withStatement(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'], { 'Fn::GetAtt': ['EventsTable', 'Arn'] }))).toEqual([]);
    expect(eventStoreRewrites(withStatement(['dynamodb:UpdateItem'], { 'Fn::GetAtt': ['ViewsTable', 'Arn'] }))).toEqual([]);
  });
});

describe('Lambda resource policy size', () => {
  const permission = (route: string): CfnResource => ({
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': ['Pages', 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', { Ref: 'Api' }, `/*/*${route}`]],
      },
    },
  });

  it('grows with one statement per route, and flags the same principal allowed more than once', () => {
    const perRoute = (n: number) =>
      template({ Pages: fn('pages'), ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`Permission${i}`, permission(`/sessions/{id}/page${i}`)])) });
    const [forty] = resourcePolicies(perRoute(40));
    const [one] = resourcePolicies(perRoute(1));
    expect(forty?.statements).toBe(40);
    expect(forty?.bytes).toBeGreaterThan(16 * 1024);
    expect(forty?.duplicatePrincipals).toEqual(['apigateway.amazonaws.com']);
    expect(one?.duplicatePrincipals).toEqual([]);
    expect(one?.bytes).toBeLessThan(1024);
  });
});

describe('IteratorAge alarm per stream consumer', () => {
  it('names the consumer whose IteratorAge no alarm watches', () => {
    const base = { EventsTable: { Type: 'AWS::DynamoDB::Table' }, A: fn('a'), B: fn('b'), MA: streamMapping('A'), MB: streamMapping('B') };
    const alarm: CfnResource = { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'IteratorAge', Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'A' } }] } };
    expect(streamConsumersWithoutIteratorAgeAlarm(template({ ...base, AlarmA: alarm }))).toEqual(['b']);
    const errors: CfnResource = { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'B' } }] } };
    expect(streamConsumersWithoutIteratorAgeAlarm(template({ ...base, AlarmA: alarm, ErrorsB: errors }))).toEqual(['b']);
  });
});

describe('no dependency cycle between resources', () => {
  it('finds a circle through a reference and a DependsOn, and accepts a chain', () => {
    const chain = template({
      Api: { Type: 'AWS::ApiGatewayV2::Api' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { APP_URL: { 'Fn::GetAtt': ['Api', 'ApiEndpoint'] } } } } },
      Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'Api' }, IntegrationUri: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
    });
    expect(dependencyCycles(chain)).toEqual([]);
    const circle = template({ ...chain.Resources, Api: { Type: 'AWS::ApiGatewayV2::Api', DependsOn: 'Integration' } });
    expect(dependencyCycles(circle)).toEqual([['Api', 'Fn', 'Integration']]);
  });
});
