import * as z from 'zod/mini';
import { eventDefinitions } from '../../events/index.js';

/**
 * The French name of every data field of the event catalogue, as the history page shows it. A
 * field added to the catalogue without a label here fails test/history/fieldLabels.unit.test.ts:
 * an administrator never reads `durationMinutes`.
 */
export const fieldLabels: Readonly<Record<string, string>> = {
  accommodationId: 'Aménagement',
  accommodationIds: 'Aménagements',
  audience: 'Destinataires',
  banMonths: 'Durée de l’interdiction (mois)',
  cancelledOn: 'Annulée le',
  candidateId: 'Candidat',
  candidateIds: 'Candidats',
  ccpObtained: 'CCP obtenus',
  ccps: 'Blocs de compétences (CCP)',
  centreId: 'Centre',
  centreName: 'Nom du centre',
  ceresReference: 'Référence CERES',
  checkedOn: 'Vérifié le',
  code: 'Code',
  compliant: 'Conforme',
  createdOn: 'Créée le',
  creationDeadline: 'Date limite de création',
  deadline: 'Date limite',
  decision: 'Décision',
  decisions: 'Décisions',
  department: 'Département',
  documentSha256: 'Empreinte du document',
  doneOn: 'Fait le',
  drawnCandidateId: 'Candidat tiré au sort',
  dueOn: 'Échéance',
  durationMinutes: 'Durée (minutes)',
  endDate: 'Fin',
  evaluatorIds: 'Évaluateurs',
  expectedCandidates: 'Candidats attendus',
  expectedEnd: 'Fin prévue',
  expectedStart: 'Début prévu',
  facts: 'Faits',
  ground: 'Motif',
  habilitationId: 'Habilitation',
  informedOn: 'Informé le',
  jurorId: 'Membre du jury',
  jurorIds: 'Membres du jury',
  label: 'Intitulé',
  late: 'En retard',
  notifiedOn: 'Notifiée le',
  objectKey: 'Fichier',
  onTime: 'Dans les délais',
  plannedSessionId: 'Session prévue',
  plannedSessionIds: 'Sessions prévues',
  presentCandidateIds: 'Candidats présents',
  professionalisationDate: 'Session de professionnalisation suivie le',
  pronouncedOn: 'Prononcée le',
  pvRevision: 'Révision du PV',
  reason: 'Motif',
  recipientIds: 'Destinataires',
  recordedOn: 'Enregistré le',
  region: 'Région',
  rejectedOn: 'Rejeté le',
  remarks: 'Remarques',
  reportedBy: 'Signalé par',
  reportedOn: 'Signalé le',
  revisedOn: 'Révisé le',
  revision: 'Révision',
  rule: 'Règle',
  sanction: 'Sanction',
  sealsIntact: 'Plis intacts',
  seed: 'Graine du tirage au sort',
  sentOn: 'Envoyé le',
  sessionId: 'Session',
  sha256: 'Empreinte SHA-256',
  signatoryIds: 'Signataires',
  signedOn: 'Signé le',
  site: 'Lieu',
  sites: 'Lieux agréés',
  sizeBytes: 'Taille (octets)',
  source: 'Source',
  startDate: 'Début',
  submittedOn: 'Transmise le',
  tiedCandidateIds: 'Candidats liés',
  titreCode: 'Titre',
  titreCodes: 'Titres',
  titreLabel: 'Intitulé du titre',
  transmittedOn: 'Transmis le',
  validatedOn: 'Validé le',
  validFrom: 'Valable du',
  validUntil: 'Valable jusqu’au',
  versionId: 'Version',
  withdrawnOn: 'Retiré le',
  withdrawnPlannedSessionIds: 'Sessions prévues retirées',
  year: 'Année',
};

const walk = (schema: unknown, into: Set<string>): void => {
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Record<string, unknown>;
  for (const [name, property] of Object.entries((node.properties as Record<string, unknown> | undefined) ?? {})) {
    into.add(name);
    walk(property, into);
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties']) {
    const child = node[key];
    if (Array.isArray(child)) for (const item of child) walk(item, into);
    else walk(child, into);
  }
};

/** Every field name of every event's data in the catalogue, nested ones included (a PV's decisions). */
export const catalogueFieldNames = (): string[] => {
  const names = new Set<string>();
  for (const definition of eventDefinitions) walk(z.toJSONSchema(definition.data, { io: 'input', unrepresentable: 'any' }), names);
  return [...names].sort();
};
