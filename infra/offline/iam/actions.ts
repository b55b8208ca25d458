import type { AuthorizationRequest } from './policy.js';
import { queryPairs } from './sigv4.js';

/**
 * What IAM authorizes for one request to a service, as AWS's service authorization reference
 * says: the action(s) and the resource ARN(s) each needs, with the condition keys the stack's
 * policies read (`s3:prefix`). One request may need several (a transaction, a batch, a copy).
 */
export interface Partition {
  readonly account: string;
  readonly region: string;
}

export class UnmappedRequestError extends Error {
  override readonly name = 'UnmappedRequestError';
}

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const tableArn = (partition: Partition, table: string, index?: string) =>
  `arn:aws:dynamodb:${partition.region}:${partition.account}:table/${table}${index ? `/index/${index}` : ''}`;

/**
 * DynamoDB's JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`): the operation is the
 * action, on the table (and index) it names; a transaction is authorized item by item through
 * PutItem, UpdateItem, DeleteItem, ConditionCheckItem or GetItem; a batch table by table.
 */
export const dynamoRequests = (target: string, body: unknown, partition: Partition): AuthorizationRequest[] => {
  const operation = target.split('.')[1] ?? '';
  const input = asObject(body);
  const on = (action: string, table: unknown, index?: unknown): AuthorizationRequest => {
    const name = asString(table);
    if (!name) throw new UnmappedRequestError(`DynamoDB ${operation} without a TableName`);
    return { action: `dynamodb:${action}`, resource: tableArn(partition, name, asString(index)) };
  };
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(asObject(input.RequestItems)).map((table) => on(operation, table));
    case 'TransactWriteItems':
      return (Array.isArray(input.TransactItems) ? input.TransactItems : []).flatMap((item: unknown) => {
        const entry = asObject(item);
        const kinds: [string, string][] = [
          ['Put', 'PutItem'],
          ['Update', 'UpdateItem'],
          ['Delete', 'DeleteItem'],
          ['ConditionCheck', 'ConditionCheckItem'],
        ];
        return kinds.filter(([key]) => entry[key]).map(([key, action]) => on(action, asObject(entry[key]).TableName));
      });
    case 'TransactGetItems':
      return (Array.isArray(input.TransactItems) ? input.TransactItems : []).map((item: unknown) => on('GetItem', asObject(asObject(item).Get).TableName));
    case 'ListTables':
      return [{ action: 'dynamodb:ListTables', resource: '*' }];
    case 'Query':
    case 'Scan':
      return [on(operation, input.TableName, input.IndexName)];
    case '':
      throw new UnmappedRequestError(`DynamoDB request without an operation (${target})`);
    default:
      return [on(operation, input.TableName)];
  }
};

/** Bucket and key of a path-style S3 URL (`/bucket/key…`), decoded. */
const bucketAndKey = (path: string): { readonly bucket: string; readonly key: string } => {
  const [bucket = '', ...rest] = path.replace(/^\//, '').split('/');
  return { bucket: decodeURIComponent(bucket), key: rest.map((part) => decodeURIComponent(part)).join('/') };
};

const objectSubresources: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' },
  retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
  'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
  acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
  attributes: { GET: 'GetObjectAttributes' },
};

const bucketSubresources: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  cors: { GET: 'GetBucketCORS', PUT: 'PutBucketCORS', DELETE: 'PutBucketCORS' },
  versions: { GET: 'ListBucketVersions' },
  uploads: { GET: 'ListBucketMultipartUploads' },
  location: { GET: 'GetBucketLocation' },
  'object-lock': { GET: 'GetBucketObjectLockConfiguration', PUT: 'PutBucketObjectLockConfiguration' },
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  notification: { GET: 'GetBucketNotification', PUT: 'PutBucketNotification' },
  lifecycle: { GET: 'GetLifecycleConfiguration', PUT: 'PutLifecycleConfiguration' },
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
  tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging' },
};

/** An S3 request as IAM sees it: what to authorize, and whether it reads one object (see the gateway's 404 → 403). */
export interface S3Authorization {
  readonly requests: AuthorizationRequest[];
  /** Set for GetObject and HeadObject: S3 answers 403 for a missing key unless the caller may list it. */
  readonly readsObject?: { readonly bucket: string; readonly key: string };
  /** Set for DeleteObjects (`POST /bucket?delete`): each key of the XML body is a DeleteObject. */
  readonly deletesFromBody?: string;
}

/**
 * S3's REST API, path style: the method, the path (bucket, key) and the query's subresource give
 * the action; objects are `arn:aws:s3:::bucket/key`, the bucket itself `arn:aws:s3:::bucket`;
 * listing carries `s3:prefix`. A copy needs GetObject on its source as well.
 */
