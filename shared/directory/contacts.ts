/**
 * Where centres, jurors and candidates receive mail. Their addresses are personal data and live in
 * the personal-data store, never in events; the mail functions ask this small port for them.
 */
export type PartyKind = 'centre' | 'juror' | 'candidate';

export interface Contact {
  readonly email: string;
  /** Name shown in the greeting of a mail. */
  readonly displayName: string;
}

export interface ContactBook {
  /** The contact of a party, or undefined when none is known (the mail is then dead-lettered). */
  contactOf(kind: PartyKind, id: string): Promise<Contact | undefined>;
  /**
   * « Prénom Nom » of a juror or a candidate, mail address or not, for a mail to someone who may
   * read it (the centre's copy of its results); undefined when unknown or erased.
   */
  nameOf(kind: Exclude<PartyKind, 'centre'>, id: string): Promise<string | undefined>;
}

/** A contact book held in memory: tests, and the offline runtime's seed. */
export class InMemoryContactBook implements ContactBook {
  private readonly contacts = new Map<string, Contact>();

  set(kind: PartyKind, id: string, contact: Contact): this {
    this.contacts.set(`${kind}#${id}`, contact);
    return this;
  }

  contactOf(kind: PartyKind, id: string): Promise<Contact | undefined> {
    return Promise.resolve(this.contacts.get(`${kind}#${id}`));
  }

  nameOf(kind: Exclude<PartyKind, 'centre'>, id: string): Promise<string | undefined> {
    return Promise.resolve(this.contacts.get(`${kind}#${id}`)?.displayName);
  }
}
