/**
 * The system's clock. In AWS it is the real time. The offline runtime can move it forward
 * (`npm start -- --now 2027-01-20`, or the control on the admin page) so that a deadline mail due
 * in three months can be seen today; functions therefore ask this clock, never `new Date()`.
 */
export interface Clock {
  now(): Date;
}

let offsetMs = 0;

export const systemClock: Clock = {
  now: () => new Date(Date.now() + offsetMs),
};

/** Offline runtime only: shifts the clock so that `now()` returns `target` at this instant. */
export const setClockTo = (target: Date): void => {
  offsetMs = target.getTime() - Date.now();
};

/** Offline runtime only: the current shift, in milliseconds. */
export const clockOffsetMs = (): number => offsetMs;

/** A clock frozen at one instant, for tests. */
export const fixedClock = (instant: Date | string): Clock => {
  const at = new Date(instant);
  return { now: () => new Date(at) };
};
