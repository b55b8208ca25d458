import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventDefinitions } from '../../events/index.js';
import type { StoredEvent } from '../../events/index.js';
import { MASKED, toCloudEvent, type HistoryReaderView } from '../../shared/history/cloudEvents.js';
import { CSV_COLUMNS, csvCell, csvHeader, csvRows, exportPage, ndjsonRows, UTF8_BOM } from '../../shared/history/export.js';

const stored = (overrides: Partial<StoredEvent> = {}): StoredEvent =>
  ({
    id: '01JQ0000000000000000000001',
    streamId: 'session-ses_lyon-a',
    version: 3,
    schemaVersion: 1,
    occurredAt: '2027-03-01T09:00:00.000Z',
    recordedAt: '2027-03-01T09:00:01.000Z',
    actor: { role: 'centre', id: 'usr_centre-lyon', scope: { centreId: 'ctr_lyon-formation' } },
    scope: { centreId: 'ctr_lyon-formation', department: '69', region: '84' },
    correlationId: 'corr-1',
    causationId: 'cause-1',
    type: 'FraudReported',
    data: { candidateId: 'cand_c-1', reportedBy: 'jury', reportedOn: '2027-03-01', facts: '=HYPERLINK("http://evil") ; "copie"\nvue' },
    ...overrides,
  }) as StoredEvent;

/** A reader of the role who may still read every candidate's identity. */
const as = (role: HistoryReaderView['role']): HistoryReaderView => ({ role, identifies: () => true });

/** Minimal RFC 4180 reader, to check that what we write reads back cell for cell. */
const parseCsv = (text: string, separator: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += char;
  }
  return rows;
};

describe('CSV export', () => {
  it('starts with a UTF-8 BOM and the header, semicolon-separated by default', () => {
    const text = exportPage([toCloudEvent(stored(), as('centre'))], { format: 'csv', separator: ';', first: true });
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    expect(Buffer.from(text, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(text.slice(1).split('\r\n')[0]).toBe(CSV_COLUMNS.join(';'));
  });

  it('writes neither BOM nor header on the following pages, so pages concatenate into one file', () => {
    const page = exportPage([toCloudEvent(stored(), as('centre'))], { format: 'csv', separator: ';', first: false });
    expect(page.startsWith(UTF8_BOM)).toBe(false);
    expect(page.startsWith('01JQ')).toBe(true);
  });

  it('separates with commas when asked, and every row has as many cells as the header', () => {
    const text = csvHeader(',') + csvRows([toCloudEvent(stored(), as('centre')), toCloudEvent(stored({ id: '01JQ0000000000000000000002' }), as('ud'))], ',');
    const rows = parseCsv(text.slice(1), ',');
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
  });

  it('quotes cells holding the separator, quotes or line breaks (RFC 4180) and reads back identical', () => {
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('a;b', ',')).toBe('a;b');
    expect(csvCell('dit "non"', ';')).toBe('"dit ""non"""');
    expect(csvCell('ligne\nsuivante', ';')).toBe('"ligne\nsuivante"');
    const text = csvRows([toCloudEvent(stored(), as('centre'))], ';');
    const [row] = parseCsv(text, ';');
    const data = JSON.parse(row?.[CSV_COLUMNS.indexOf('donnees')] ?? '') as { facts: string };
    expect(data.facts).toBe('=HYPERLINK("http://evil") ; "copie"\nvue');
  });

  it('defuses cells a spreadsheet would run as a formula by prefixing a quote', () => {
    for (const dangerous of ['=1+1', '+33 6', '-2', '@SUM(A1)', '\tx']) expect(csvCell(dangerous, ';').replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('Lyon', ';')).toBe('Lyon');
    const row = parseCsv(csvRows([toCloudEvent(stored({ actor: { role: 'centre', id: '=cmd|calc', scope: {} } }), as('centre'))], ';'), ';')[0];
    expect(row?.[CSV_COLUMNS.indexOf('acteur')]).toBe("'=cmd|calc");
  });

  it('gives the French label of the event type', () => {
    const row = parseCsv(csvRows([toCloudEvent(stored(), as('centre'))], ';'), ';')[0];
    expect(row?.[CSV_COLUMNS.indexOf('libelle')]).toBe('Fraude signalée');
  });
});

describe('NDJSON export', () => {
  it('writes one CloudEvent per line, each line a JSON document ending with a newline', () => {
    const events = [toCloudEvent(stored(), as('centre')), toCloudEvent(stored({ id: '01JQ0000000000000000000002' }), as('centre'))];
    const text = ndjsonRows(events);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(['01JQ0000000000000000000001', '01JQ0000000000000000000002']);
  });
});

describe('CloudEvents form', () => {
  it('carries the required attributes and the actor and correlation extensions', () => {
    const event = toCloudEvent(stored(), as('centre'));
    expect(event).toMatchObject({
      specversion: '1.0',
      id: '01JQ0000000000000000000001',
      source: '/tp-sessions/session',
      type: 'FraudReported',
      time: '2027-03-01T09:00:00.000Z',
      subject: 'session-ses_lyon-a',
      datacontenttype: 'application/json',
      actorrole: 'centre',
      actorid: 'usr_centre-lyon',
      correlationid: 'corr-1',
      causationid: 'cause-1',
      streamversion: 3,
    });
    for (const name of Object.keys(event)) expect(name).toMatch(/^[a-z0-9]{1,20}$/);
  });

  it('names as dataschema an absolute URI (CloudEvents 1.0 « Type: URI »): the $id of the event’s published JSON Schema', () => {
    for (const definition of eventDefinitions) {
      const published = JSON.parse(readFileSync(new URL(`../../docs/events/schemas/${definition.type}.json`, import.meta.url), 'utf8')) as { $id: string };
      const event = toCloudEvent(stored({ type: definition.type, schemaVersion: definition.schemaVersion } as Partial<StoredEvent>), as('centre'));
      expect(URL.canParse(event.dataschema), event.dataschema).toBe(true);
      expect(event.dataschema).toBe(published.$id);
    }
  });

  it('masks candidate free text for the regional admin but not for the centre or the UD', () => {
    expect((toCloudEvent(stored(), as('region')).data as { facts: string }).facts).toBe(MASKED);
    expect((toCloudEvent(stored(), as('ud')).data as { facts: string }).facts).toContain('HYPERLINK');
    expect((toCloudEvent(stored(), as('centre')).data as { candidateId: string }).candidateId).toBe('cand_c-1');
  });

  it('masks candidate free text for the UD and the centre too once the candidate’s identity is erased', () => {
    const erased: HistoryReaderView = { role: 'ud', identifies: (candidateId) => candidateId !== 'cand_c-1' };
    expect((toCloudEvent(stored(), erased).data as { facts: string }).facts).toBe(MASKED);
    expect((toCloudEvent(stored(), { ...erased, role: 'centre' }).data as { facts: string }).facts).toBe(MASKED);
    expect((toCloudEvent(stored({ data: { candidateId: 'cand_c-2', reason: 'Mme Durand' } as never, type: 'CandidateWithdrawn' }), erased).data as { reason: string }).reason).toBe(
      'Mme Durand',
    );
  });
});
