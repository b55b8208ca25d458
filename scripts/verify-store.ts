/**
 * `npm run verify-store`: verifies the whole event store against the daily digests in the PV
 * bucket and names every commit that does not match. Exit 0 when everything holds, 1 otherwise.
 *
 * In AWS, run with the functions' variables (`EVENTS_TABLE_NAME`, `HISTORY_TABLE_NAME`,
 * `PV_BUCKET_NAME`). Without them it reads the offline runtime (`npm start`):
 *   --dynamodb http://127.0.0.1:4567  --s3 http://127.0.0.1:4569  --json  --digests-only
 * `--digests-only` checks the streams the digests name; by default every stream is read (a batch
 * read of the whole table: run it off-peak).
 */
import { parseArgs } from 'node:util';
import { createDynamoClient } from '../shared/aws/dynamo.js';
import { createS3Client } from '../shared/aws/s3.js';
import { DynamoCommitSource, S3DigestArchive, verifyStore } from '../shared/integrity/index.js';
import { integrityOf } from '../shared/integrity/wiring.js';
import { ENV, tableEnv } from '../shared/platform/env.js';
import { tableNameMap } from '../shared/platform/provision.js';
import { LOCAL_STAGE, PV_BUCKET_LOCAL } from '../infra/offline/index.js';

const { values } = parseArgs({
  options: {
    dynamodb: { type: 'string', default: 'http://127.0.0.1:4567' },
    s3: { type: 'string', default: 'http://127.0.0.1:4569' },
    json: { type: 'boolean', default: false },
    'digests-only': { type: 'boolean', default: false },
  },
});

const wiring =
  process.env[tableEnv.events] !== undefined
    ? integrityOf({
        tables: { events: process.env[tableEnv.events] ?? '', history: process.env[tableEnv.history] ?? '' },
        buckets: { vault: process.env[ENV.PV_BUCKET] ?? '' },
        endpoints: { dynamodb: process.env[ENV.DYNAMODB_ENDPOINT] || undefined, s3: process.env[ENV.S3_ENDPOINT] || undefined },
      })
    : {
        commits: new DynamoCommitSource(createDynamoClient({ endpoint: values.dynamodb }), tableNameMap(LOCAL_STAGE)),
        archive: new S3DigestArchive(createS3Client({ endpoint: values.s3 }), PV_BUCKET_LOCAL),
      };

const started = performance.now();
const result = await verifyStore(wiring.commits, wiring.archive, { allStreams: !values['digests-only'] });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (values.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`${result.digests} empreinte(s) journalière(s), ${result.streams} flux, ${result.commits} enregistrements vérifiés en ${seconds} s.`);
  for (const finding of result.findings) console.log(`✗ ${finding.streamId} #${finding.commit} : ${finding.reason}`);
  console.log(result.ok ? '✓ Registre intact.' : `✗ ${result.findings.length} anomalie(s).`);
}
process.exit(result.ok ? 0 : 1);
