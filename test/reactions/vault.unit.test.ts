import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../shared/eventStore/port.js';
import { ConfigurationError } from '../../shared/platform/env.js';
import { PvIntake } from '../../shared/vault/intake.js';
import { PvVault, QUARANTINED_TAG } from '../../shared/vault/vault.js';

/**
 * How the vault moves a rejected upload in AWS, checked on the commands it sends: the quarantine
 * copy gets its own short Object Lock (the bucket's default would keep it five years in prod), the
 * rejected version is tagged for the bucket's lifecycle rule before it is hidden. The same move
 * against s3rver (no versions, no Object Lock): vault.int.test.ts.
 */
const s3 = mockClient(S3Client);
const BUCKET = 'prod-tp-pv-123456789012-eu-west-3';
const DAY = 86_400_000;
const KEY = `pv/ses_q1/${'a'.repeat(64)}.pdf`;
const now = new Date('2027-02-01T08:00:00.000Z');
const vault = (options: ConstructorParameters<typeof PvVault>[2] = {}) => new PvVault(new S3Client({ region: 'eu-west-3' }), BUCKET, options);
const names = () => s3.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);

beforeEach(() => {
  s3.reset();
  delete process.env.RETENTION_QUARANTINE_DAYS;
});
afterAll(() => {
  delete process.env.RETENTION_QUARANTINE_DAYS;
  s3.restore();
});

describe('quarantine of a rejected upload in a versioned, object-locked bucket', () => {
  it('given the version id of the S3 event, when quarantined, then that version is copied untagged with a GOVERNANCE lock until now + 30 days, tagged, then hidden by a delete marker, in that order', async () => {
    const target = await vault().quarantine(KEY, { versionId: 'v-rejected' }, now);

    expect(target).toBe(`quarantine/${KEY}`);
    expect(names()).toEqual(['CopyObjectCommand', 'PutObjectTaggingCommand', 'DeleteObjectCommand']);
    expect(s3.commandCalls(CopyObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: `quarantine/${KEY}`,
      CopySource: `${BUCKET}/${KEY}?versionId=v-rejected`,
      TaggingDirective: 'REPLACE',
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: new Date(now.getTime() + 30 * DAY),
    });
    expect(s3.commandCalls(PutObjectTaggingCommand)[0]?.args[0].input).toEqual({ Bucket: BUCKET, Key: KEY, VersionId: 'v-rejected', Tagging: { TagSet: [QUARANTINED_TAG] } });
    // No version id: Object Lock refuses deleting the locked version; the marker hides it until the lifecycle rule can.
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({ Bucket: BUCKET, Key: KEY });
  });

  it('given RETENTION_QUARANTINE_DAYS (the stack sets it from the stage), when quarantined, then the copy is locked that many days; an explicit option wins', async () => {
    process.env.RETENTION_QUARANTINE_DAYS = '7';
    await vault().quarantine(KEY, { versionId: 'v1' }, now);
    await vault({ quarantineDays: 45 }).quarantine(KEY, { versionId: 'v1' }, now);

    expect(s3.commandCalls(CopyObjectCommand).map((call) => call.args[0].input.ObjectLockRetainUntilDate)).toEqual([new Date(now.getTime() + 7 * DAY), new Date(now.getTime() + 45 * DAY)]);
  });

  it('given a RETENTION_QUARANTINE_DAYS of 0 or a word, when the vault is built (cold start), then it fails naming the variable', () => {
    for (const bad of ['0', 'trente']) {
      process.env.RETENTION_QUARANTINE_DAYS = bad;
      expect(() => vault(), bad).toThrow(ConfigurationError);
      expect(() => vault(), bad).toThrow(/RETENTION_QUARANTINE_DAYS/);
    }
  });

  it('given no real version (offline, or the etag stand-in), when quarantined, then the current object is copied and deleted and nothing is tagged', async () => {
    await vault().quarantine(KEY, {}, now);
    await vault().quarantine(KEY, { versionId: 'etag:9dd4e461268c8034f5c8564e155c67a6' }, now);

    expect(names()).toEqual(['CopyObjectCommand', 'DeleteObjectCommand', 'CopyObjectCommand', 'DeleteObjectCommand']);
    expect(s3.commandCalls(CopyObjectCommand).map((call) => call.args[0].input.CopySource)).toEqual([`${BUCKET}/${KEY}`, `${BUCKET}/${KEY}`]);
  });

  it('given the tagging fails, when quarantined, then the upload is not deleted, so the redelivered notification finds it and moves it again', async () => {
    s3.on(PutObjectTaggingCommand).rejects(Object.assign(new Error('Slow down'), { name: 'SlowDown' }));

    await expect(vault().quarantine(KEY, { versionId: 'v1' }, now)).rejects.toThrow('Slow down');

    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('given an S3 notification with a version id for a key the vault never signed, when the intake runs, then that version is quarantined with a lock counted from the intake\'s clock', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 12 });
    const store = new Proxy({}, { get: () => { throw new Error('no event for a key outside any session'); } }) as EventStore;
    const intake = new PvIntake(vault({ quarantineDays: 30 }), store, { now: () => now });

    const outcome = await intake.onObjectCreated({ key: 'pv/notes.txt', versionId: 'v-event' });

    expect(outcome).toEqual({ outcome: 'quarantined', reason: 'unexpected', quarantineKey: 'quarantine/pv/notes.txt' });
    expect(s3.commandCalls(CopyObjectCommand)[0]?.args[0].input).toMatchObject({ CopySource: `${BUCKET}/pv/notes.txt?versionId=v-event`, ObjectLockRetainUntilDate: new Date(now.getTime() + 30 * DAY) });
    expect(s3.commandCalls(PutObjectTaggingCommand)[0]?.args[0].input).toMatchObject({ Key: 'pv/notes.txt', VersionId: 'v-event' });
  });
});
