import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StoredEvent } from '../../events/index.js';
import type { StreamVerifier, VerifyResult } from './port.js';
import { readRawCommits } from './rawCommits.js';
import { GENESIS_HASH, commitHash, commitItemOf, parseCommitEvents, type CommitItem } from './records.js';

/**
 * Checks a stream's hash chain as stored in `events`: every commit present, in order, linked to
 * the previous one's hash, its own hash recomputed over every attribute, its versions consecutive.
 * Names the first commit that does not hold. Reads only; what it reads is validated here, not by
 * the commit store's fast path.
 */
export class DynamoChainVerifier implements StreamVerifier {
  constructor(private readonly options: { readonly client: DynamoDBClient; readonly tables: { readonly events: string } }) {}

  async verify(streamId: string): Promise<VerifyResult> {
    const raws = await readRawCommits(this.options.client, this.options.tables.events, streamId);
    let prevHash = GENESIS_HASH;
    let version = 0;
    for (const [index, raw] of raws.entries()) {
      const expected = index + 1;
      const item = commitItemOf(raw);
      const broken = (reason: string): VerifyResult => ({ ok: false, firstBrokenCommit: expected, reason });
      if (!item) return broken('Enregistrement illisible : attributs manquants ou mal formés.');
      if (item.sk !== expected) return broken(`Enregistrement ${expected} manquant (trouvé ${item.sk}).`);
      if (item.prevHash !== prevHash) return broken("L'empreinte de l'enregistrement précédent ne correspond pas.");
      if (commitHash(raw as CommitItem) !== item.hash) return broken("L'empreinte recalculée ne correspond pas : l'enregistrement a été modifié.");
      let events: StoredEvent[];
      try {
        events = parseCommitEvents(item.events);
      } catch {
        return broken('Événements illisibles.');
      }
      const consecutive = events.every((event, i) => event.version === version + i + 1 && event.streamId === streamId);
      if (!consecutive || item.firstVersion !== version + 1 || item.lastVersion !== version + events.length) return broken('Numéros de version incohérents.');
      version = item.lastVersion;
      prevHash = item.hash;
    }
    return { ok: true, commits: raws.length };
  }
}
