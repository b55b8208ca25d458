import Busboy from 'busboy';
import { invalid, tooLarge, type MultipartReader, type UploadedFile } from './body.js';

/**
 * Multipart forms (the pages' file uploads: a PV, a CSV import), read with busboy. Only the pages
 * function imports this module: the JSON API takes JSON and url-encoded bodies.
 */
const FILES_LIMIT = 5;
const FIELDS_LIMIT = 2000;
// Busboy marks a value that reaches its limit as cut, even when nothing followed: one byte of slack.
const FIELD_LIMIT = 64 * 1024;

export const parseMultipart: MultipartReader = (bytes, contentType, limit) =>
  new Promise((resolve, reject) => {
    const fields: [string, string][] = [];
    const files: UploadedFile[] = [];
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({ headers: { 'content-type': contentType }, limits: { fileSize: limit, files: FILES_LIMIT, fields: FIELDS_LIMIT, fieldSize: FIELD_LIMIT + 1 } });
    } catch {
      reject(invalid('Formulaire multipart mal formé.'));
      return;
    }
    // Busboy truncates silently at its limits: a cut value or a dropped field would be taken as
    // what the user typed, so any limit reached refuses the whole form.
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) reject(invalid(`Ce champ dépasse ${FIELD_LIMIT / 1024} Ko.`, name));
      else fields.push([name, value]);
    });
    parser.on('fieldsLimit', () => reject(invalid(`Le formulaire compte plus de ${FIELDS_LIMIT} champs.`)));
    parser.on('filesLimit', () => reject(invalid(`Le formulaire joint plus de ${FILES_LIMIT} fichiers.`)));
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => reject(tooLarge(limit)));
      stream.on('end', () => files.push({ field, filename: info.filename ?? '', contentType: info.mimeType, content: Buffer.concat(chunks) }));
    });
    parser.on('error', () => reject(invalid('Formulaire multipart mal formé.')));
    parser.on('close', () => resolve({ fields, files }));
    parser.end(bytes);
  });
