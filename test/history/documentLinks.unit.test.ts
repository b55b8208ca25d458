import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3DocumentLinks } from '../../shared/history/documentLinks.js';

/** A client whose HEAD answers as S3 would, without the network; presigning needs no call. */
const clientWhoseHead = (answer: () => Promise<unknown>) => {
  const client = new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const heads: HeadObjectCommand[] = [];
  client.send = ((command: HeadObjectCommand) => {
    heads.push(command);
    return answer();
  }) as S3Client['send'];
  return { client, heads };
};

describe('a PV link, signed when the reader clicks', () => {
  it('names the version the event recorded, so it opens the very file the jury signed, and lasts a minute', async () => {
    const { client, heads } = clientWhoseHead(() => Promise.resolve({}));
    const url = new URL((await new S3DocumentLinks(client, 'pv-vault').linkFor('pv/ses_a/f.pdf', '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY')) ?? '');
    expect(url.pathname).toBe('/pv/ses_a/f.pdf');
    expect(url.searchParams.get('versionId')).toBe('3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(heads.map((head) => head.input)).toEqual([{ Bucket: 'pv-vault', Key: 'pv/ses_a/f.pdf', VersionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' }]);
  });

  it('names the object alone when the intake recorded the offline ETag stand-in, which is no S3 version id', async () => {
    const { client } = clientWhoseHead(() => Promise.resolve({}));
    const url = new URL((await new S3DocumentLinks(client, 'pv-vault').linkFor('pv/ses_a/f.pdf', 'etag:9a0364b9e99bb480dd25e1f0284c8555')) ?? '');
    expect(url.pathname).toBe('/pv/ses_a/f.pdf');
    expect(url.searchParams.has('versionId')).toBe(false);
  });

  it('signs no link for a version S3 no longer has (deleted by the retention purge), and lets any other S3 failure through', async () => {
    const gone = clientWhoseHead(() => Promise.reject(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } })));
    await expect(new S3DocumentLinks(gone.client, 'pv-vault').linkFor('pv/ses_a/f.pdf', 'v1')).resolves.toBeUndefined();
    const denied = clientWhoseHead(() => Promise.reject(Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } })));
    await expect(new S3DocumentLinks(denied.client, 'pv-vault').linkFor('pv/ses_a/f.pdf', 'v1')).rejects.toThrow('Forbidden');
  });
});
