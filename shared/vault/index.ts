export * from './intake.js';
export * from './vault.js';
export * from './uploadLinks.js';
