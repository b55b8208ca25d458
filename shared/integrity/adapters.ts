import { createHash } from 'node:crypto';
import { QueryCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { fromItem, toKey } from '../aws/attributes.js';
import { eventTypeNames } from '../../events/versions.js';
import { readRawCommits } from '../eventStore/rawCommits.js';
import { ulidBound } from '../platform/ids.js';
import { DIGEST_PREFIX, digestKey } from './digest.js';
import type { CommitSource, DigestArchive, RawCommit } from './ports.js';

/**
 * Commits read from the `events` table by key, and the streams of a day from the `history`
 * table's `byType` index: one key query per event type over the day's ULID range (ULIDs sort by
 * time), projecting only the stream id. No Scan, except for {@link allStreams}, the full audit.
 */
export class DynamoCommitSource implements CommitSource {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { readonly events: string; readonly history: string },
  ) {}

  async streamsChangedBetween(from: Date, to: Date): Promise<readonly string[]> {
    const streams = new Set<string>();
    for (const type of eventTypeNames) {
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const output = await this.client.send(
          new QueryCommand({
            TableName: this.tables.history,
            IndexName: 'byType',
            KeyConditionExpression: 'typeKey = :type AND eventId BETWEEN :low AND :high',
            ExpressionAttributeValues: toKey({ ':type': type, ':low': ulidBound(from, '0'), ':high': ulidBound(to, 'Z') }),
            ProjectionExpression: 'streamId',
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of output.Items ?? []) streams.add(String(fromItem(item).streamId));
        startKey = output.LastEvaluatedKey;
      } while (startKey);
    }
    return [...streams];
  }

  commits(streamId: string): Promise<readonly RawCommit[]> {
    return readRawCommits(this.client, this.tables.events, streamId);
  }

  async *allStreams(): AsyncIterable<string> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      // The full audit reads the table once (first commits only); it runs as a batch command, never on a request path.
      const output = await this.client.send(
        new ScanCommand({
          TableName: this.tables.events,
          ProjectionExpression: 'pk',
          FilterExpression: 'sk = :first',
          ExpressionAttributeValues: toKey({ ':first': 1 }),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of output.Items ?? []) yield String(fromItem(item).pk);
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  }
}

const isMissing = (error: unknown) => error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');

/**
 * Digests as objects `digests/<day>.json` in the vault (Object Lock by the bucket's default
 * retention in AWS). Reading a day that has no digest yet is a 404 only for a role allowed
 * `s3:ListBucket` on `digests/` (otherwise S3 answers 403): the digest function's declaration asks for it.
 */
export class S3DigestArchive implements DigestArchive {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async read(day: string): Promise<string | undefined> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: digestKey(day) }));
      return await output.Body?.transformToString('utf-8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /**
   * With the digest's SHA-256 as `x-amz-checksum-sha256`: S3 refuses a write to a bucket with
   * Object Lock that carries neither Content-MD5 nor a checksum header, and the S3 client
   * (`requestChecksumCalculation: 'WHEN_REQUIRED'`) adds none by itself.
   */
  async write(day: string, bytes: string): Promise<void> {
    const checksum = createHash('sha256').update(bytes, 'utf8').digest('base64');
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: digestKey(day), Body: bytes, ContentType: 'application/json', ChecksumSHA256: checksum }));
  }

  async days(): Promise<readonly string[]> {
    const days: string[] = [];
    let token: string | undefined;
    do {
      const output = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: DIGEST_PREFIX, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of output.Contents ?? []) {
        const match = /^digests\/(\d{4}-\d{2}-\d{2})\.json$/.exec(object.Key ?? '');
        if (match?.[1]) days.push(match[1]);
      }
      token = output.IsTruncated ? output.NextContinuationToken : undefined;
    } while (token);
    return days.sort();
  }
}
