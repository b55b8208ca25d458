/** The pure domain of tp-sessions: deciders, calendar, draw by lot, deadlines, results, errors. */
export * from './agrement.js';
export * from './calendar.js';
export * from './decider.js';
export * from './deadlines.js';
export * from './draw.js';
export * from './errors.js';
export * from './juror.js';
export * from './programme.js';
export * from './results.js';
export * from './session.js';
export * from './titres.js';
export * from './titreRegister.js';
