export * from './contacts.js';
export * from './directory.js';
