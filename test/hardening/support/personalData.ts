import type { PersonalDataEraser } from '../../../shared/retention/purge.js';

/** The purge's personal data when a test is about files only: no candidate, no hold. */
export const noPersonalData: PersonalDataEraser = {
  eraseCandidate: () => Promise.resolve(),
  holdCandidate: () => Promise.resolve(),
  candidateHolds: async function* () {},
  releaseCandidateHold: () => Promise.resolve(),
};
