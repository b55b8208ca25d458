import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tableNames } from '../../shared/platform/tables.js';
import { startDynalite, type LocalDynamo } from './dynalite.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => dynamo.stop());

it('creates every table of the definitions in dynalite, reachable through the real SDK', async () => {
  const { TableNames } = await dynamo.client.send(new ListTablesCommand({}));
  expect(TableNames?.sort()).toEqual(tableNames.map((n) => dynamo.tables[n]).sort());
});
