/**
 * One exam session, stream `session-<sessionId>`, from its creation in CERES to the validated PV
 * or its cancellation. The leaflet's obligations are enforced here (refusals) or recorded as
 * breaches (a late creation or late convocations are accepted, marked late, and the UD is told).
 *
 * Jury assignment needs the juror's habilitations, which live in another stream: the AssignJuror
 * command carries a snapshot of them (`habilitationsOf(jurorState)` from juror.ts), read by the
 * handler just before deciding. The decider picks the habilitation that fits the session.
 */
import type { DecisionContext, Decider } from './decider.js';
import { requirePermitted } from './permissions.js';
import { type SessionCommand, type SessionCommandType, type SessionEvent, type SessionEventType, type SessionState, sessionEventTypes } from './session/model.js';
import type { Handler } from './session/guards.js';
import {
  assignJuror,
  createSession,
  declareTie,
  grantAccommodation,
  informJury,
  registerCandidate,
  schedulePassages,
  sendConvocations,
  unassignJuror,
  withdrawCandidate,
} from './session/preparation.js';
import { checkPlateau, checkSeals, notifySanction, reportFraud } from './session/dayOne.js';
import { quarantinePvDocument, recordPvDocument, recordResults, rejectPv, signPv, transmitPv, validatePv } from './session/pv.js';
import { cancelSession, eraseCandidatePersonalData } from './session/lifecycle.js';
import { evolve, initialSessionState } from './session/evolve.js';

export { sessionFold } from './session/evolve.js';

export {
  creationDeadline,
  juryGaps,
  sessionStreamId,
  type Decision,
  type PvDecision,
  type SessionCommand,
  type SessionEvent,
  type SessionEventType,
  type SessionState,
} from './session/model.js';

const handlers: { [T in SessionCommandType]: Handler<T> } = {
  CreateSession: createSession,
  RegisterCandidate: registerCandidate,
  WithdrawCandidate: withdrawCandidate,
  AssignJuror: assignJuror,
  DeclareTie: declareTie,
  UnassignJuror: unassignJuror,
  GrantAccommodation: grantAccommodation,
  InformJuryOfAccommodations: informJury,
  SendConvocations: sendConvocations,
  CheckPlateauTechnique: checkPlateau,
  SchedulePassages: schedulePassages,
  CheckSeals: checkSeals,
  ReportFraud: reportFraud,
  NotifySanction: notifySanction,
  SignPV: signPv,
  RecordPVDocument: recordPvDocument,
  QuarantinePVDocument: quarantinePvDocument,
  RecordResultsInCeres: recordResults,
  TransmitPV: transmitPv,
  ValidatePV: validatePv,
  RejectPV: rejectPv,
  CancelSession: cancelSession,
  EraseCandidatePersonalData: eraseCandidatePersonalData,
};

/**
 * Who may run the command is checked first, by the permission table (permissions.ts), on the
 * session's centre, department and jury (a creation on the centre it names); a command on a
 * session that does not exist is left to its handler's 404.
 */
const requireSessionPermission = (command: SessionCommand, state: SessionState, context: DecisionContext): void => {
  if (state.status !== 'none') {
    const aboutJurorId = 'jurorId' in command ? command.jurorId : undefined;
    requirePermitted(context.actor, command.type, { centreId: state.centreId, department: state.department, jurorIds: Object.keys(state.jury), aboutJurorId });
  } else if (command.type === 'CreateSession') requirePermitted(context.actor, command.type, command);
};

const decide = (command: SessionCommand, state: SessionState, context: DecisionContext): SessionEvent[] => {
  requireSessionPermission(command, state, context);
  return (handlers[command.type] as Handler<SessionCommandType>)(command, state, context);
};

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = { initialState: initialSessionState, decide, evolve };

/** The commands the PV intake runs on a session: its uploaded file, stored or quarantined. */
export type SessionDocumentCommand = Extract<SessionCommand, { type: 'RecordPVDocument' | 'QuarantinePVDocument' }>;

/**
 * The session's decider restricted to the PV file's commands, for the PV intake: the same
 * permission check, rules and fold as {@link sessionDecider} for these two commands, without the
 * rules of every other command in the intake's cold start (a table of handlers keeps them all).
 */
export const sessionDocumentDecider: Decider<SessionDocumentCommand, SessionState, SessionEvent> = {
  initialState: initialSessionState,
  decide: (command, state, context) => {
    requireSessionPermission(command, state, context);
    switch (command.type) {
      case 'RecordPVDocument':
        return recordPvDocument(command, state, context);
      case 'QuarantinePVDocument':
        return quarantinePvDocument(command, state, context);
      default:
        return command satisfies never;
    }
  },
  evolve,
};

/** The session event types, for stream filters and tests. */
export const sessionEvents: readonly SessionEventType[] = sessionEventTypes;
