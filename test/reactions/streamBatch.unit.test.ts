import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { isRetryable } from '../../shared/mail/sender.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';

const record = (sequence: string, eventName: DynamoDBRecord['eventName'] = 'INSERT'): DynamoDBRecord => ({
  eventName,
  dynamodb: { SequenceNumber: sequence, NewImage: { pk: { S: sequence } } },
});

describe('stream batch', () => {
  it('given a record that fails mid-batch, when processed, then it and every later record are reported, and later ones are not processed', async () => {
    const seen: string[] = [];
    const result = await processCommitBatch(
      { Records: [record('1'), record('2'), record('3'), record('4')] },
      (image) => [{ streamId: String((image.pk as { S: string }).S) } as unknown as StoredEvent],
      async (events) => {
        const id = events[0]?.streamId ?? '';
        if (id === '2') throw new Error('boom');
        seen.push(id);
      },
    );

    expect(seen).toEqual(['1']);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }, { itemIdentifier: '3' }, { itemIdentifier: '4' }]);
  });

  it('given removals and records without image, when processed, then they are skipped without failing', async () => {
    const result = await processCommitBatch(
      { Records: [record('1', 'REMOVE')] },
      () => {
        throw new Error('should not decode');
      },
      async () => undefined,
    );

    expect(result.batchItemFailures).toEqual([]);
  });

  it('given a batch whose first record fails, when processed, then every record is reported and nothing is thrown', async () => {
    const failures: unknown[] = [];
    const result = await processCommitBatch(
      { Records: [record('7'), record('8')] },
      () => {
        throw new Error('undecodable');
      },
      async () => undefined,
      (error) => failures.push(error),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '7' }, { itemIdentifier: '8' }]);
    // The error handler hears of the record that failed, not of those skipped after it.
    expect(failures).toHaveLength(1);
  });
});

describe('SES retry policy', () => {
  it('retries throttling, 5xx and network errors; not a refused message', () => {
    expect(isRetryable({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isRetryable({ name: 'InternalFailure', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable({ name: 'MessageRejected', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isRetryable({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } })).toBe(false);
  });
});
