import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OfflineRuntime } from '../../infra/offline/index.js';
import { createS3Client } from '../../shared/aws/s3.js';
import { systemClock } from '../../shared/platform/clock.js';
import { control, resetControl } from './fixtures/control.js';
import { boot, eventually, temporaryDataDir, tokenFor } from './support.js';

let runtime: OfflineRuntime;
let data: Awaited<ReturnType<typeof temporaryDataDir>>;

// Saturday 27 March 2027, 06:00 in Paris (winter time); summer time starts on Sunday 28 at 02:00.
const start = new Date('2027-03-27T05:00:00Z');

beforeAll(async () => {
  data = await temporaryDataDir();
  runtime = await boot(data.path, { now: start });
});
afterAll(async () => {
  await runtime.stop();
  await data.remove();
});
beforeEach(() => resetControl());

describe('schedules and the movable clock', () => {
  it('given a daily 07:00 Europe/Paris schedule, when the clock moves across the switch to summer time, then it fires once a day at 07:00 Paris time, seeing its own day', async () => {
    const fired = await runtime.moveClockTo(new Date('2027-03-29T12:00:00Z'));
    const expected = ['2027-03-27T06:00:00.000Z', '2027-03-28T05:00:00.000Z', '2027-03-29T05:00:00.000Z'];
    expect(fired.map((f) => f.at)).toEqual(expected);
    expect(fired.every((f) => f.functionName === 'scheduleRecorder')).toBe(true);
    expect(control.fired.map((at) => at.slice(0, 16))).toEqual(expected.map((at) => at.slice(0, 16)));
    expect(Math.abs(systemClock.now().getTime() - new Date('2027-03-29T12:00:00Z').getTime())).toBeLessThan(5_000);
  });

  it('when a regional admin moves the clock through POST /local/clock, then the schedules due in between fire', async () => {
    const token = await tokenFor(runtime, 'region');
    const response = await fetch(`${runtime.urls.app}/local/clock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ to: '2027-03-31T06:00:00Z' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { now: string; fired: { at: string }[] };
    expect(body.fired.map((f) => f.at)).toEqual(['2027-03-30T05:00:00.000Z', '2027-03-31T05:00:00.000Z']);
    expect(body.now.slice(0, 13)).toBe('2027-03-31T06');
  });

  it('when the clock would go back, then it refuses', async () => {
    const token = await tokenFor(runtime, 'region');
    const response = await fetch(`${runtime.urls.app}/local/clock`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ to: '2027-01-01' }) });
    expect(response.status).toBe(422);
    expect(control.fired).toEqual([]);
  });

  it('when the runtime restarts, then the clock resumes where it was left and nothing already fired fires again', async () => {
    const before = systemClock.now();
    await runtime.stop();
    runtime = await boot(data.path, { ports: runtime.ports });
    expect(Math.abs(systemClock.now().getTime() - before.getTime())).toBeLessThan(10_000);
    expect(control.fired).toEqual([]);
    const fired = await runtime.moveClockTo(new Date('2027-04-01T06:00:00Z'));
    expect(fired.map((f) => f.at)).toEqual(['2027-04-01T05:00:00.000Z']);
  });
});

describe('S3 event notifications', () => {
  it('when the browser PUTs a file with a presigned URL under the declared prefix of the upload bucket, then the function gets an ObjectCreated record; other prefixes and the vault trigger nothing', async () => {
    const s3 = createS3Client({ endpoint: runtime.urls.s3 });
    const key = 'pv/ses_01/procès verbal.pdf';
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: runtime.uploadBucket, Key: key, ContentType: 'application/pdf' }), { expiresIn: 300 });
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: runtime.urls.app, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(200);
    expect([runtime.urls.app, '*']).toContain(preflight.headers.get('access-control-allow-origin'));
    const foreign = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://ailleurs.example', 'access-control-request-method': 'PUT' } });
    expect(foreign.status).toBe(403);
    const put = await fetch(url, { method: 'PUT', body: Buffer.from('%PDF-1.7 signé'), headers: { 'content-type': 'application/pdf', origin: runtime.urls.app } });
    expect(put.status).toBe(200);
    await s3.send(new PutObjectCommand({ Bucket: runtime.uploadBucket, Key: 'ailleurs/x.txt', Body: 'x' }));
    // Same prefix in the vault (written with the checksum its Object Lock requires): not the intake's bucket.
    await s3.send(new PutObjectCommand({ Bucket: runtime.bucket, Key: 'pv/ses_01/gardé.pdf', Body: 'x', ChecksumSHA256: createHash('sha256').update('x').digest('base64') }));
    await runtime.drain();
    const records = await eventually(() => control.s3.length > 0 && control.s3);
    expect(records).toHaveLength(1);
    expect(records[0]?.eventName).toBe('ObjectCreated:Put');
    expect(records[0]?.s3.bucket.name).toBe(runtime.uploadBucket);
    expect(records[0]?.s3.bucket.arn).toBe(`arn:aws:s3:::${runtime.uploadBucket}`);
    expect(decodeURIComponent((records[0]?.s3.object.key ?? '').replace(/\+/g, ' '))).toBe(key);
    expect(records[0]?.s3.object.size).toBe(Buffer.byteLength('%PDF-1.7 signé'));
    s3.destroy();
  });
});
