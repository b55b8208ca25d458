import { AppError } from '../errors.js';
import { header, type HttpEvent } from './event.js';

/** A file sent in a multipart form. */
export interface UploadedFile {
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface ParsedBody {
  readonly kind: 'json' | 'form' | 'none';
  /** The body's values; form values are strings, nested by their dotted names. */
  readonly value: unknown;
  readonly files: readonly UploadedFile[];
}

/** Bodies above this size are refused with 413 before any parsing. */
const DEFAULT_BODY_LIMIT = 256 * 1024;

/**
 * The body of a CSV import: its files take up to 2 Mo each (shared/http/schemas.ts), the RNCP
 * export's two in one request. Not API Gateway's 10 Mo: a multipart body reaches the Lambda in
 * base64 (4/3, here 5,9 Mo), which with the headers must fit the 6 Mo of a synchronous invocation.
 */
export const IMPORT_BODY_LIMIT = 4_400_000;

/** A limit as the message states it, rounded down: a body within what it says goes through. */
const frenchSize = (bytes: number) => (bytes >= 1_000_000 ? `${String(Math.floor(bytes / 100_000) / 10).replace('.', ',')} Mo` : `${Math.floor(bytes / 1024)} Ko`);

export const tooLarge = (limit: number) => new AppError('input.too-large', 'too-large', `La requête dépasse la taille autorisée (${frenchSize(limit)}).`);

export const invalid = (message: string, field = '') => new AppError('input.invalid', 'validation', message, [{ field, message }]);

/** The raw body bytes, decoded from base64 when API Gateway encoded them. */
const rawBody = (event: HttpEvent, limit = DEFAULT_BODY_LIMIT): Buffer => {
  const body = event.body ?? '';
  // A base64 string is 4/3 of its bytes: refuse early without decoding a huge string.
  if ((event.isBase64Encoded ? (body.length * 3) / 4 : Buffer.byteLength(body)) > limit + 4) throw tooLarge(limit);
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > limit) throw tooLarge(limit);
  return bytes;
};

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Turns flat form fields into nested values: `candidates.0.lastName` becomes
 * `{ candidates: [{ lastName }] }`; a name repeated (checkboxes) becomes an array. Prototype keys
 * are refused so a crafted field name cannot pollute objects.
 */
export const unflatten = (entries: Iterable<readonly [string, string]>): Record<string, unknown> => {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of entries) {
    const path = name.split('.');
    if (path.some((segment) => segment === '' || FORBIDDEN_KEYS.has(segment)) || path.length > 6) throw invalid('Nom de champ invalide.', name.slice(0, 60));
    let node: Record<string, unknown> = root;
    for (const [index, segment] of path.entries()) {
      const last = index === path.length - 1;
      if (last) {
        const existing = node[segment];
        if (existing === undefined) node[segment] = value;
        else if (Array.isArray(existing)) existing.push(value);
        else if (typeof existing === 'string') node[segment] = [existing, value];
        else throw invalid('Champ en double.', name.slice(0, 60));
      } else {
        const next = node[segment];
        if (next === undefined) {
          const created = Object.create(null) as Record<string, unknown>;
          node[segment] = created;
          node = created;
        } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
        else throw invalid('Champ en double.', name.slice(0, 60));
      }
    }
  }
  return toArrays(root) as Record<string, unknown>;
};

/** Objects whose keys are all small integers become arrays, in index order. */
const toArrays = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const converted: Record<string, unknown> = {};
  for (const key of keys) converted[key] = toArrays(record[key]);
  if (keys.length > 0 && keys.every((key) => /^\d{1,3}$/.test(key))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((index) => converted[String(index)]);
  }
  return converted;
};

/** Reads a multipart form's fields and files (shared/http/multipart.ts). */
export type MultipartReader = (bytes: Buffer, contentType: string, limit: number) => Promise<{ fields: [string, string][]; files: UploadedFile[] }>;

/**
 * Parses the body by its content type: JSON, url-encoded form, or, given a multipart reader,
 * multipart form (files kept apart). The pages pass one (their forms upload files); the JSON API
 * does not, so its bundle carries no multipart parser and a multipart body is refused there.
 * Anything else is refused with a validation message; an oversize body with 413.
 */
export const parseBody = async (event: HttpEvent, limit = DEFAULT_BODY_LIMIT, readMultipart?: MultipartReader): Promise<ParsedBody> => {
  const bytes = rawBody(event, limit);
  // The media type alone, its parameters (charset, boundary) aside: `application/jsonp` is not JSON.
  const contentType = (header(event, 'content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (bytes.length === 0) return { kind: contentType === 'application/json' ? 'json' : 'none', value: contentType === 'application/json' ? undefined : {}, files: [] };
  if (contentType === 'application/json') {
    try {
      return { kind: 'json', value: JSON.parse(bytes.toString('utf8')) as unknown, files: [] };
    } catch {
      throw invalid("Le corps de la requête n'est pas un JSON valide.");
    }
  }
  if (contentType === 'application/x-www-form-urlencoded') {
    return { kind: 'form', value: unflatten(new URLSearchParams(bytes.toString('utf8'))), files: [] };
  }
  if (contentType === 'multipart/form-data' && readMultipart) {
    const { fields, files } = await readMultipart(bytes, header(event, 'content-type') ?? '', limit);
    return { kind: 'form', value: unflatten(fields), files };
  }
  throw invalid(readMultipart ? 'Type de contenu non pris en charge : JSON, formulaire ou multipart attendu.' : 'Type de contenu non pris en charge : JSON ou formulaire attendu.');
};