export const s3Requests = (method: string, url: string, headers: Readonly<Record<string, string | string[] | undefined>>): S3Authorization => {
  const at = url.indexOf('?');
  const { bucket, key } = bucketAndKey(at < 0 ? url : url.slice(0, at));
  const query = new Map(queryPairs(at < 0 ? '' : url.slice(at + 1)));
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const objectArn = `${bucketArn}/${key}`;
  const verb = method.toUpperCase();
  if (!bucket) return { requests: [{ action: 's3:ListAllMyBuckets', resource: '*' }] };
  if (!key) {
    const sub = Object.keys(bucketSubresources).find((name) => query.has(name));
    if (sub) {
      const action = bucketSubresources[sub]?.[verb];
      if (!action) throw new UnmappedRequestError(`S3 ${verb} /${bucket}?${sub}`);
      return { requests: [{ action: `s3:${action}`, resource: bucketArn, ...(sub === 'versions' ? { context: { 's3:prefix': query.get('prefix') ?? '' } } : {}) }] };
    }
    if (verb === 'POST' && query.has('delete')) return { requests: [], deletesFromBody: bucket };
    if (verb === 'GET' || verb === 'HEAD') return { requests: [{ action: 's3:ListBucket', resource: bucketArn, context: { 's3:prefix': query.get('prefix') ?? '' } }] };
    if (verb === 'PUT') return { requests: [{ action: 's3:CreateBucket', resource: bucketArn }] };
    if (verb === 'DELETE') return { requests: [{ action: 's3:DeleteBucket', resource: bucketArn }] };
    throw new UnmappedRequestError(`S3 ${verb} /${bucket}`);
  }
  const sub = Object.keys(objectSubresources).find((name) => query.has(name));
  if (sub) {
    const action = objectSubresources[sub]?.[verb];
    if (!action) throw new UnmappedRequestError(`S3 ${verb} object ?${sub}`);
    return { requests: [{ action: `s3:${action}`, resource: objectArn }] };
  }
  const version = query.get('versionId');
  switch (verb) {
    case 'GET':
    case 'HEAD':
      return { requests: [{ action: version ? 's3:GetObjectVersion' : 's3:GetObject', resource: objectArn }], readsObject: { bucket, key } };
    case 'PUT': {
      const source = headers['x-amz-copy-source'];
      const requests: AuthorizationRequest[] = [{ action: 's3:PutObject', resource: objectArn }];
      if (typeof source === 'string') {
        const [sourcePath = '', sourceQuery = ''] = decodeURIComponent(source).split('?');
        const sourceVersion = new Map(queryPairs(sourceQuery)).get('versionId');
        requests.push({ action: sourceVersion ? 's3:GetObjectVersion' : 's3:GetObject', resource: `arn:aws:s3:::${sourcePath.replace(/^\//, '')}` });
      }
      return { requests };
    }
    case 'POST':
      // CreateMultipartUpload, CompleteMultipartUpload: both are PutObject.
      return { requests: [{ action: 's3:PutObject', resource: objectArn }] };
    case 'DELETE':
      if (query.has('uploadId')) return { requests: [{ action: 's3:AbortMultipartUpload', resource: objectArn }] };
      return { requests: [{ action: version ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: objectArn }] };
    default:
      throw new UnmappedRequestError(`S3 ${verb} on an object`);
  }
};

/** The keys (and versions) of a DeleteObjects XML body, each authorized as its own DeleteObject. */
export const deleteObjectsRequests = (bucket: string, xml: string): AuthorizationRequest[] =>
  [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map(([, inner = '']) => {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(inner)?.[1] ?? '';
    const unescaped = key
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
    return { action: /<VersionId>/.test(inner) ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: `arn:aws:s3:::${bucket}/${unescaped}` };
  });

/**
 * SES v2's REST API: `SendEmail` is authorized against the sending identity (the From address's
 * domain, and the address itself when it is an identity) and the configuration set it names.
 */
export const sesRequests = (method: string, path: string, body: unknown, partition: Partition): AuthorizationRequest[] => {
  const identityArn = (identity: string) => `arn:aws:ses:${partition.region}:${partition.account}:identity/${identity}`;
  if (method === 'POST' && path.replace(/\/$/, '') === '/v2/email/outbound-emails') {
    const input = asObject(body);
    const from = asString(input.FromEmailAddress) ?? '';
    const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
    const domain = address.split('@')[1] ?? address;
    const configurationSet = asString(input.ConfigurationSetName);
    return [
      { action: 'ses:SendEmail', resource: identityArn(domain) },
      ...(configurationSet ? [{ action: 'ses:SendEmail', resource: `arn:aws:ses:${partition.region}:${partition.account}:configuration-set/${configurationSet}` }] : []),
    ];
  }
  throw new UnmappedRequestError(`SES ${method} ${path}`);
};

/** SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Action>`), on the queue its URL names. */
export const sqsRequests = (target: string, body: unknown, partition: Partition): AuthorizationRequest[] => {
  const action = target.split('.')[1] ?? '';
  const input = asObject(body);
  const queueName = asString(input.QueueName) ?? asString(input.QueueUrl)?.split('/').filter(Boolean).pop();
  if (!action || !queueName) throw new UnmappedRequestError(`SQS ${target} without a queue`);
  return [{ action: `sqs:${action}`, resource: `arn:aws:sqs:${partition.region}:${partition.account}:${queueName}` }];
};

/**
 * Secrets Manager's JSON protocol (`X-Amz-Target: secretsmanager.<Action>`), on the secret's ARN;
 * `resolveArn` turns a name into the ARN (a secret may be asked for by name).
 */
export const secretsRequests = (target: string, body: unknown, resolveArn: (id: string) => string): AuthorizationRequest[] => {
  const action = target.split('.')[1] ?? '';
  const secretId = asString(asObject(body).SecretId);
  if (!action || !secretId) throw new UnmappedRequestError(`Secrets Manager ${target} without a SecretId`);
  return [{ action: `secretsmanager:${action}`, resource: resolveArn(secretId) }];
};
