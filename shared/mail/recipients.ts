import type { ContactBook, PartyKind } from '../directory/contacts.js';
import type { Directory } from '../directory/directory.js';
import type { Recipient } from './model.js';

/** A recipient the system could not address (no contact known): the mail is parked as dead, not dropped. */
export interface Unaddressed {
  readonly key: string;
  readonly reason: string;
}

/** Resolves parties to mail recipients: units through the directory, people through the contact book. */
export class Recipients {
  constructor(
    private readonly directory: Directory,
    private readonly contacts: ContactBook,
  ) {}

  ud(department: string): Recipient {
    const unit = this.directory.ud(department);
    return { key: `ud#${department}`, email: unit.email, name: unit.shortLabel };
  }

  region(region: string): Recipient {
    const unit = this.directory.region(region);
    return { key: `region#${region}`, email: unit.email, name: unit.shortLabel };
  }

  /** The region of a department's UD (a deadline carries only the department). */
  regionOfDepartment(department: string): string | undefined {
    return this.directory.ud(department).region;
  }

  /** A juror's or candidate's name, for a mail whose recipient may read it; undefined when unknown or erased. */
  name(kind: Exclude<PartyKind, 'centre'>, id: string): Promise<string | undefined> {
    return this.contacts.nameOf(kind, id);
  }

  async person(kind: PartyKind, id: string): Promise<Recipient | Unaddressed> {
    const key = `${kind}#${id}`;
    const contact = await this.contacts.contactOf(kind, id);
    return contact ? { key, email: contact.email, name: contact.displayName } : { key, reason: `Aucune adresse connue pour ${key}` };
  }
}

export const isUnaddressed = (recipient: Recipient | Unaddressed): recipient is Unaddressed => !('email' in recipient);
