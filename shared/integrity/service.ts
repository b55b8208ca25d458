import { GENESIS_HASH, commitHash, commitItemOf, parseCommitItem, type CommitItem } from '../eventStore/records.js';
import type { Clock } from '../platform/clock.js';
import { dayBounds, digestSha256, nextDay, previousDay, serializeDigest, utcDay } from './digest.js';
import type { Digest, DigestStream } from './digestSchema.js';
import type { CommitSource, DigestArchive, RawCommit } from './ports.js';

/** The schema, loaded with the first digest read back (./digestSchema.ts). */
const digestSchema = async () => (await import('./digestSchema.js')).digestSchema;

export interface DigestOutcome {
  readonly day: string;
  /** False when the day already had a digest (a repeated schedule): nothing was written. */
  readonly written: boolean;
  readonly streams: number;
  readonly commits: number;
}

/**
 * Writes the digest of `day` (UTC): the streams changed that day come from the history indexes
 * (a handful of key queries), then each of them is read by key. Idempotent: a day that already
 * has its digest is left alone, so an at-least-once schedule never writes two versions.
 */
export const writeDailyDigest = async (source: CommitSource, archive: DigestArchive, day: string, clock: Clock): Promise<DigestOutcome> => {
  const existing = await archive.read(day);
  if (existing !== undefined) {
    const digest = (await digestSchema()).parse(JSON.parse(existing));
    return { day, written: false, streams: digest.streams.length, commits: digest.streams.reduce((n, s) => n + s.commits.length, 0) };
  }
  const { from, to } = dayBounds(day);
  const streamIds = [...(await source.streamsChangedBetween(from, to))].sort();
  const streams: DigestStream[] = [];
  for (const streamId of streamIds) {
    const commits = (await source.commits(streamId)).map((raw) => parseCommitItem(raw));
    const ofTheDay = commits.filter((commit) => utcDay(new Date(commit.recordedAt)) === day);
    // The history index may name a stream whose commit of the day is not readable yet: skip it, the next digest has it.
    const last = ofTheDay.at(-1);
    if (!last) continue;
    streams.push({ streamId, lastCommit: last.sk, lastHash: last.hash, commits: ofTheDay.map((commit) => ({ commit: commit.sk, hash: commit.hash })) });
  }
  const previous = await archive.read(previousDay(day));
  const digest: Digest = {
    kind: 'tp-sessions/store-digest',
    formatVersion: 1,
    day,
    generatedAt: clock.now().toISOString(),
    ...(previous !== undefined ? { previousDigestSha256: digestSha256(previous) } : {}),
    streams,
  };
  await archive.write(day, serializeDigest(digest));
  return { day, written: true, streams: streams.length, commits: streams.reduce((n, s) => n + s.commits.length, 0) };
};

/** How far back the daily function digests the days a failed run left without a digest. */
const CATCH_UP_DAYS = 31;

/**
 * Digests `yesterday` and, before it, every day since the last digest that has none (a run that
 * failed, or never fired), oldest first so that each names its predecessor; at most
 * CATCH_UP_DAYS days. A store with no digest yet starts at `yesterday`. A day digested late covers
 * its commits as they are when digested: the hash chain still links them to the days before.
 */
export const writeMissedDigests = async (source: CommitSource, archive: DigestArchive, yesterday: string, clock: Clock): Promise<DigestOutcome[]> => {
  const last = (await archive.days()).filter((day) => day <= yesterday).at(-1);
  const days: string[] = [];
  for (let day = yesterday; days.length < CATCH_UP_DAYS && (last === undefined ? days.length === 0 : day > last); day = previousDay(day)) days.push(day);
  const outcomes: DigestOutcome[] = [];
  for (const day of days.reverse()) outcomes.push(await writeDailyDigest(source, archive, day, clock));
  return outcomes;
};

/** One commit that does not match: the stream, the commit number, and why (French, for the report). */
interface Finding {
  readonly streamId: string;
  /** The commit named; 0 when the finding is about a digest itself. */
  readonly commit: number;
  readonly reason: string;
}

export interface StoreVerification {
  readonly ok: boolean;
  readonly digests: number;
  readonly streams: number;
  readonly commits: number;
  readonly findings: readonly Finding[];
}

export interface VerifyOptions {
  /** Also check the chain of every stream of the store, not only those the digests name (a full read). */
  readonly allStreams?: boolean;
}

