import * as z from 'zod/mini';
import { mailKinds, type OutgoingMail } from './model.js';

/**
 * The body of a message on the mail retry queue, as `SqsDeadLetter` writes it: the whole mail,
 * rendered, and why its last attempt failed. Parsed by the retry function before anything is sent.
 */
const retryMessageSchema = z.object({
  mail: z.object({
    id: z.string().check(z.minLength(1)),
    kind: z.enum(mailKinds),
    causeId: z.string().check(z.minLength(1)),
    to: z.object({ key: z.string().check(z.minLength(1)), email: z.string().check(z.minLength(1)), name: z.string() }),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), content: z.string() })),
  }),
  reason: z.optional(z.string()),
}) satisfies z.ZodMiniType<{ mail: OutgoingMail; reason?: string | undefined }>;

export type RetryMessage = z.infer<typeof retryMessageSchema>;

export class MalformedRetryMessageError extends Error {
  override readonly name = 'MalformedRetryMessageError';
}

/**
 * The message, or an error naming what is wrong with it by path only: the body holds a whole mail
 * (names, addresses), and neither JSON.parse's message (it quotes the text) nor zod's input may
 * reach the logs.
 */
export const parseRetryMessage = (body: string): RetryMessage => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedRetryMessageError('message body is not JSON');
  }
  const parsed = retryMessageSchema.safeParse(json);
  if (!parsed.success) throw new MalformedRetryMessageError(`not a mail of the outbox: ${parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ')}`);
  return parsed.data;
};
