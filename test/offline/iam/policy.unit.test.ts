import { describe, expect, it } from 'vitest';
import { evaluate, UnsupportedConditionError, wildcardMatch, type PolicyStatement } from '../../../infra/offline/iam/policy.js';

const table = 'arn:aws:dynamodb:eu-west-3:000000000000:table/local-tp-views';
const bucket = 'arn:aws:s3:::local-tp-uploads';

describe('IAM wildcards', () => {
  it('given * and ?, they match any run and exactly one character, and nothing else is special', () => {
    expect(wildcardMatch('arn:aws:s3:::b/pv/*', 'arn:aws:s3:::b/pv/a/b.pdf')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::b/pv/*', 'arn:aws:s3:::b/quarantine/a.pdf')).toBe(false);
    expect(wildcardMatch('file-?.pdf', 'file-1.pdf')).toBe(true);
    expect(wildcardMatch('file-?.pdf', 'file-12.pdf')).toBe(false);
    expect(wildcardMatch('a.b', 'axb')).toBe(false);
    expect(wildcardMatch('dynamodb:get*', 'dynamodb:GetItem', true)).toBe(true);
  });
});

describe('the evaluator', () => {
  const readViews: PolicyStatement = { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [table, `${table}/index/*`] };

  it('given an Allow naming the action and resource, the request is allowed; another action or resource is implicitly denied', () => {
    expect(evaluate([readViews], { action: 'dynamodb:GetItem', resource: table })).toBe('allowed');
    expect(evaluate([readViews], { action: 'dynamodb:Query', resource: `${table}/index/byOwner` })).toBe('allowed');
    expect(evaluate([readViews], { action: 'dynamodb:PutItem', resource: table })).toBe('implicitDeny');
    expect(evaluate([readViews], { action: 'dynamodb:GetItem', resource: `${table}-other` })).toBe('implicitDeny');
    expect(evaluate([], { action: 'dynamodb:GetItem', resource: table })).toBe('implicitDeny');
  });

  it('given actions in another case, they match as IAM compares actions without case; resources keep their case', () => {
    expect(evaluate([readViews], { action: 'DynamoDB:getitem', resource: table })).toBe('allowed');
    expect(evaluate([readViews], { action: 'dynamodb:GetItem', resource: table.toUpperCase() })).toBe('implicitDeny');
  });

  it('given an explicit Deny, it wins over any Allow', () => {
    const deny: PolicyStatement = { Effect: 'Deny', Action: 'dynamodb:*', Resource: '*' };
    expect(evaluate([readViews, deny], { action: 'dynamodb:GetItem', resource: table })).toBe('explicitDeny');
  });

  it('given NotAction and NotResource, they apply to everything but what they list', () => {
    const allButDelete: PolicyStatement = { Effect: 'Allow', NotAction: 's3:Delete*', NotResource: `${bucket}/locked/*` };
    expect(evaluate([allButDelete], { action: 's3:GetObject', resource: `${bucket}/pv/a` })).toBe('allowed');
    expect(evaluate([allButDelete], { action: 's3:DeleteObject', resource: `${bucket}/pv/a` })).toBe('implicitDeny');
    expect(evaluate([allButDelete], { action: 's3:GetObject', resource: `${bucket}/locked/a` })).toBe('implicitDeny');
  });

  it('given ListBucket scoped by StringLike on s3:prefix, only keys under the prefix may be listed', () => {
    const list: PolicyStatement = { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': ['digests/*'] } } };
    expect(evaluate([list], { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': 'digests/2027-01-01.json' } })).toBe('allowed');
    expect(evaluate([list], { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': 'pv/x' } })).toBe('implicitDeny');
    expect(evaluate([list], { action: 's3:ListBucket', resource: bucket })).toBe('implicitDeny');
  });

  it('given StringEquals, StringNotEquals, Bool and IfExists, they read the context as IAM does, a missing key included', () => {
    const equals: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': '000000000000' } } };
    expect(evaluate([equals], { action: 'sqs:SendMessage', resource: '*', context: { 'aws:sourceaccount': '000000000000' } })).toBe('allowed');
    expect(evaluate([equals], { action: 'sqs:SendMessage', resource: '*', context: { 'aws:SourceAccount': '111111111111' } })).toBe('implicitDeny');
    expect(evaluate([equals], { action: 'sqs:SendMessage', resource: '*' })).toBe('implicitDeny');
    const notEquals: PolicyStatement = { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-3' } } };
    expect(evaluate([equals, notEquals], { action: 'x:Y', resource: '*', context: { 'aws:SourceAccount': '000000000000', 'aws:RequestedRegion': 'us-east-1' } })).toBe(
      'explicitDeny',
    );
    const insecure: PolicyStatement = { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(evaluate([insecure], { action: 's3:GetObject', resource: '*', context: { 'aws:SecureTransport': 'false' } })).toBe('explicitDeny');
    expect(evaluate([insecure], { action: 's3:GetObject', resource: '*' })).toBe('implicitDeny');
    const ifExists: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqualsIfExists: { 's3:prefix': 'pv/' } } };
    expect(evaluate([ifExists], { action: 's3:ListBucket', resource: bucket })).toBe('allowed');
    expect(evaluate([ifExists], { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': 'x/' } })).toBe('implicitDeny');
  });

  it('given ForAllValues and ForAnyValue, every or some value of a multi-valued key must match', () => {
    const all: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*', Condition: { 'ForAllValues:StringLike': { 'dynamodb:Attributes': ['pk', 'sk', 'data*'] } } };
    expect(evaluate([all], { action: 'dynamodb:GetItem', resource: table, context: { 'dynamodb:Attributes': ['pk', 'dataA'] } })).toBe('allowed');
    expect(evaluate([all], { action: 'dynamodb:GetItem', resource: table, context: { 'dynamodb:Attributes': ['pk', 'secret'] } })).toBe('implicitDeny');
    const any: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['stage'] } } };
    expect(evaluate([any], { action: 'x:Y', resource: '*', context: { 'aws:TagKeys': ['owner', 'stage'] } })).toBe('allowed');
    expect(evaluate([any], { action: 'x:Y', resource: '*' })).toBe('implicitDeny');
  });

  it('given a condition operator it does not know, it throws rather than guess', () => {
    const numeric: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*', Condition: { NumericLessThan: { 's3:max-keys': '10' } } };
    expect(() => evaluate([numeric], { action: 's3:ListBucket', resource: bucket, context: { 's3:max-keys': '5' } })).toThrow(UnsupportedConditionError);
  });
});
