import type { OutgoingMail } from '../../shared/mail/model.js';
import type { MailDelivery } from '../../shared/mail/sender.js';

/** A delivery that keeps the mails it is handed, in order (a parked one is not kept): for a notifier without SES. */
export const keptMails = (): { readonly mails: OutgoingMail[]; readonly delivery: MailDelivery } => {
  const mails: OutgoingMail[] = [];
  const delivery = {
    deliver: async (mail: OutgoingMail) => {
      mails.push(mail);
      return 'sent' as const;
    },
    park: async () => 'dead-lettered' as const,
  } as unknown as MailDelivery;
  return { mails, delivery };
};
