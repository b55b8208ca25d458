export * from './catalogue.js';
export * from './define.js';
export * from './envelope.js';
export * from './primitives.js';
export * from './versions.js';
