import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStreamReader } from '../eventStore/streamReader.js';
import { DynamoViewWriter } from './viewWriter.js';
import { Projector } from './projector.js';

/** The projector: the views table, and the events table it folds streams from. */
export const projectorOf = (dynamo: DynamoDBClient, tables: { readonly events: string; readonly views: string }): Projector =>
  new Projector(new DynamoViewWriter(dynamo, tables.views), new DynamoStreamReader({ client: dynamo, tables }));
