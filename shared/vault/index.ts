export * from './intake.js';
export * from './vault.js';
