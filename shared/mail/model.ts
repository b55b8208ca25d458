/**
 * A mail as the outbox keeps it: everything needed to send it again, rendered once. Its id is
 * deterministic (what caused it, its kind, its recipient), so a redelivered event or a rerun of the
 * daily deadline run finds the same id and sends nothing new.
 */
export const mailKinds = [
  'programme-received',
  'session-created-late',
  'juror-convocation',
  'candidate-convocation',
  'candidate-passages',
  'session-cancelled-juror',
  'session-cancelled-candidate',
  'juror-unassigned',
  'juror-designated-during-session',
  'juror-habilitated',
  'habilitation-withdrawn',
  'accommodations',
  'pv-transmitted',
  'pv-rejected',
  'pv-quarantined',
  'pv-validated-centre',
  'pv-validated-candidate',
  'sanction',
  'deadline-reminder',
  'deadline-alert',
] as const;
export type MailKind = (typeof mailKinds)[number];

export interface Recipient {
  /** Pseudonymous key of the party: `ud#69`, `region#84`, `centre#ctr_…`, `juror#jur_…`, `candidate#cand_…`. */
  readonly key: string;
  readonly email: string;
  readonly name: string;
}

interface Attachment {
  readonly filename: string;
  /** Full MIME type with parameters, e.g. `text/calendar; charset=UTF-8; method=REQUEST`. */
  readonly contentType: string;
  /** UTF-8 text content (the only attachments are .ics invitations). */
  readonly content: string;
}

export interface OutgoingMail {
  readonly id: string;
  readonly kind: MailKind;
  /** Id of the event (or deadline run key) that caused it. */
  readonly causeId: string;
  readonly to: Recipient;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly Attachment[];
}

/** The deterministic id of a mail. */
export const mailId = (causeId: string, kind: MailKind, recipientKey: string): string => `${causeId}:${kind}:${recipientKey}`;
