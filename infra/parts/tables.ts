import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { tableNames, tables, type KeyDefinition, type TableName } from '../../shared/platform/tables.js';
import { resourceName, type StageSettings } from '../settings.js';

const attributeType = (key: KeyDefinition) => (key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER);
const attribute = (key: KeyDefinition) => ({ name: key.name, type: attributeType(key) });

/** The tables of `shared/platform/tables.ts`, each encrypted with the data key, with point-in-time recovery. */
export const buildTables = (scope: Construct, settings: StageSettings, dataKey: Key): Record<TableName, Table> => {
  const built = {} as Record<TableName, Table>;
  for (const name of tableNames) {
    const definition = tables[name];
    const table = new Table(scope, `${name[0]?.toUpperCase()}${name.slice(1)}Table`, {
      tableName: resourceName(settings, name),
      partitionKey: attribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: settings.deletionProtection,
      removalPolicy: settings.removalPolicy,
      ...(definition.stream ? { stream: StreamViewType.NEW_IMAGE } : {}),
      ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
    });
    for (const index of definition.globalIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      });
    }
    built[name] = table;
  }
  return built;
};
