import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3DocumentLinks } from '../../shared/history/documentLinks.js';

const links = new S3DocumentLinks(new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }), 'pv-vault');

describe('a PV link on a timeline', () => {
  it('names the version the event recorded, so it opens the very file the jury signed', async () => {
    const url = new URL(await links.linkFor('pv/ses_a/f.pdf', '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY'));
    expect(url.pathname).toBe('/pv/ses_a/f.pdf');
    expect(url.searchParams.get('versionId')).toBe('3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
  });

  it('names the object alone when the intake recorded the offline ETag stand-in, which is no S3 version id', async () => {
    const url = new URL(await links.linkFor('pv/ses_a/f.pdf', 'etag:9a0364b9e99bb480dd25e1f0284c8555'));
    expect(url.pathname).toBe('/pv/ses_a/f.pdf');
    expect(url.searchParams.has('versionId')).toBe(false);
  });
});
