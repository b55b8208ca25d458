import { randomBytes } from 'node:crypto';
import type { OutgoingMail } from './model.js';

/**
 * Raw MIME for SES v2 `SendEmail` when a mail has attachments: multipart/mixed holding the
 * text/HTML alternative and the attachments, every part base64 so no line is ever too long.
 */

/**
 * UTF-8 bytes per encoded word: 36 give 48 base64 characters, a word of 60 (RFC 2047 §2: at most
 * 75), on a line of at most 76 after the header's name (`Subject: `).
 */
const WORD_BYTES = 36;

/**
 * A header value as it is, or, when not plain ASCII, as encoded words folded one a line. Whole
 * characters in each word: a multi-byte character is never split across two (RFC 2047 §5).
 */
const encodedWord = (value: string) => {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const character of value) {
    if (Buffer.byteLength(chunk + character) > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
};

/** An ASCII display name with one of RFC 5322's specials (a comma would read as two addresses), quoted. */
const SPECIALS = /[()<>[\]:;@\\,.]/;

/** `Name <email>`; the address on a line of its own when it would make the name's last line longer than 76. */
const address = (name: string, email: string) => {
  const plain = name.replace(/[\r\n"]/g, ' ');
  const display = /^[\x20-\x7e]*$/.test(plain) && SPECIALS.test(plain) ? `"${plain.replace(/\\/g, '\\\\')}"` : encodedWord(plain);
  const last = display.slice(display.lastIndexOf('\n') + 1);
  return `${display}${'From: '.length + last.length + email.length + 3 > 76 ? '\r\n ' : ' '}<${email}>`;
};

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
