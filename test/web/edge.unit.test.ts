import { describe, expect, it } from 'vitest';
import { parseBody, unflatten } from '../../shared/http/body.js';
import { parseMultipart } from '../../shared/http/multipart.js';
import { httpEdge } from '../../shared/http/edge.js';
import { coerceForm, parseInput } from '../../shared/http/validation.js';
import type { AppError } from '../../shared/errors.js';
import { schemas } from '../../shared/http/schemas.js';
import { escapeHtml, html, raw } from '../../shared/web/html.js';
import { frenchDate } from '../../shared/web/format.js';
import { httpEvent } from './support/app.js';
import type { Context } from 'aws-lambda';

const context = { getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('body parsing', () => {
  it('given a url-encoded form with dotted and repeated names, when parsed, then values nest and repeat as arrays', async () => {
    const parsed = await parseBody(
      httpEvent({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a.0.b=1&a.1.b=2&c=x&c=y&d=%3Cscript%3E' }),
    );
    expect(parsed).toEqual({ kind: 'form', value: { a: [{ b: '1' }, { b: '2' }], c: ['x', 'y'], d: '<script>' }, files: [] });
  });

  it('given a base64 body from API Gateway, when parsed, then it is decoded', async () => {
    const parsed = await parseBody(
      httpEvent({ method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"é":1}').toString('base64'), base64: true }),
    );
    expect(parsed.value).toEqual({ é: 1 });
  });

  it('given a multipart form with a file, when parsed, then fields and the file come apart', async () => {
    const boundary = 'XyZ';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="site"',
      '',
      'Lyon',
      `--${boundary}`,
      'Content-Disposition: form-data; name="candidatesCsv"; filename="c.csv"',
      'Content-Type: text/csv',
      '',
      'nom;prénom',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const event = httpEvent({ method: 'POST', path: '/', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    const parsed = await parseBody(event, undefined, parseMultipart);
    expect(parsed.value).toEqual({ site: 'Lyon' });
    expect(parsed.files[0]?.content.toString()).toBe('nom;prénom');
    // The JSON API passes no multipart reader: the same form is refused there, in French.
    await expect(parseBody(event)).rejects.toMatchObject({ category: 'validation', fields: [{ message: 'Type de contenu non pris en charge : JSON ou formulaire attendu.' }] });
  });

  const multipart = (parts: readonly (readonly [string, string])[], extraFiles = 0) => {
    const boundary = 'B0und';
    const lines = parts.flatMap(([name, value]) => [`--${boundary}`, `Content-Disposition: form-data; name="${name}"`, '', value]);
    for (let index = 0; index < extraFiles; index += 1)
      lines.push(`--${boundary}`, `Content-Disposition: form-data; name="f${index}"; filename="f${index}.csv"`, 'Content-Type: text/csv', '', 'a;b');
    lines.push(`--${boundary}--`, '');
    return httpEvent({ method: 'POST', path: '/', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: lines.join('\r\n') });
  };

  it.each([
    ['a field value over 64 KB', multipart([['site', 'x'.repeat(64 * 1024 + 1)]]), 'site', 'Ce champ dépasse 64 Ko.'],
    ['more than 2,000 fields', multipart(Array.from({ length: 2001 }, (_, index) => [`f${index}`, 'v'] as const)), '', 'Le formulaire compte plus de 2000 champs.'],
    ['more than 5 files', multipart([], 6), '', 'Le formulaire joint plus de 5 fichiers.'],
  ])('given a multipart form with %s, when parsed, then it is refused with a French message instead of being silently cut', async (_name, event, field, message) => {
    await expect(parseBody(event, undefined, parseMultipart)).rejects.toMatchObject({ category: 'validation', fields: [{ field, message }] });
  });

  it('given a multipart field of exactly 64 KB, when parsed, then it is kept whole', async () => {
    const parsed = await parseBody(multipart([['site', 'x'.repeat(64 * 1024)]]), undefined, parseMultipart);
    expect((parsed.value as { site: string }).site).toHaveLength(64 * 1024);
  });

  it.each([
    ['malformed JSON', 'application/json', '{"a":', 400],
    ['an unknown content type', 'text/plain', 'hello', 400],
    ['a prototype-polluting field name', 'application/x-www-form-urlencoded', '__proto__.x=1', 400],
    ['a body over the limit', 'application/json', JSON.stringify({ a: 'x'.repeat(300_000) }), 413],
  ])('given %s, when parsed, then the edge answers %s in French', async (_name, contentType, body, status) => {
    const handler = httpEdge(async (event) => {
      await parseBody(event);
      return { statusCode: 200, headers: {}, body: '' };
    });
    const response = await handler(httpEvent({ method: 'POST', path: '/', headers: { 'content-type': contentType }, body }), context);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body).error.message).toMatch(/[éèàû]|requête|champ|contenu/i);
    expect({}.constructor.prototype).not.toHaveProperty('x');
  });

  it('never builds more than a flat object from hostile names', () => {
    expect(() => unflatten([['constructor.prototype.x', '1']])).toThrow();
  });
});

describe('the edge', () => {
  it('given an unexpected failure, when answering, then a 500 with a generic French message and a correlation id, never the raw error', async () => {
    const handler = httpEdge(async () => {
      throw new Error('secret internals: table tp-events');
    });
    const response = await handler(httpEvent({ path: '/' }), context);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    const error = JSON.parse(response.body).error;
    expect(error.message).toMatch(/erreur inattendue/);
    expect(error.correlationId).toMatch(/^req-/);
  });

  it('puts the security headers on every answer, errors included', async () => {
    const handler = httpEdge(async () => {
      throw new Error('boom');
    });
    const response = await handler(httpEvent({ path: '/' }), context);
    const csp = response.headers['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('form coercion', () => {
  it('turns form strings into what the JSON schema takes: numbers, checkboxes, arrays, French dates, empty optionals', () => {
    expect(coerceForm(schemas.checkPlateau, { durationMinutes: '60', jurorIds: 'jur_a-1', compliant: 'true', remarks: '' })).toEqual({
      durationMinutes: 60,
      jurorIds: ['jur_a-1'],
      compliant: true,
    });
    expect(coerceForm(schemas.checkSeals, { presentCandidateIds: ['cand_a-1', 'cand_b-2'] })).toEqual({ presentCandidateIds: ['cand_a-1', 'cand_b-2'], sealsIntact: false });
    expect(coerceForm(schemas.notifySanction, { pronouncedOn: '29/02/2028' })).toMatchObject({ pronouncedOn: '2028-02-29' });
  });

  // Zero-width space, non-joiner, joiner, word joiner and BOM: nothing shows, so nothing was filled in.
  const invisible = ['\u200B', ' \u200C\u200D ', '\u2060\uFEFF', '\u200B\u00A0\u200B'];

  it.each(invisible)('refuses a required text of invisible characters only (%j) with the message an empty field gets, from the API and from a form', (value) => {
    const fieldOf = (input: unknown) => {
      try {
        parseInput(schemas.rejectPv, input);
      } catch (error) {
        return (error as AppError).fields.find((field) => field.field === 'reason')?.message;
      }
      return 'accepté';
    };
    expect(fieldOf({ reason: '' })).toBe('Ce champ est obligatoire.');
    expect(fieldOf({ reason: value })).toBe('Ce champ est obligatoire.');
    expect(fieldOf(coerceForm(schemas.rejectPv, { reason: value }))).toBe('Ce champ est obligatoire.');
  });

  it.each(invisible)('takes an optional text of invisible characters only (%j), typed in a form, as left empty', (value) => {
    expect(coerceForm(schemas.withdrawCandidate, { reason: value })).toEqual({});
  });

  it('keeps a text that shows something beside invisible characters', () => {
    expect(parseInput(schemas.rejectPv, { reason: '\u200BPV illisible\u200D' })).toEqual({ reason: '\u200BPV illisible\u200D' });
  });
});

describe('html', () => {
  it('escapes every interpolated value unless it was built by the tag', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p title="${name}">${name}</p>`.value).toBe('<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    expect(html`<div>${html`<b>${'&'}</b>`}${raw('<hr>')}${[1, 2]}${undefined}${false}</div>`.value).toBe('<div><b>&amp;</b><hr>12</div>');
    expect(escapeHtml("`'")).toBe('&#96;&#39;');
  });

  it('shows dates dd/mm/yyyy, instants as their day in Paris', () => {
    expect(frenchDate('2027-03-04')).toBe('04/03/2027');
    expect(frenchDate(new Date('2027-03-04T23:30:00Z'))).toBe('05/03/2027');
  });
});
