import { createHash } from 'node:crypto';

/**
 * The draw by lot of the seal check (day one): reproducible and fair. The seed is recorded in the
 * SealsChecked event with the list of present candidates, so anyone can replay the draw.
 *
 * Index: SHA-256 of `<seed>:<round>` read as eight 32-bit big-endian words; the first word below
 * the largest multiple of `count` that fits in 2^32 gives `word % count` (rejection sampling, so
 * every index has exactly the same probability); when all eight are rejected, the next round.
 */
export const drawIndex = (seed: string, count: number): number => {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`Cannot draw among ${count} candidates`);
  const limit = Math.floor(2 ** 32 / count) * count;
  for (let round = 0; ; round += 1) {
    const digest = createHash('sha256').update(`${seed}:${round}`).digest();
    for (let offset = 0; offset < digest.length; offset += 4) {
      const word = digest.readUInt32BE(offset);
      if (word < limit) return word % count;
    }
  }
};

/**
 * The candidate drawn among those present. The ids are sorted first, so the result depends on the
 * set of present candidates and the seed, not on the order in which they were ticked.
 */
export const drawCandidate = (seed: string, presentCandidateIds: readonly string[]): string => {
  const sorted = [...new Set(presentCandidateIds)].sort();
  const drawn = sorted[drawIndex(seed, sorted.length)];
  if (drawn === undefined) throw new RangeError('No candidate to draw');
  return drawn;
};

/** The method, in French, as the replay page and API show it next to the result. */
export const DRAW_METHOD =
  'Les identifiants des candidats présents sont triés. L’empreinte SHA-256 de « graine:0 » est lue comme huit entiers de 32 bits ; le premier inférieur au plus grand multiple du nombre de candidats qui tient dans 2^32 donne le rang du candidat tiré (reste de sa division par ce nombre). Si aucun ne convient, on recommence avec « graine:1 », et ainsi de suite.';

/** A recorded draw replayed: the candidate the seed gives again, and whether it is the one recorded. */
export const replayDraw = (recorded: { readonly seed: string; readonly presentCandidateIds: readonly string[]; readonly drawnCandidateId: string }) => {
  const replayedCandidateId = drawCandidate(recorded.seed, recorded.presentCandidateIds);
  return { replayedCandidateId, same: replayedCandidateId === recorded.drawnCandidateId };
};
