import { randomBytes } from 'node:crypto';
import type { OutgoingMail } from './model.js';

/**
 * Raw MIME for SES v2 `SendEmail` when a mail has attachments: multipart/mixed holding the
 * text/HTML alternative and the attachments, every part base64 so no line is ever too long.
 */
const encodedWord = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`);

const address = (name: string, email: string) => `${encodedWord(name.replace(/[\r\n"]/g, ' '))} <${email}>`;

const base64Lines = (content: string) =>
  (
    Buffer.from(content, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

export const buildRawMime = (mail: OutgoingMail, from: { readonly name: string; readonly email: string }, boundarySeed = randomBytes(12).toString('hex')): string => {
  const mixed = `mixed-${boundarySeed}`;
  const alternative = `alt-${boundarySeed}`;
  const lines = [
    `From: ${address(from.name, from.email)}`,
    `To: ${address(mail.to.name, mail.to.email)}`,
    `Subject: ${encodedWord(mail.subject)}`,
    'MIME-Version: 1.0',
    `X-TP-Mail-Id: ${encodedWord(mail.id)}`,
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    '',
    `--${alternative}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.text),
    `--${alternative}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.html),
    `--${alternative}--`,
  ];
  for (const attachment of mail.attachments) {
    lines.push(
      `--${mixed}`,
      `Content-Type: ${attachment.contentType}; name="${attachment.filename}"`,
      `Content-Disposition: attachment; filename="${attachment.filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(attachment.content),
    );
  }
  lines.push(`--${mixed}--`, '');
  return lines.join('\r\n');
};
