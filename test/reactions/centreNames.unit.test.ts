import { describe, expect, it } from 'vitest';
import { domainEventSchema, type DomainEvent } from '../../events/index.js';
import type { CentreNameMark } from '../../shared/views/model.js';
import { jurorSessionsOf, projectAll } from '../../shared/views/projection.js';
import { Projector, type ViewsStore } from '../../shared/views/projector.js';
import { sessionCreated, stored } from './fixtures.js';

/*
 * The centre's name in the read models: folded from SessionCreated and ProgrammeSubmitted when they
 * carry one, absent otherwise (events recorded before names existed still parse and project), and
 * handed to the centre markers with the event's id so the newest name wins.
 */

const named = (event: DomainEvent, centreName: string): DomainEvent => ({ ...event, data: { ...event.data, centreName } }) as DomainEvent;

const planned: DomainEvent = {
  type: 'SessionPlanned',
  data: { plannedSessionId: 'pln_a', centreId: 'ctr_lyon-1', year: 2027, titreCode: 'RNCP37274', expectedStart: '2027-03-15', expectedEnd: '2027-03-16', expectedCandidates: 8 },
};
const submitted = (revision: number, centreName?: string): DomainEvent => ({
  type: 'ProgrammeSubmitted',
  data: {
    centreId: 'ctr_lyon-1',
    ...(centreName ? { centreName } : {}),
    year: 2027,
    revision,
    plannedSessionIds: ['pln_a'],
    withdrawnPlannedSessionIds: [],
    submittedOn: '2027-01-20',
    deadline: '2027-01-31',
    onTime: true,
  },
});

describe('the event schemas', () => {
  it('accept SessionCreated and ProgrammeSubmitted with a name and without one (events recorded before names existed)', () => {
    for (const event of [sessionCreated('ses_a'), named(sessionCreated('ses_a'), 'AFPA Lyon'), submitted(1), submitted(1, 'AFPA Lyon')]) {
      expect(domainEventSchema.safeParse(event).success).toBe(true);
    }
  });

  it('refuse a blank name and one over 120 characters, naming the field', () => {
    for (const centreName of ['  ', 'x'.repeat(121)]) {
      const result = domainEventSchema.safeParse(named(sessionCreated('ses_a'), centreName));
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['data', 'centreName']);
    }
  });
});

describe('session views', () => {
  it('given a SessionCreated with a name, then the view and every juror item carry it', () => {
    const events = stored('session-ses_a', [
      named(sessionCreated('ses_a'), 'AFPA Lyon'),
      { type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } },
    ]);

    const projected = projectAll(events);

    expect(projected?.kind === 'session' ? projected.view.centreName : undefined).toBe('AFPA Lyon');
    expect(projected?.kind === 'session' ? jurorSessionsOf(projected.view).map((item) => item.centreName) : []).toEqual(['AFPA Lyon']);
  });

  it('given a SessionCreated without a name, then the view has no name field at all', () => {
    const projected = projectAll(stored('session-ses_a', [sessionCreated('ses_a')]));

    expect(projected?.view).not.toHaveProperty('centreName');
    expect(projected?.kind === 'session' ? projected.view.centreId : undefined).toBe('ctr_lyon-1');
  });
});

describe('programme views', () => {
  it('take the name of the latest submission that gives one, and keep it through one that gives none', () => {
    const stream = 'programme-ctr_lyon-1-2027';
    const first = stored(stream, [planned, submitted(1, 'AFPA Lyon')]);
    const renamed = [...first, ...stored(stream, [submitted(2, 'AFPA Lyon Vaise')], 3)];
    const unnamed = [...renamed, ...stored(stream, [submitted(3)], 4)];

    expect(projectAll(stored(stream, [planned]))?.view).not.toHaveProperty('centreName');
    expect(projectAll(first)?.view).toMatchObject({ centreName: 'AFPA Lyon' });
    expect(projectAll(renamed)?.view).toMatchObject({ centreName: 'AFPA Lyon Vaise' });
    expect(projectAll(unnamed)?.view).toMatchObject({ centreName: 'AFPA Lyon Vaise', submission: { revision: 3 } });
  });
});

describe('centre markers', () => {
  it('given the events that name a centre, then the projector marks it with the name and the event id; without a name, with none', async () => {
    const marks: [string, string, CentreNameMark | undefined][] = [];
    const views: ViewsStore = {
      load: async () => undefined,
      save: async () => undefined,
      saveJurorSessions: async () => undefined,
      markCentre: async (centreId, department, name) => {
        marks.push([centreId, department, name]);
      },
      markPlannedSessionCreated: async () => undefined,
    };
    const session = stored('session-ses_a', [named(sessionCreated('ses_a'), 'AFPA Lyon')]);
    const unnamed = stored('session-ses_b', [sessionCreated('ses_b')]);
    const programme = stored('programme-ctr_lyon-1-2027', [planned, submitted(1, 'AFPA Lyon Vaise')]);
    const all = [...session, ...unnamed, ...programme];
    const projector = new Projector(views, { readStream: async (streamId) => ({ events: all.filter((event) => event.streamId === streamId) }) });

    for (const commit of [session, unnamed, programme]) await projector.apply(commit);

    expect(marks).toEqual([
      ['ctr_lyon-1', '69', { centreName: 'AFPA Lyon', eventId: session[0]?.id }],
      ['ctr_lyon-1', '69', undefined],
      ['ctr_lyon-1', '69', undefined],
      ['ctr_lyon-1', '69', { centreName: 'AFPA Lyon Vaise', eventId: programme[1]?.id }],
    ]);
  });
});
