export * from './contacts.js';
export * from './directory.js';
export * from './dynamoContacts.js';
