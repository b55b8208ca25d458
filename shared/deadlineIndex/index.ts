export * from './dynamoDeadlines.js';
export * from './planner.js';
export * from './run.js';
