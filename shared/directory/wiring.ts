import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Recipients } from '../mail/recipients.js';
import { loadDirectory } from './directory.js';
import { DynamoContactBook } from './dynamoContacts.js';

/** Who mails go to: the directory of units (from the environment) and the contact book (personalData). */
export const recipientsOf = (dynamo: DynamoDBClient, tables: { readonly personalData: string }, env: NodeJS.ProcessEnv): Recipients =>
  new Recipients(loadDirectory(env), new DynamoContactBook(dynamo, tables.personalData));
