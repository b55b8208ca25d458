import { DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Addresses SES reported as permanently bouncing or complaining. Sending to them again harms the
 * sender's reputation (and SES may pause the account), so the delivery parks such mails instead.
 * Kept in the personal-data table (an address is personal data: erasable there), keyed by the
 * lower-cased address.
 */
export interface SuppressionList {
  isSuppressed(email: string): Promise<boolean>;
  suppress(email: string, reason: SuppressionReason, at: Date): Promise<void>;
  clear(email: string): Promise<boolean>;
}

export type SuppressionReason = 'bounce' | 'complaint';

const keyOf = (email: string) => ({ pk: { S: `suppressed#${email.trim().toLowerCase()}` }, sk: { S: 'suppression' } });

export class DynamoSuppressionList implements SuppressionList {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async isSuppressed(email: string): Promise<boolean> {
    if (!email) return false;
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: keyOf(email), ConsistentRead: true }));
    return Item !== undefined;
  }

  async suppress(email: string, reason: SuppressionReason, at: Date): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: { ...keyOf(email), reason: { S: reason }, markedAt: { S: at.toISOString() } } }));
  }

  async clear(email: string): Promise<boolean> {
    const { Attributes } = await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: keyOf(email), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }
}

/** The part of an SES event (EventBridge `detail`) that says who bounced or complained. */
export interface SesFeedbackDetail {
  readonly eventType?: string;
  readonly bounce?: { readonly bounceType?: string; readonly bouncedRecipients?: readonly { readonly emailAddress?: string }[] };
  readonly complaint?: { readonly complainedRecipients?: readonly { readonly emailAddress?: string }[] };
}

/**
 * Which addresses an SES bounce or complaint marks: every complainer, and the recipients of a
 * permanent bounce. A transient bounce (mailbox full, server busy) marks nobody: SES retries it.
 */
export const addressesToSuppress = (detail: SesFeedbackDetail): { email: string; reason: SuppressionReason }[] => {
  if (detail.eventType === 'Complaint') {
    return (detail.complaint?.complainedRecipients ?? []).flatMap((r) => (r.emailAddress ? [{ email: r.emailAddress, reason: 'complaint' as const }] : []));
  }
  if (detail.eventType === 'Bounce' && detail.bounce?.bounceType === 'Permanent') {
    return (detail.bounce.bouncedRecipients ?? []).flatMap((r) => (r.emailAddress ? [{ email: r.emailAddress, reason: 'bounce' as const }] : []));
  }
  return [];
};
