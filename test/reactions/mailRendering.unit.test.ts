import { describe, expect, it } from 'vitest';
import { Directory, loadDirectory, UnknownUnitError } from '../../shared/directory/directory.js';
import { buildInvitation, escapeIcsText, foldLine, type Invitation } from '../../shared/mail/ics.js';
import { buildRawMime } from '../../shared/mail/mime.js';
import { escapeHtml, formatDate } from '../../shared/mail/render.js';
import { templates, type SessionSummary } from '../../shared/mail/templates.js';

const session: SessionSummary = {
  sessionId: 'ses_a',
  centreId: 'ctr_lyon-1',
  titreCode: 'RNCP37274',
  ceresReference: 'CERES-1',
  site: 'Atelier "B" <rez-de-chaussée>',
  startDate: '2027-10-30',
  endDate: '2027-11-02',
  department: '69',
};

/** An invitation to a session of one day in Lyon; each test changes what it looks at. */
const invitation = (overrides: Partial<Invitation> = {}): Invitation => ({
  uid: 'evt-1@tp-sessions',
  stamp: new Date('2027-10-01T12:00:00Z'),
  startDate: '2027-10-30',
  endDate: '2027-10-30',
  startTime: '08:30',
  endTime: '17:30',
  summary: 'Jury',
  location: 'Lyon',
  description: 'Session',
  organizer: { name: 'TP', email: 'tp@example.org' },
  attendee: { name: 'Anne Martin', email: 'anne@example.org' },
  ...overrides,
});

