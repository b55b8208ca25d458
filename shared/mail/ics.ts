/**
 * An iCalendar (RFC 5545) invitation for a juror's convocation, in Europe/Paris time: the VTIMEZONE
 * is embedded so that every calendar shows the session at the right local hour, whatever the
 * season.
 */
export interface Invitation {
  readonly uid: string;
  /** When the invitation was issued (UTC). */
  readonly stamp: Date;
  readonly startDate: string;
  readonly endDate: string;
  /** Local times in Paris, `HH:MM`. */
  readonly startTime: string;
  readonly endTime: string;
  readonly summary: string;
  readonly location: string;
  readonly description: string;
  readonly organizer: { readonly name: string; readonly email: string };
  readonly attendee: { readonly name: string; readonly email: string };
  /**
   * `CANCEL` withdraws an invitation sent before (RFC 5546 §3.2.5): the same UID, a later
   * SEQUENCE, STATUS:CANCELLED; calendars then remove the event. `REQUEST` by default.
   */
  readonly method?: 'REQUEST' | 'CANCEL';
}

const PARIS_TIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** Escapes a TEXT value (RFC 5545 §3.3.11). */
export const escapeIcsText = (value: string): string => value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** A parameter value (CN) cannot hold quotes; it is quoted because names hold commas and colons. */
const param = (value: string) => `"${value.replace(/"/g, "'")}"`;

/** Folds a content line at 75 octets, continuation lines starting with a space (§3.1), never splitting a UTF-8 character. */
export const foldLine = (line: string): string => {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
};

const local = (date: string, time: string) => `${date.replace(/-/g, '')}T${time.replace(':', '')}00`;
/** Calendar days from the first to the last, both counted (ISO dates: UTC arithmetic, no clock change). */
const daysSpanned = (first: string, last: string) => Math.max(1, Math.round((Date.parse(last) - Date.parse(first)) / 86_400_000) + 1);
const utcStamp = (at: Date) => `${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

export const buildInvitation = (invitation: Invitation): string => {
  const days = daysSpanned(invitation.startDate, invitation.endDate);
  return (
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//tp-sessions//Convocations//FR',
      'CALSCALE:GREGORIAN',
      `METHOD:${invitation.method ?? 'REQUEST'}`,
      ...PARIS_TIMEZONE,
      'BEGIN:VEVENT',
      `UID:${invitation.uid}`,
      // The invitation is sequence 0; its cancellation comes after it.
      `SEQUENCE:${invitation.method === 'CANCEL' ? 1 : 0}`,
      `DTSTAMP:${utcStamp(invitation.stamp)}`,
      // One event per day of the session, from its start time to its end time: a single event from the
      // first morning to the last evening would show the juror busy through the nights.
      `DTSTART;TZID=Europe/Paris:${local(invitation.startDate, invitation.startTime)}`,
      `DTEND;TZID=Europe/Paris:${local(invitation.startDate, invitation.endTime)}`,
      ...(days > 1 ? [`RRULE:FREQ=DAILY;COUNT=${days}`] : []),
      `SUMMARY:${escapeIcsText(invitation.summary)}`,
      `LOCATION:${escapeIcsText(invitation.location)}`,
      `DESCRIPTION:${escapeIcsText(invitation.description)}`,
      `ORGANIZER;CN=${param(invitation.organizer.name)}:mailto:${invitation.organizer.email}`,
      // No RSVP asked: the organizer is the no-reply address, where a calendar's answer reaches nobody;
      // the convocation names the session manager to tell of an impediment.
      invitation.method === 'CANCEL'
        ? `ATTENDEE;CN=${param(invitation.attendee.name)};ROLE=REQ-PARTICIPANT:mailto:${invitation.attendee.email}`
        : `ATTENDEE;CN=${param(invitation.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:${invitation.attendee.email}`,
      invitation.method === 'CANCEL' ? 'STATUS:CANCELLED' : 'STATUS:CONFIRMED',
      'END:VEVENT',
      'END:VCALENDAR',
    ]
      .map(foldLine)
      .join('\r\n') + '\r\n'
  );
};
