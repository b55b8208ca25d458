import { mailKinds, type MailKind, type OutgoingMail } from './model.js';

/**
 * The body of a message on the mail retry queue, as `SqsDeadLetter` writes it: the whole mail,
 * rendered, and why its last attempt failed. Parsed by the retry function before anything is sent.
 *
 * The queue holds what the notifier and the deadline run wrote (only they may send to it), so the
 * check is written out here rather than with zod, which this function would carry for this one
 * shape (16 KB of its cold start, issue 16), as the stream consumers read commits without a schema.
 * It is still a full check: a malformed message fails alone, and after its receives SQS's redrive
 * queue keeps it for a person to look at.
 */
export interface RetryMessage {
  readonly mail: OutgoingMail;
  readonly reason?: string;
}

export class MalformedRetryMessageError extends Error {
  override readonly name = 'MalformedRetryMessageError';
}

type Fields = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a message, noting the path of every value that is not what it should be. What is inside
 * a value already noted (the fields of a `mail` that is not an object) is not noted again.
 */
class Reader {
  readonly wrong: string[] = [];

  object(value: unknown, path: string): Fields | undefined {
    if (isObject(value)) return value;
    this.wrong.push(path);
    return undefined;
  }

  string(fields: Fields | undefined, key: string, path: string, options: { readonly nonEmpty?: boolean } = {}): string {
    const value = fields?.[key];
    if (typeof value === 'string' && !(options.nonEmpty && value === '')) return value;
    if (fields) this.wrong.push(`${path}${key}`);
    return '';
  }

  kind(fields: Fields | undefined, path: string): MailKind {
    const value = fields?.kind;
    if ((mailKinds as readonly unknown[]).includes(value)) return value as MailKind;
    if (fields) this.wrong.push(`${path}kind`);
    return mailKinds[0];
  }

  array(fields: Fields | undefined, key: string, path: string): readonly unknown[] {
    const value = fields?.[key];
    if (Array.isArray(value)) return value;
    if (fields) this.wrong.push(`${path}${key}`);
    return [];
  }
}

const readMail = (reader: Reader, value: unknown): OutgoingMail => {
  const mail = reader.object(value, 'mail');
  const to = mail && reader.object(mail.to, 'mail.to');
  // Only the known fields are kept, whatever else the body holds.
  return {
    id: reader.string(mail, 'id', 'mail.', { nonEmpty: true }),
    kind: reader.kind(mail, 'mail.'),
    causeId: reader.string(mail, 'causeId', 'mail.', { nonEmpty: true }),
    to: {
      key: reader.string(to, 'key', 'mail.to.', { nonEmpty: true }),
      email: reader.string(to, 'email', 'mail.to.', { nonEmpty: true }),
      name: reader.string(to, 'name', 'mail.to.'),
    },
    subject: reader.string(mail, 'subject', 'mail.'),
    text: reader.string(mail, 'text', 'mail.'),
    html: reader.string(mail, 'html', 'mail.'),
    attachments: reader.array(mail, 'attachments', 'mail.').map((item, index) => {
      const path = `mail.attachments.${index}`;
      const attachment = reader.object(item, path);
      return {
        filename: reader.string(attachment, 'filename', `${path}.`),
        contentType: reader.string(attachment, 'contentType', `${path}.`),
        content: reader.string(attachment, 'content', `${path}.`),
      };
    }),
  };
};

/**
 * The message, or an error naming what is wrong with it by path only: the body holds a whole mail
 * (names, addresses), and neither JSON.parse's message (it quotes the text) nor any value of the
 * body may reach the logs.
 */
export const parseRetryMessage = (body: string): RetryMessage => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedRetryMessageError('message body is not JSON');
  }
  const wrong = (paths: readonly string[]) => new MalformedRetryMessageError(`not a mail of the outbox: ${paths.join(', ')}`);
  if (!isObject(json)) throw wrong(['(root)']);
  const reader = new Reader();
  const mail = readMail(reader, json.mail);
  const reason = json.reason;
  if (reason !== undefined && typeof reason !== 'string') reader.wrong.push('reason');
  if (reader.wrong.length > 0) throw wrong(reader.wrong);
  return typeof reason === 'string' ? { mail, reason } : { mail };
};