describe('mail rendering', () => {
  it('given text typed by people, when rendered to HTML, then every special character is escaped and the plain text keeps it verbatim', () => {
    const mail = templates.pvRejected('Centre <AFPA>', session, { rejectedOn: '2027-11-05', reason: `<img src=x onerror="alert('x')">` }, 'https://tp.example');

    expect(mail.html).toContain('&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;');
    expect(mail.html).not.toMatch(/<img/);
    expect(mail.html).toContain('Bonjour Centre &lt;AFPA&gt;,');
    expect(mail.text).toContain(`Motif : <img src=x onerror="alert('x')">`);
    expect(mail.text).toContain('Dates : du 30 octobre 2027 au 2 novembre 2027');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('names the titre in words when the session recorded its label, and by its code only for a session created before', () => {
    const named = templates.jurorConvocation('Anne Martin', { ...session, titreLabel: 'Conseiller en insertion professionnelle' }, { startTime: '08:30' }, 'https://tp.example');
    expect(named.subject).toBe('Convocation au jury : Conseiller en insertion professionnelle, 30 octobre 2027');
    expect(named.text).toContain('Titre professionnel : Conseiller en insertion professionnelle (RNCP37274)');
    expect(templates.jurorConvocation('Anne Martin', session, { startTime: '08:30' }, 'https://tp.example').subject).toBe('Convocation au jury : RNCP37274, 30 octobre 2027');
  });

  it('given a session starting at 08:30, when convoked, then juror and candidate read the hour as French writes it, « 8 h 30 »', () => {
    const juror = templates.jurorConvocation('Anne Martin', session, { startTime: '08:30' }, 'https://tp.example');
    const candidate = templates.candidateConvocation('Léa Martin', session, { startTime: '08:30' });

    expect(juror.text).toContain('Merci de vous présenter à 8 h 30 : le plateau technique');
    expect(candidate.text).toContain('Merci de vous présenter le 30 octobre 2027 à 8 h 30 muni(e)');
    expect(templates.candidateConvocation('Léa Martin', session, { startTime: '13:45' }).text).toContain('à 13 h 45 muni(e)');
  });

  it('given a partial success with one CCP, when the results are mailed, then « CCP obtenu » agrees with one, and « CCP obtenus » with two', () => {
    const one = { candidateId: 'cand_a', decision: 'reussite-partielle', ccpObtained: ['RNCP37274BC01'] } as const;
    const two = { candidateId: 'cand_b', decision: 'reussite-partielle', ccpObtained: ['RNCP37274BC01', 'RNCP37274BC02'] } as const;

    expect(templates.pvValidatedCandidate('Léa Martin', session, { validatedOn: '2027-11-10', result: one }).text).toContain(
      '\nCCP obtenu (acquis définitivement) : RNCP37274BC01\n',
    );
    expect(templates.pvValidatedCandidate('Léa Martin', session, { validatedOn: '2027-11-10', result: two }).text).toContain(
      '\nCCP obtenus (acquis définitivement) : RNCP37274BC01 ; RNCP37274BC02\n',
    );
    const centre = templates.pvValidatedCentre('Lyon Formation', session, { validatedOn: '2027-11-10', results: [one, two] }, 'https://tp.example').text;
    expect(centre).toContain('Candidat cand_a : Réussite partielle (CCP obtenu : RNCP37274BC01)');
    expect(centre).toContain('Candidat cand_b : Réussite partielle (CCP obtenus : RNCP37274BC01 ; RNCP37274BC02)');
  });

  it('given any mail, when read, then its footer names the service as its pages and sender do, not by the code’s name « tp-sessions »', () => {
    const mail = templates.pvRejected('Lyon Formation', session, { rejectedOn: '2027-11-05', reason: 'Signature manquante' }, 'https://tp.example');

    expect(mail.text).toContain('\n--\n\nMessage envoyé automatiquement par le service « Sessions du titre professionnel ». Merci de ne pas répondre à ce message.\n');
    expect(mail.html).toContain('Message envoyé automatiquement par le service « Sessions du titre professionnel ».');
    expect(`${mail.subject}${mail.text}${mail.html}`).not.toContain('tp-sessions');
  });

  it('given calendar dates, when formatted, then they read in French', () => {
    expect(formatDate('2027-01-01')).toBe('1er janvier 2027');
    expect(formatDate('2027-08-15')).toBe('15 août 2027');
  });

  it('given a session across the autumn clock change, when the invitation is built, then each of its four days is an event at Paris wall-clock times, with the VTIMEZONE that says so, and the nights are free', () => {
    const ics = buildInvitation(invitation({ endDate: '2027-11-02', summary: 'Jury, session; titre RNCP37274', location: session.site, description: 'Ligne 1\nLigne 2' }));
    const lines = ics.split('\r\n');

    expect(lines).toContain('DTSTART;TZID=Europe/Paris:20271030T083000');
    expect(lines).toContain('DTEND;TZID=Europe/Paris:20271030T173000');
    expect(lines).toContain('RRULE:FREQ=DAILY;COUNT=4');
    expect(lines).toContain('DTSTAMP:20271001T120000Z');
    expect(ics).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/Paris\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:\+0100\r\nTZOFFSETTO:\+0200/);
    expect(lines).toContain('SUMMARY:Jury\\, session\\; titre RNCP37274');
    expect(lines).toContain('DESCRIPTION:Ligne 1\\nLigne 2');
    expect(lines.every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it('given an invitation withdrawn, when its cancellation is built, then it repeats the UID with a later sequence, says CANCEL and CANCELLED, and asks no reply', () => {
    const sent = buildInvitation(invitation({ endDate: '2027-11-02' })).split('\r\n');
    const cancel = buildInvitation(invitation({ endDate: '2027-11-02', method: 'CANCEL' })).split('\r\n');

    expect(sent).toEqual(expect.arrayContaining(['METHOD:REQUEST', 'UID:evt-1@tp-sessions', 'SEQUENCE:0', 'STATUS:CONFIRMED']));
    expect(cancel).toEqual(expect.arrayContaining(['METHOD:CANCEL', 'UID:evt-1@tp-sessions', 'SEQUENCE:1', 'STATUS:CANCELLED']));
    expect(cancel.join('\n')).not.toContain('RSVP=TRUE');
    expect(cancel).toContain('DTSTART;TZID=Europe/Paris:20271030T083000');
  });

  it('given an invitation sent from the no-reply address, when built, then it asks the juror for no calendar answer (no RSVP=TRUE): an answer would reach nobody', () => {
    const ics = buildInvitation(invitation({ organizer: { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp.example' } }));
    const attendee = ics
      .replace(/\r\n /g, '')
      .split('\r\n')
      .find((line) => line.startsWith('ATTENDEE'));

    expect(attendee).toBe('ATTENDEE;CN="Anne Martin";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:anne@example.org');
  });

  it('given a one-day session, when the invitation is built, then it is a single event from its start to its end time, repeated on no other day', () => {
    const lines = buildInvitation(invitation()).split('\r\n');
    const event = lines.slice(lines.indexOf('BEGIN:VEVENT'), lines.indexOf('END:VEVENT'));

    expect(event).toEqual(expect.arrayContaining(['DTSTART;TZID=Europe/Paris:20271030T083000', 'DTEND;TZID=Europe/Paris:20271030T173000']));
    expect(event.filter((line) => line.startsWith('RRULE'))).toEqual([]);
  });

  it('given accommodations the jury is informed of, when the juror reads the mail, then the session manager gives the detail, not the application (a juror’s page does not show it)', () => {
    const mail = templates.accommodations('Anne Martin', session, { count: 2 }, 'https://tp.example');

    expect(mail.text).toContain('2 candidats bénéficient d’un aménagement d’épreuves pour la session ci-dessous. Le responsable de session vous en communique le détail');
    expect(mail.text).not.toMatch(/consultable dans l’application/);
  });

  it('given a long line with accents, when folded, then no line exceeds 75 octets and unfolding gives it back', () => {
    const long = `DESCRIPTION:${'Vérification du plateau technique '.repeat(8)}`;
    const folded = foldLine(long);

    expect(folded.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(long);
    expect(escapeIcsText('a\\b')).toBe('a\\\\b');
  });

  it('given a mail with an invitation, when built as raw MIME, then it holds text, HTML and the calendar part, with encoded French headers', () => {
    const raw = buildRawMime(
      {
        id: 'evt:juror-convocation:juror#jur_a',
        kind: 'juror-convocation',
        causeId: 'evt',
        to: { key: 'juror#jur_a', email: 'anne@example.org', name: 'Anne Müller' },
        subject: 'Convocation au jury',
        text: 'Bonjour',
        html: '<p>Bonjour</p>',
        attachments: [{ filename: 'convocation.ics', contentType: 'text/calendar; charset=UTF-8; method=REQUEST', content: 'BEGIN:VCALENDAR' }],
      },
      { name: 'Sessions du titre professionnel', email: 'tp@example.org' },
      'seed',
    );

    expect(raw).toContain(`To: =?UTF-8?B?${Buffer.from('Anne Müller').toString('base64')}?= <anne@example.org>`);
    expect(raw).toContain('Content-Type: multipart/mixed; boundary="mixed-seed"');
    expect(raw).toContain('Content-Type: text/calendar; charset=UTF-8; method=REQUEST; name="convocation.ics"');
    expect(raw).toContain(Buffer.from('BEGIN:VCALENDAR').toString('base64'));
    expect(raw.endsWith('--mixed-seed--\r\n')).toBe(true);
  });

  it('given an ASCII display name with a comma or a dot, when built as raw MIME, then it is quoted, so that it reads as one address', () => {
    const raw = buildRawMime(
      {
        ...{ id: 'm', kind: 'juror-convocation', causeId: 'evt', subject: 'Convocation', text: '', html: '', attachments: [] },
        to: { key: 'k', email: 'jean.dupont@example.org', name: 'Dupont, Jean (M.) \\ jury' },
      },
      { name: 'Sessions du titre professionnel', email: 'tp@example.org' },
      'seed',
    );

    expect(raw).toContain('\r\nTo: "Dupont, Jean (M.) \\\\ jury" <jean.dupont@example.org>\r\n');
    expect(raw).toContain('From: Sessions du titre professionnel <tp@example.org>\r\n');
  });

  describe('encoded words of long French headers (RFC 2047 §2)', () => {
    const subject = 'Convocation à la session d’examen du titre professionnel « Secrétaire assistant médico-social » : épreuves du 30 octobre 2027 à Évian';
    const name = 'Élodie Bérénice Müller-Lefèvre, responsable pédagogique de l’établissement régional';
    const raw = buildRawMime(
      {
        id: 'evt:juror-convocation:juror#jur_a',
        kind: 'juror-convocation',
        causeId: 'evt',
        to: { key: 'juror#jur_a', email: 'elodie.muller-lefevre@centre-de-formation.example.org', name },
        subject,
        text: 'Bonjour',
        html: '<p>Bonjour</p>',
        attachments: [],
      },
      { name: 'Sessions du titre professionnel', email: 'tp@example.org' },
      'seed',
    );
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
    /** A header's value, unfolded, with the encoded words it holds decoded (whitespace between two words dropped). */
    const field = (header: string) => {
      const value = new RegExp(`^${header}: (.*(?:\r\n .*)*)`, 'm').exec(headers)?.[1] ?? '';
      return value
        .replace(/\?=\r\n =\?/g, '?==?')
        .replace(/\r\n /g, ' ')
        .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_word, base64: string) => Buffer.from(base64, 'base64').toString('utf8'));
    };
    const words = headers.match(/=\?[^?]+\?B\?[^?]*\?=/g) ?? [];

    it('given a 130-character subject with accents, when built as raw MIME, then each encoded word is at most 75 characters, folded onto lines of at most 76, and the subject and name decode whole', () => {
      expect(subject.length).toBeGreaterThan(120);
      expect(words.length).toBeGreaterThan(4);
      expect(words.filter((word) => word.length > 75)).toEqual([]);
      expect(headers.split('\r\n').filter((line) => line.length > 76)).toEqual([]);
      expect(field('Subject')).toBe(subject);
      expect(field('To')).toBe(`${name} <elodie.muller-lefevre@centre-de-formation.example.org>`);
    });

    it('never splits a multi-byte UTF-8 character across two encoded words: each decodes alone to valid UTF-8', () => {
      const emoji = buildRawMime(
        {
          ...{ id: 'm', kind: 'juror-convocation', causeId: 'evt', text: '', html: '', attachments: [] },
          to: { key: 'k', email: 'a@b.example', name: 'é'.repeat(7) },
          subject: `a${'🎓é€'.repeat(30)}`,
        },
        { name: 'TP', email: 'tp@example.org' },
        'seed',
      );
      const encoded = emoji.match(/=\?[^?]+\?B\?[^?]*\?=/g) ?? [];
      expect(encoded.length).toBeGreaterThan(3);
      for (const word of encoded) {
        const bytes = Buffer.from(word.slice('=?UTF-8?B?'.length, -2), 'base64');
        expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes), word).toBe(true);
      }
    });
  });
});

describe('directory of units', () => {
  it('given the defaults, when asked for Auvergne-Rhône-Alpes units, then the twelve departments have a DDETS and the region the leaflet mailbox', () => {
    const directory = new Directory();
    const departments = ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'];

    expect(departments.map((d) => directory.ud(d).shortLabel.startsWith('DDETS'))).toEqual(departments.map(() => true));
    expect(directory.ud('43').shortLabel).toBe('DDETS de la Haute-Loire');
    expect(directory.region('84')).toMatchObject({ shortLabel: 'DREETS Auvergne-Rhône-Alpes', email: 'ara.titres-professionnels@direccte.gouv.fr' });
    expect(() => directory.ud('75')).toThrow(UnknownUnitError);
  });

  it('given an override in the environment, when loaded, then it replaces that unit and adds new ones; a malformed one fails', () => {
    const overrides = {
      units: [
        { code: '69', kind: 'ud', label: 'DDETS du Rhône', shortLabel: 'DDETS 69', email: 'titres@rhone.example', region: '84' },
        { code: '75', kind: 'ud', label: 'DRIEETS Paris', shortLabel: 'DRIEETS 75', email: 'titres@paris.example', region: '11' },
      ],
    };
    const directory = loadDirectory({ UNIT_DIRECTORY_JSON: JSON.stringify(overrides) });

    expect(directory.ud('69').email).toBe('titres@rhone.example');
    expect(directory.ud('75').shortLabel).toBe('DRIEETS 75');
    expect(directory.ud('38').email).toBe('ddets-titres-professionnels@isere.gouv.fr');
    expect(() => loadDirectory({ UNIT_DIRECTORY_JSON: '{"units":[{"code":"69","kind":"ud","email":"nope"}]}' })).toThrow();
  });
});
