import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { ensureTables, tableNameMap, type TableNameMap } from '../../shared/platform/provision.js';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: ReturnType<typeof createDynamoClient>;
  readonly tables: TableNameMap;
  stop(): Promise<void>;
}

/**
 * Starts dynalite in this process on an ephemeral port, in memory, with every table of the
 * project created from its definitions. Each test file gets its own instance: no shared state.
 */
export const startDynalite = async (prefix = 'test'): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDynamoClient({ endpoint, maxAttempts: 3 });
  const tables = tableNameMap(prefix);
  await ensureTables(client, tables);
  return {
    endpoint,
    client,
    tables,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
};
