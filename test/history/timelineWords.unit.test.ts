import { describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import { principalFromClaims } from '../../shared/auth/principal.js';
import { catalogueEnumValues, valueLabel } from '../../shared/history/fieldLabels.js';
import type { SessionTimeline } from '../../shared/history/service.js';
import { timelinePage } from '../../shared/history/timelinePage.js';
import { readers } from './fixtures.js';

/*
 * The timeline speaks in words: the codes the catalogue spells its values with (an enum, a breach
 * rule) read as French, not as `session-manager` or `not-pdf`.
 */

const stored = (event: DomainEvent, n: number): StoredEvent =>
  ({
    id: `01JQ00000000000000000000${String(n).padStart(2, '0')}`,
    streamId: 'session-ses_lyon-words',
    version: n,
    schemaVersion: 1,
    occurredAt: '2027-03-01T09:00:00.000Z',
    recordedAt: '2027-03-01T09:00:01.000Z',
    actor: { role: 'centre', id: 'usr_centre-lyon', scope: { centreId: 'ctr_lyon-formation' } },
    scope: { centreId: 'ctr_lyon-formation', department: '69', region: '84' },
    correlationId: 'corr-1',
    causationId: 'cause-1',
    ...event,
  }) as StoredEvent;

const page = (events: readonly DomainEvent[]): string => {
  const timeline: SessionTimeline = {
    sessionId: 'ses_lyon-words',
    streamId: 'session-ses_lyon-words',
    scope: { centreId: 'ctr_lyon-formation', department: '69', region: '84' },
    events: events.map(stored),
    verification: { ok: true, commits: events.length },
    documents: new Map(),
    // The withdrawn candidate's identity is kept: the centre reads the reason written about them.
    names: new Map([['cand_c-2', 'Hugo Petit']]),
  };
  return timelinePage(principalFromClaims(readers.centreLyon), timeline)
    .value.replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
};

describe('the timeline’s words for coded values', () => {
  it('has a French word for every value of every enumerated field of the catalogue', () => {
    const values = catalogueEnumValues();
    expect(values).toEqual(
      expect.arrayContaining([
        { type: 'FraudReported', field: 'reportedBy', value: 'session-manager' },
        { type: 'PVDocumentQuarantined', field: 'reason', value: 'not-pdf' },
        { type: 'PVSigned', field: 'decision', value: 'echec' },
      ]),
    );
    expect(values.filter(({ type, field, value }) => valueLabel(type, field, value) === undefined)).toEqual([]);
  });

  it('says who reported a fraud, why a PV file was refused and which rule a breach broke, in French', () => {
    const text = page([
      { type: 'FraudReported', data: { candidateId: 'cand_c-1', reportedBy: 'session-manager', reportedOn: '2027-03-01', facts: 'Téléphone allumé.' } },
      { type: 'PVDocumentQuarantined', data: { objectKey: 'pv/ses_lyon-words/1.pdf', reason: 'not-pdf' } },
      { type: 'BreachRecorded', data: { rule: 'session.creation-late', dueOn: '2027-03-01', doneOn: '2027-03-05' } },
      { type: 'CandidateWithdrawn', data: { candidateId: 'cand_c-2', reason: 'not-pdf' } },
    ]);
    expect(text).toContain('Signalé par : le responsable de session');
    expect(text).toContain('Motif : le fichier n’est pas un PDF');
    expect(text).toContain('Règle : session créée dans CERES moins de trois mois avant son début');
    expect(text).not.toMatch(/session-manager|session\.creation-late/);
    // A person's free text is shown as written, even when it happens to spell a code.
    expect(text).toContain('Motif : not-pdf');
  });
});
