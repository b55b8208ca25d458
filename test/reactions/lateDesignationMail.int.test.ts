import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/platform/clock.js';
import { contacts, sealsChecked, sessionCreated } from './fixtures.js';
import { notifiedStream } from './support.js';

/*
 * A member designated once the session has started (to fill the gap a tie left) cannot be convoked
 * through the convocations, closed from day one: the notifier tells them at once, with the
 * invitation. Before day one, a designation mails nobody (the convocations do). Through the
 * notifier, the outbox and the SES emulator; each commit notified twice.
 */

const commit = notifiedStream('late-designation-mail', 'session-ses_late', fixedClock('2027-03-15T09:00:00Z'), contacts());

describe('a jury member designated after day one', () => {
  it('given a session started, when a member is designated to fill a gap, then they get one mail with the invitation; a designation before day one mails nobody', async () => {
    await commit([sessionCreated('ses_late', { late: false, startDate: '2027-03-15' })]);
    expect(await commit([{ type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } }])).toEqual([]);
    await commit([{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne'], sentOn: '2027-02-10', dueOn: '2027-02-28', late: false } }]);
    await commit([sealsChecked]);

    const designated = await commit([{ type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc-1', tiedCandidateIds: ['cand_alice'] } }]);

    expect(designated.map((mail) => mail.subject)).toEqual(['Désignation au jury d’une session en cours : RNCP37274']);
    expect(designated[0]?.destination.to[0]).toContain('marc.durand@example.org');
    expect(designated[0]?.body.text).toContain('vous a désigné(e) membre du jury de la session d’examen ci-dessous, qui a commencé');
    expect(designated[0]?.body.text).toContain('vous ne les évaluez pas et ne délibérez pas à leur sujet');
    const ics = Buffer.from(designated[0]?.attachments[0]?.content ?? '', 'base64')
      .toString('utf8')
      .split('\r\n');
    expect(ics).toEqual(expect.arrayContaining(['METHOD:REQUEST', 'DTSTART;TZID=Europe/Paris:20270315T083000']));
  });
});
