import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';
import { captureFunctionOutput } from '../support/functionLogs.js';

// The error line of a changed commit is read below: the logger, silent under vitest, is built at INFO.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const record = (sequence: string, eventName: DynamoDBRecord['eventName'] = 'INSERT'): DynamoDBRecord => ({
  eventName,
  dynamodb: { SequenceNumber: sequence, Keys: { pk: { S: 'session-a' }, sk: { N: sequence } }, NewImage: { pk: { S: sequence } } },
});

describe('stream batch of a commit changed after it was written', () => {
  it('given a commit changed after it was written (a MODIFY record: commits are only inserted), when processed, then it is not handed to the consumer, it is logged as an error, and the records after it are', async () => {
    const seen: string[] = [];
    const output = captureFunctionOutput();
    let result;
    try {
      result = await processCommitBatch(
        { Records: [record('1'), record('2', 'MODIFY'), record('3')] },
        (image) => [{ streamId: String((image.pk as { S: string }).S) } as unknown as StoredEvent],
        async (events) => {
          seen.push(events[0]?.streamId ?? '');
        },
      );
    } finally {
      output.restore();
    }

    expect(seen).toEqual(['1', '3']);
    expect(result.batchItemFailures).toEqual([]);
    expect(output.json().find((line) => line.message === 'commit changed after it was written: not processed')).toMatchObject({
      level: 'ERROR',
      streamId: 'session-a',
      commit: '2',
    });
  });
});
