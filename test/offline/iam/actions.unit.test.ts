import { describe, expect, it } from 'vitest';
import { deleteObjectsRequests, dynamoRequests, s3Requests, secretsRequests, sesRequests, sqsRequests, UnmappedRequestError } from '../../../infra/offline/iam/actions.js';

const partition = { account: '000000000000', region: 'eu-west-3' };
const table = (name: string) => `arn:aws:dynamodb:eu-west-3:000000000000:table/${name}`;

describe('DynamoDB requests as IAM sees them', () => {
  it('given an operation on a table, its action is the operation and its resource the table', () => {
    expect(dynamoRequests('DynamoDB_20120810.PutItem', { TableName: 'local-tp-events' }, partition)).toEqual([{ action: 'dynamodb:PutItem', resource: table('local-tp-events') }]);
    expect(dynamoRequests('DynamoDB_20120810.UpdateItem', { TableName: 'v' }, partition)).toEqual([{ action: 'dynamodb:UpdateItem', resource: table('v') }]);
  });

  it('given a Query on an index, the resource is the index', () => {
    expect(dynamoRequests('DynamoDB_20120810.Query', { TableName: 'v', IndexName: 'byOwner' }, partition)).toEqual([
      { action: 'dynamodb:Query', resource: `${table('v')}/index/byOwner` },
    ]);
  });

  it('given a transaction, each item is authorized as its own Put, Update, Delete or ConditionCheck', () => {
    const body = { TransactItems: [{ Put: { TableName: 'a' } }, { Update: { TableName: 'b' } }, { Delete: { TableName: 'c' } }, { ConditionCheck: { TableName: 'd' } }] };
    expect(dynamoRequests('DynamoDB_20120810.TransactWriteItems', body, partition).map((r) => `${r.action} ${r.resource}`)).toEqual([
      `dynamodb:PutItem ${table('a')}`,
      `dynamodb:UpdateItem ${table('b')}`,
      `dynamodb:DeleteItem ${table('c')}`,
      `dynamodb:ConditionCheckItem ${table('d')}`,
    ]);
  });

  it('given a batch, each table it names is a resource of the batch action', () => {
    expect(dynamoRequests('DynamoDB_20120810.BatchWriteItem', { RequestItems: { a: [], b: [] } }, partition)).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: table('a') },
      { action: 'dynamodb:BatchWriteItem', resource: table('b') },
    ]);
  });

  it('given an item operation without a table, it is not guessed', () => {
    expect(() => dynamoRequests('DynamoDB_20120810.GetItem', {}, partition)).toThrow(UnmappedRequestError);
  });
});

describe('S3 requests as IAM sees them', () => {
  const bucket = 'arn:aws:s3:::local-tp-uploads';

  it('given GET and HEAD of a key, it is GetObject on the object and a read of that key', () => {
    for (const method of ['GET', 'HEAD']) {
      const mapped = s3Requests(method, '/local-tp-uploads/pv/a%20b.pdf?x-id=GetObject', {});
      expect(mapped.requests).toEqual([{ action: 's3:GetObject', resource: `${bucket}/pv/a b.pdf` }]);
      expect(mapped.readsObject).toEqual({ bucket: 'local-tp-uploads', key: 'pv/a b.pdf' });
    }
    expect(s3Requests('GET', '/local-tp-pv/pv/a.pdf?versionId=3', {}).requests[0]?.action).toBe('s3:GetObjectVersion');
  });

  it('given PUT, DELETE and a copy, they are PutObject, DeleteObject, and PutObject with GetObject on the source', () => {
    expect(s3Requests('PUT', '/local-tp-uploads/pv/a.pdf', {}).requests).toEqual([{ action: 's3:PutObject', resource: `${bucket}/pv/a.pdf` }]);
    expect(s3Requests('DELETE', '/local-tp-uploads/pv/a.pdf', {}).requests).toEqual([{ action: 's3:DeleteObject', resource: `${bucket}/pv/a.pdf` }]);
    expect(s3Requests('DELETE', '/local-tp-pv/pv/a.pdf?versionId=2', {}).requests[0]?.action).toBe('s3:DeleteObjectVersion');
    expect(s3Requests('PUT', '/local-tp-pv/pv/a.pdf', { 'x-amz-copy-source': 'local-tp-uploads/pv/a.pdf' }).requests).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::local-tp-pv/pv/a.pdf' },
      { action: 's3:GetObject', resource: `${bucket}/pv/a.pdf` },
    ]);
  });

  it('given a listing, it is ListBucket on the bucket with the prefix as s3:prefix', () => {
    expect(s3Requests('GET', '/local-tp-pv?list-type=2&prefix=digests%2F', {}).requests).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::local-tp-pv', context: { 's3:prefix': 'digests/' } },
    ]);
  });

  it('given a subresource, it maps to its own action', () => {
    expect(s3Requests('PUT', '/local-tp-pv/pv/a.pdf?retention', {}).requests[0]?.action).toBe('s3:PutObjectRetention');
    expect(s3Requests('GET', '/local-tp-uploads?cors', {}).requests[0]?.action).toBe('s3:GetBucketCORS');
  });

  it('given DeleteObjects, each key of its body is a DeleteObject', () => {
    expect(s3Requests('POST', '/local-tp-uploads?delete', {}).deletesFromBody).toBe('local-tp-uploads');
    const xml = '<Delete><Object><Key>pv/a&amp;b.pdf</Key></Object><Object><Key>pv/c.pdf</Key><VersionId>1</VersionId></Object></Delete>';
    expect(deleteObjectsRequests('local-tp-uploads', xml)).toEqual([
      { action: 's3:DeleteObject', resource: `${bucket}/pv/a&b.pdf` },
      { action: 's3:DeleteObjectVersion', resource: `${bucket}/pv/c.pdf` },
    ]);
  });
});

describe('SES, SQS and Secrets Manager requests as IAM sees them', () => {
  it('given SendEmail, it needs the sending domain’s identity and the configuration set', () => {
    expect(
      sesRequests('POST', '/v2/email/outbound-emails', { FromEmailAddress: 'TP <ne-pas-repondre@tp-sessions.local>', ConfigurationSetName: 'local-tp-mail' }, partition),
    ).toEqual([
      { action: 'ses:SendEmail', resource: 'arn:aws:ses:eu-west-3:000000000000:identity/tp-sessions.local' },
      { action: 'ses:SendEmail', resource: 'arn:aws:ses:eu-west-3:000000000000:configuration-set/local-tp-mail' },
    ]);
  });

  it('given an SQS call, the queue of its URL is the resource', () => {
    expect(sqsRequests('AmazonSQS.SendMessage', { QueueUrl: 'http://127.0.0.1:3000/000000000000/local-tp-mail-retry' }, partition)).toEqual([
      { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:eu-west-3:000000000000:local-tp-mail-retry' },
    ]);
  });

  it('given GetSecretValue by name, the resource is the secret’s ARN', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-3:000000000000:secret:local-tp-cursor-secret-AbCdEf';
    expect(secretsRequests('secretsmanager.GetSecretValue', { SecretId: 'local-tp-cursor-secret' }, () => arn)).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: arn },
    ]);
  });
});
