import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Contact, ContactBook, PartyKind } from './contacts.js';

/**
 * Contacts read from the personal-data table (shared/personalData writes candidates and jurors as
 * `pk` = their id, `sk` = `identity`, with `firstName`, `lastName`, `email`). Centres' mailboxes
 * are kept in the same table under `pk` = centre id, `sk` = `contact` (written by
 * `saveCentreContact`: an admin page or the offline seed).
 */
export class DynamoContactBook implements ContactBook {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async contactOf(kind: PartyKind, id: string): Promise<Contact | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: id }, sk: { S: kind === 'centre' ? 'contact' : 'identity' } } }));
    const email = Item?.email?.S;
    if (!email) return undefined;
    const displayName = Item.displayName?.S ?? [Item.firstName?.S, Item.lastName?.S].filter(Boolean).join(' ');
    return { email, displayName: displayName || email };
  }

  async nameOf(_kind: 'juror' | 'candidate', id: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: id }, sk: { S: 'identity' } }, ProjectionExpression: 'firstName, lastName' }),
    );
    const name = [Item?.firstName?.S, Item?.lastName?.S].filter(Boolean).join(' ');
    return name || undefined;
  }

  async saveCentreContact(centreId: string, contact: Contact): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: { pk: { S: centreId }, sk: { S: 'contact' }, email: { S: contact.email }, displayName: { S: contact.displayName } } }),
    );
  }
}
