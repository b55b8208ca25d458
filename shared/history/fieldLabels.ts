import * as z from 'zod/mini';
import { eventDefinitions, type EventType } from '../../events/index.js';
import { examTestLabels } from '../views/model.js';
import { decisionLabels, sanctionLabels } from '../web/format.js';
import { quarantineReasons } from '../vault/quarantineReasons.js';

/**
 * The French name of every data field of the event catalogue, as the history page shows it. A
 * field added to the catalogue without a label here fails test/history/fieldLabels.unit.test.ts:
 * an administrator never reads `durationMinutes`.
 */
export const fieldLabels: Readonly<Record<string, string>> = {
  accommodationId: 'Aménagement',
  accommodationIds: 'Aménagements',
  at: 'Heure',
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
  on: 'Jour',
  onTime: 'Dans les délais',
  passages: 'Ordre de passage',
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
  scheduledOn: 'Affiché le',
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
  test: 'Épreuve',
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

type Words = Readonly<Record<string, string>>;

/** Fields whose value is a code in every event that has them, and the words of each code. */
const codeWords: Readonly<Record<string, Words>> = {
  decision: decisionLabels,
  sanction: sanctionLabels,
  test: examTestLabels,
  audience: { jurors: 'les membres du jury', candidates: 'les candidats' },
  ground: { 'demande-du-candidat': 'à la demande du candidat' },
  reportedBy: { jury: 'le jury', 'session-manager': 'le responsable de session' },
  source: { rncp: 'export RNCP de France Compétences', saisie: 'saisie par la direction régionale' },
  // Not an enum in the catalogue: the rule ids the domain records (shared/domain/session/preparation.ts).
  rule: {
    'session.creation-late': 'session créée dans CERES moins de trois mois avant son début',
    'convocation.jurors-late': 'membres du jury convoqués en retard',
    'convocation.candidates-late': 'candidats convoqués en retard',
  },
};

/** Fields that hold a code in one event type only (elsewhere, the same name holds a person's free text). */
const codeWordsOf: Readonly<Partial<Record<EventType, Readonly<Record<string, Words>>>>> = {
  PVDocumentQuarantined: {
    reason: quarantineReasons,
  },
};

/** The French words of a coded value of an event's data, or undefined for a value that is no code (free text, a date, an id). */
export const valueLabel = (type: string, field: string, value: string): string | undefined => {
  const words = codeWordsOf[type as EventType]?.[field] ?? codeWords[field];
  return words !== undefined && Object.hasOwn(words, value) ? words[value] : undefined;
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

const enumsIn = (schema: unknown, into: Map<string, Set<string>>): void => {
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Record<string, unknown>;
  for (const [name, property] of Object.entries((node.properties as Record<string, unknown> | undefined) ?? {})) {
    const values = (property as { enum?: unknown } | null)?.enum;
    if (Array.isArray(values)) for (const value of values) if (typeof value === 'string') into.set(name, (into.get(name) ?? new Set()).add(value));
    enumsIn(property, into);
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties']) {
    const child = node[key];
    if (Array.isArray(child)) for (const item of child) enumsIn(item, into);
    else enumsIn(child, into);
  }
};

/** Every value of every enumerated field of the catalogue, by event type (nested ones included). */
export const catalogueEnumValues = (): { type: string; field: string; value: string }[] =>
  eventDefinitions.flatMap((definition) => {
    const enums = new Map<string, Set<string>>();
    enumsIn(z.toJSONSchema(definition.data, { io: 'input', unrepresentable: 'any' }), enums);
    return [...enums].flatMap(([field, values]) => [...values].map((value) => ({ type: definition.type, field, value })));
  });
