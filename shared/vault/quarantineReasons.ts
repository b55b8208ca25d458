/**
 * Why the PV intake refused an uploaded file, in French, once for every reader: the centre's
 * session page, its mail and the history's timeline. The codes are `PVDocumentQuarantined`'s.
 */
export const quarantineReasons = {
  'not-pdf': 'le fichier n’est pas un PDF',
  'checksum-mismatch': 'l’empreinte SHA-256 du fichier reçu ne correspond pas à celle déclarée',
  'too-large': 'le fichier dépasse la taille autorisée',
  unexpected: 'la session n’attendait pas de procès-verbal',
} as const;

export type QuarantineReason = keyof typeof quarantineReasons;
