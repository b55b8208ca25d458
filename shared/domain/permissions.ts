import type { Actor, Role } from '../../events/index.js';
import { forbidden } from './errors.js';

/**
 * Who may run each command: one table, read by the deciders (`requirePermitted`, before any other
 * rule) and by the HTTP edge (`rolesFor`: the roles a route is open to), so that the two cannot
 * drift. A role absent from a command's row is refused; a role present must also meet its
 * condition on the command's subject (the programme's or session's centre and department, the
 * session's jury). `system` is the platform itself (the PV document intake), never a signed-in user.
 */

type Condition =
  /** the centre the programme or session belongs to */
  | 'own-centre'
  /** an agent of the UD of the subject's department */
  | 'own-department'
  /** the regional direction of the subject's region */
  | 'own-region'
  /** whoever holds the role, whatever their territory (national reference data) */
  | 'anywhere'
  /** a juror on the session's jury */
  | 'on-jury'
  /** a juror on the session's jury, about themselves (the command's `jurorId`) */
  | 'self-on-jury'
  /** the platform's controlled intake */
  | 'platform';

interface Permission {
  readonly by: Partial<Record<Role, Condition>>;
  /** The refusal's code. */
  readonly refusal: string;
  /** The refusal's French message, when the roles' own does not fit. */
  readonly message?: string;
}

// Without side effects, said to esbuild: a bundle that imports an aggregate's fold but none of its
// deciders (the projector, the notifier) then leaves the table below out.
const centre = /* @__NO_SIDE_EFFECTS__ */ (refusal = 'session.not-own-centre'): Permission => ({ by: { centre: 'own-centre' }, refusal });
const ud = /* @__NO_SIDE_EFFECTS__ */ (refusal: string): Permission => ({ by: { ud: 'own-department' }, refusal });
/** The regional direction keeps the agréments; it may leave them to the UD of the centre's department. */
const agrements: Permission = {
  by: { region: 'own-region', ud: 'own-department' },
  refusal: 'agrement.not-own-territory',
  message: 'Seule la direction régionale de la région du centre, ou l’unité départementale de son département, peut enregistrer ou modifier son agrément.',
};

/**
 * One row per command of the deciders. A command without a row does not type-check in its decider
 * (`requirePermitted` takes the row's name); a new row needs a sample command in
 * test/web/permissions.unit.test.ts (its type asks for one), which then checks that the decider
 * accepts exactly the row's roles and that the command's HTTP route is open to exactly those.
 */
export const permissions = {
  SubmitProgramme: centre('programme.not-own-centre'),
  RecordTitre: {
    by: { region: 'anywhere' },
    refusal: 'titre.region-only',
    message: 'Seule une direction régionale tient la liste des titres professionnels.',
  },
  RecordAgrement: agrements,
  AmendAgrement: agrements,
  WithdrawAgrement: agrements,
  HabilitateJuror: ud('habilitation.not-own-department'),
  WithdrawHabilitation: ud('habilitation.not-own-department'),
  CreateSession: centre(),
  RegisterCandidate: centre(),
  WithdrawCandidate: centre(),
  AssignJuror: centre(),
  DeclareTie: { by: { centre: 'own-centre', juror: 'self-on-jury' }, refusal: 'session.not-own-centre' },
  UnassignJuror: centre(),
  GrantAccommodation: centre(),
  InformJuryOfAccommodations: centre(),
  SendConvocations: centre(),
  CheckPlateauTechnique: centre(),
  SchedulePassages: centre(),
  CheckSeals: centre(),
  ReportFraud: { by: { centre: 'own-centre', juror: 'on-jury' }, refusal: 'session.not-own-centre' },
  NotifySanction: ud('sanction.not-own-department'),
  SignPV: centre(),
  RecordPVDocument: { by: { system: 'platform' }, refusal: 'pv.document-intake-only', message: 'Seul le dépôt contrôlé des fichiers enregistre un procès-verbal.' },
  QuarantinePVDocument: { by: { system: 'platform' }, refusal: 'pv.document-intake-only', message: 'Seul le dépôt contrôlé des fichiers écarte un fichier.' },
  RecordResultsInCeres: centre(),
  TransmitPV: centre(),
  ValidatePV: ud('pv.not-own-department'),
  RejectPV: ud('pv.not-own-department'),
  CancelSession: centre(),
  // The centre that registered the candidate holds their data and is their contact; the UD only reads names.
  EraseCandidatePersonalData: centre(),
} as const satisfies Record<string, Permission>;

export type CommandType = keyof typeof permissions;

/** What a command concerns, as far as the conditions need. */
export interface Subject {
  readonly centreId?: string | undefined;
  readonly department?: string | undefined;
  readonly region?: string | undefined;
  /** The session's jury now. */
  readonly jurorIds?: readonly string[] | undefined;
  /** The juror the command is about. */
  readonly aboutJurorId?: string | undefined;
}

/** The roles that may run a command at all (the edge opens its route to these). */
export const rolesFor = (type: CommandType): Role[] => Object.keys((permissions[type] as Permission).by) as Role[];

const meets = (actor: Actor, condition: Condition | undefined, subject: Subject): boolean => {
  const { centreId, department, region, jurorId } = actor.scope;
  const onJury = jurorId !== undefined && (subject.jurorIds ?? []).includes(jurorId);
  switch (condition) {
    case 'own-centre':
      return centreId !== undefined && centreId === subject.centreId;
    case 'own-department':
      return department !== undefined && department === subject.department;
    case 'own-region':
      return region !== undefined && region === subject.region;
    case 'on-jury':
      return onJury;
    case 'self-on-jury':
      return onJury && jurorId === subject.aboutJurorId;
    case 'platform':
      return actor.role === 'system';
    case 'anywhere':
      return true;
    default:
      return false;
  }
};

/** Whether the actor may run the command on that subject, by the table. */
const permits = (actor: Actor, type: CommandType, subject: Subject): boolean => meets(actor, (permissions[type] as Permission).by[actor.role], subject);

/** Refuses (403, in French) an actor the table does not allow on that subject. */
export const requirePermitted = (actor: Actor, type: CommandType, subject: Subject): void => {
  if (permits(actor, type, subject)) return;
  const { by, refusal, message }: Permission = permissions[type];
  const who = by.centre ? 'Seul le centre agréé concerné' : `Seul un agent de l’unité départementale du département ${subject.department ?? ''}`;
  throw forbidden(refusal, message ?? `${who} peut faire cette démarche.`);
};
