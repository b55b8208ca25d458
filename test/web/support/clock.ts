import type { Clock } from '../../../shared/platform/clock.js';

/** A clock the test moves: the session's days come one after the other. */
export const movableClock = (start: string): Clock & { set(instant: string): void } => {
  let current = new Date(start);
  return { now: () => new Date(current), set: (instant) => (current = new Date(instant)) };
};
