import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Recipients } from '../mail/recipients.js';
import { tablesFromEnv } from '../platform/wiring.js';
import { loadDirectory } from './directory.js';
import { DynamoContactBook } from './dynamoContacts.js';

/**
 * Who receives the mails, for the notifier and the deadline run: the units from the directory
 * (`UNIT_DIRECTORY_JSON`, optional overrides) and the centres and jurors from the contact book
 * (`PERSONAL_DATA_TABLE_NAME`). Read once at cold start.
 */
export const recipientsFromEnv = (dynamo: DynamoDBClient, source: NodeJS.ProcessEnv = process.env): Recipients =>
  new Recipients(loadDirectory(source), new DynamoContactBook(dynamo, tablesFromEnv(['personalData'], source).personalData));