/**
 * Verifies the store against every digest: each commit a digest names must still exist with the
 * same hash; each stream's chain must hold (hash recomputed from the attributes, previous hash
 * linked, commits dense); each digest must name its predecessor's SHA-256. Every broken commit is
 * named, not only the first.
 */
export const verifyStore = async (source: CommitSource, archive: DigestArchive, options: VerifyOptions = {}): Promise<StoreVerification> => {
  const findings: Finding[] = [];
  const expected = new Map<string, Map<number, string>>();
  const days = await archive.days();
  let previousBytes: string | undefined;
  let previousDayText: string | undefined;
  const schema = await digestSchema();
  for (const day of days) {
    const bytes = await archive.read(day);
    if (bytes === undefined) continue;
    const parsed = schema.safeParse(JSON.parse(bytes));
    if (!parsed.success || parsed.data.day !== day) {
      findings.push({ streamId: `digests/${day}`, commit: 0, reason: 'Empreinte journalière illisible.' });
      continue;
    }
    const digest = parsed.data;
    if (previousBytes !== undefined && previousDayText === previousDay(day) && digest.previousDigestSha256 !== digestSha256(previousBytes))
      findings.push({ streamId: `digests/${day}`, commit: 0, reason: "L'empreinte du jour précédent ne correspond pas." });
    // A day without digest (its run failed, or the object is gone): its commits are covered by none.
    if (previousDayText !== undefined && previousDayText !== previousDay(day)) {
      const first = nextDay(previousDayText);
      const last = previousDay(day);
      const missing = first === last ? `L'empreinte journalière du ${first} manque` : `Les empreintes journalières du ${first} au ${last} manquent`;
      findings.push({ streamId: `digests/${day}`, commit: 0, reason: `${missing} : les commits de ces jours ne sont couverts par aucune empreinte.` });
    }
    for (const stream of digest.streams) {
      const commits = expected.get(stream.streamId) ?? new Map<number, string>();
      for (const { commit, hash } of stream.commits) commits.set(commit, hash);
      expected.set(stream.streamId, commits);
    }
    previousBytes = bytes;
    previousDayText = day;
  }

  const streamIds = new Set(expected.keys());
  if (options.allStreams) for await (const streamId of source.allStreams()) streamIds.add(streamId);
  let commitCount = 0;
  for (const streamId of [...streamIds].sort()) {
    const raws = await source.commits(streamId);
    commitCount += raws.length;
    findings.push(...checkChain(streamId, raws, expected.get(streamId) ?? new Map()));
  }
  return { ok: findings.length === 0, digests: days.length, streams: streamIds.size, commits: commitCount, findings };
};

/** Every commit of one stream that does not match its own hash, its predecessor or a digest. */
const checkChain = (streamId: string, raws: readonly RawCommit[], digested: ReadonlyMap<number, string>): Finding[] => {
  const findings: Finding[] = [];
  const byNumber = new Map<number, CommitItem>();
  let previousHash = GENESIS_HASH;
  raws.forEach((raw, index) => {
    const number = index + 1;
    const item = commitItemOf(raw);
    if (!item) {
      findings.push({ streamId, commit: number, reason: 'Enregistrement illisible : attributs manquants ou mal formés.' });
      return;
    }
    byNumber.set(item.sk, item);
    if (item.sk !== number) findings.push({ streamId, commit: number, reason: `Enregistrement ${number} manquant (trouvé ${item.sk}).` });
    if (commitHash(raw as CommitItem) !== item.hash)
      findings.push({ streamId, commit: item.sk, reason: "L'empreinte recalculée ne correspond pas : l'enregistrement a été modifié." });
    else if (item.prevHash !== previousHash) findings.push({ streamId, commit: item.sk, reason: "L'empreinte de l'enregistrement précédent ne correspond pas." });
    previousHash = item.hash;
  });
  for (const [commit, hash] of [...digested].sort(([a], [b]) => a - b)) {
    const item = byNumber.get(commit);
    if (!item) findings.push({ streamId, commit, reason: "Enregistrement disparu depuis l'empreinte journalière." });
    else if (item.hash !== hash && !findings.some((f) => f.commit === commit))
      findings.push({ streamId, commit, reason: "L'empreinte diffère de celle de l'empreinte journalière : l'enregistrement a été réécrit." });
  }
  return findings.sort((a, b) => a.commit - b.commit);
};
