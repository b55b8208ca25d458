/** The procès-verbal: signed with the decisions, its document, transmitted, validated or rejected by the UD. */
import { compareDates, frenchDate } from '../calendar.js';
import { duplicatesOf, listIds, titreOf, today } from '../common.js';
import type { DecisionContext } from '../decider.js';
import { conflict, ruleBroken } from '../errors.js';
import { type PvDecision, type SessionData, type SessionState, type SignedPv, candidatesWithUninformedJury } from './model.js';
import { type Handler, requireCreated, requireText, struckOffMembers, struckOffWording } from './guards.js';

const sha256Pattern = /^[0-9a-f]{64}$/;

const checkDecisions = (session: SessionData, decisions: readonly PvDecision[], context: DecisionContext): void => {
  const titre = titreOf(context, session.titreCode);
  const ids = decisions.map((d) => d.candidateId);
  const [duplicate] = duplicatesOf(ids);
  if (duplicate) {
    throw ruleBroken('pv.duplicate-decision', `Le procès-verbal contient deux décisions pour le candidat ${duplicate}.`, { candidateIds: [duplicate] });
  }
  const unknown = ids.filter((id) => !session.candidateIds.includes(id));
  if (unknown.length > 0) {
    throw ruleBroken('pv.unknown-candidate', `Le procès-verbal cite un candidat qui n’est pas inscrit : ${listIds(unknown)}.`, { candidateIds: unknown });
  }
  const missing = session.candidateIds.filter((id) => !ids.includes(id));
  if (missing.length > 0) {
    throw ruleBroken('pv.missing-decision', `Le procès-verbal est incomplet : il manque la décision du jury pour le candidat ${listIds(missing)}.`, {
      candidateIds: missing,
    });
  }
  decisions.forEach((line, index) => {
    if (line.evaluatorIds.length === 0) {
      throw ruleBroken('pv.evaluator-missing', `Indiquez les membres du jury qui ont évalué le candidat ${line.candidateId}.`, {
        candidateIds: [line.candidateId],
        field: `decisions.${index}.evaluatorIds`,
      });
    }
    for (const jurorId of line.evaluatorIds) {
      const member = session.jury[jurorId];
      if (!member) {
        throw ruleBroken('pv.unknown-evaluator', `La personne ${jurorId} a évalué le candidat ${line.candidateId} mais ne fait pas partie du jury de la session.`, {
          jurorIds: [jurorId],
          candidateIds: [line.candidateId],
          field: `decisions.${index}.evaluatorIds`,
        });
      }
      if (member.tiedCandidateIds.includes(line.candidateId)) {
        throw ruleBroken(
          'jury.tie-with-candidate',
          `Le membre de jury ${jurorId} a déclaré un lien avec le candidat ${line.candidateId} : il ne peut ni l’évaluer ni délibérer à son sujet.`,
          { jurorIds: [jurorId], candidateIds: [line.candidateId], field: `decisions.${index}.evaluatorIds` },
        );
      }
    }
    // A jury is at least two members; the evaluators are the members free of ties who decide on the candidate.
    const evaluators = new Set(line.evaluatorIds);
    if (evaluators.size < 2) {
      throw ruleBroken(
        'pv.evaluators-too-few',
        `Le candidat ${line.candidateId} doit être évalué par au moins deux membres du jury sans lien avec lui : seul ${listIds([...evaluators])} est indiqué.`,
        { candidateIds: [line.candidateId], jurorIds: [...evaluators], field: `decisions.${index}.evaluatorIds` },
      );
    }
    const field = `decisions.${index}.ccpObtained`;
    if (line.decision !== 'reussite-partielle') {
      if (line.ccpObtained.length > 0) {
        throw ruleBroken('pv.ccp-unexpected', `Candidat ${line.candidateId} : les CCP obtenus ne se listent qu’en cas de réussite partielle.`, {
          candidateIds: [line.candidateId],
          field,
        });
      }
      return;
    }
    if (line.ccpObtained.length === 0) {
      throw ruleBroken('pv.ccp-missing', `Candidat ${line.candidateId} : une réussite partielle doit lister les CCP obtenus.`, {
        candidateIds: [line.candidateId],
        field,
      });
    }
    const codes = titre?.ccps.map((ccp) => ccp.code) ?? [];
    const foreign = line.ccpObtained.filter((code) => !codes.includes(code));
    if (foreign.length > 0) {
      throw ruleBroken('pv.ccp-not-in-titre', `Candidat ${line.candidateId} : ${listIds(foreign)} n’appartient pas au titre ${session.titreCode}.`, {
        candidateIds: [line.candidateId],
        field,
      });
    }
    if (new Set(line.ccpObtained).size >= codes.length) {
      throw ruleBroken('pv.partial-with-every-ccp', `Candidat ${line.candidateId} : tous les CCP sont obtenus, la décision est « titre obtenu ».`, {
        candidateIds: [line.candidateId],
        field,
      });
    }
  });
};

export const signPv: Handler<'SignPV'> = (command, state, context) => {
  const session = requireCreated(state);
  if (session.status === 'created') throw ruleBroken('pv.session-not-started', 'La session n’a pas commencé (plis non vérifiés) : pas de procès-verbal.');
  if (session.status === 'cancelled') throw ruleBroken('session.cancelled', 'La session est annulée.');
  if (session.status !== 'started' && session.status !== 'pv-rejected') {
    throw conflict('pv.already-signed', 'Un procès-verbal signé est déjà en cours de traitement pour cette session.');
  }
  const signedOn = today(context);
  if (compareDates(signedOn, session.endDate) < 0) {
    throw ruleBroken('pv.before-end', `Le procès-verbal se signe à l’issue de la session, le ${frenchDate(session.endDate)} au plus tôt.`);
  }
  // An accommodation granted once the session had started must reach the jury before it decides.
  const uninformed = candidatesWithUninformedJury(session);
  if (uninformed.length > 0) {
    throw ruleBroken(
      'accommodation.jury-not-informed',
      `Le procès-verbal ne peut pas être signé : le jury n’a pas été informé de l’aménagement d’épreuve du candidat ${listIds(uninformed)}.`,
      { candidateIds: uninformed },
    );
  }
  // A member the UD struck off since day one (or since the session's end) may neither sign nor have decided.
  const struckOff = struckOffMembers(session, command.juryHabilitations, signedOn);
  if (struckOff.length > 0) {
    throw ruleBroken(
      'jury.habilitation-withdrawn',
      `Le procès-verbal ne peut pas être signé : ${struckOffWording(struckOff)}. Retirez ${struckOff.length > 1 ? 'ces membres' : 'ce membre'} du jury ; si un candidat n’a plus deux évaluateurs sans lien avec lui, désignez un autre membre habilité.`,
      { jurorIds: struckOff.map((w) => w.jurorId) },
    );
  }
  checkDecisions(session, command.decisions, context);
  const assigned = Object.keys(session.jury);
  const strangers = command.signatoryIds.filter((id) => !session.jury[id]);
  if (strangers.length > 0) {
    throw ruleBroken('pv.unknown-signatory', `Le procès-verbal est signé par ${listIds(strangers)}, qui n’est pas membre du jury.`, {
      jurorIds: strangers,
      field: 'signatoryIds',
    });
  }
  const unsigned = assigned.filter((id) => !command.signatoryIds.includes(id));
  if (unsigned.length > 0) {
    throw ruleBroken('pv.missing-signature', `Le procès-verbal doit être signé par tous les membres du jury : il manque la signature de ${listIds(unsigned)}.`, {
      jurorIds: unsigned,
      field: 'signatoryIds',
    });
  }
  if (!sha256Pattern.test(command.documentSha256)) {
    throw ruleBroken('pv.sha256-invalid', 'L’empreinte SHA-256 du procès-verbal doit compter 64 caractères hexadécimaux.', { field: 'documentSha256' });
  }
  return [
    {
      type: 'PVSigned',
      data: {
        revision: session.status === 'pv-rejected' ? session.pv.revision + 1 : 1,
        signedOn,
        decisions: command.decisions.map((d) => ({
          candidateId: d.candidateId,
          decision: d.decision,
          ccpObtained: [...new Set(d.ccpObtained)],
          evaluatorIds: [...new Set(d.evaluatorIds)],
        })),
        signatoryIds: [...new Set(command.signatoryIds)],
        documentSha256: command.documentSha256,
      },
    },
  ];
};

const requirePv = (state: SessionState): Extract<SessionState, { pv: SignedPv }> => {
  const session = requireCreated(state);
  if (!('pv' in session)) throw ruleBroken('pv.not-signed', 'Aucun procès-verbal signé n’a été enregistré pour cette session.');
  return session;
};

export const recordPvDocument: Handler<'RecordPVDocument'> = (command, state) => {
  const session = requirePv(state);
  if (command.revision !== session.pv.revision) {
    throw ruleBroken('pv.document-revision', `Le fichier déposé concerne la version ${command.revision} du procès-verbal, la version en cours est la ${session.pv.revision}.`);
  }
  if (session.pv.document) throw conflict('pv.document-already-stored', 'Le fichier de cette version du procès-verbal est déjà déposé.');
  if (command.sha256 !== session.pv.documentSha256) {
    throw ruleBroken('pv.document-checksum-mismatch', 'Le fichier déposé ne correspond pas au procès-verbal signé (empreinte SHA-256 différente).');
  }
  return [
    {
      type: 'PVDocumentStored',
      data: { revision: command.revision, objectKey: command.objectKey, versionId: command.versionId, sha256: command.sha256, sizeBytes: command.sizeBytes },
    },
  ];
};

export const quarantinePvDocument: Handler<'QuarantinePVDocument'> = (command, state) => {
  requireCreated(state);
  return [{ type: 'PVDocumentQuarantined', data: { objectKey: command.objectKey, reason: command.reason } }];
};

export const recordResults: Handler<'RecordResultsInCeres'> = (_command, state, context) => {
  const session = requirePv(state);
  if (session.status !== 'pv-signed') throw conflict('pv.not-awaiting-results', 'Le procès-verbal en cours a déjà été transmis ou traité.');
  if (session.pv.resultsRecordedOn) throw conflict('pv.results-already-recorded', 'Les résultats de cette version du procès-verbal sont déjà enregistrés dans CERES.');
  return [{ type: 'ResultsRecordedInCeres', data: { recordedOn: today(context), pvRevision: session.pv.revision } }];
};

export const transmitPv: Handler<'TransmitPV'> = (_command, state, context) => {
  const session = requirePv(state);
  if (session.status !== 'pv-signed') throw conflict('pv.already-transmitted', 'Ce procès-verbal a déjà été transmis.');
  if (!session.pv.document) {
    throw ruleBroken('pv.document-missing', 'Déposez d’abord le fichier du procès-verbal signé : il sera transmis à l’unité départementale.');
  }
  if (!session.pv.resultsRecordedOn) {
    throw ruleBroken('pv.results-not-recorded', 'Enregistrez d’abord les résultats dans CERES, puis transmettez le procès-verbal.');
  }
  return [{ type: 'PVTransmitted', data: { transmittedOn: today(context), pvRevision: session.pv.revision, department: session.department } }];
};

const requireTransmitted = (state: SessionState): Extract<SessionState, { pv: SignedPv }> => {
  const session = requirePv(state);
  if (session.status !== 'pv-transmitted') throw ruleBroken('pv.not-transmitted', 'Aucun procès-verbal transmis n’attend d’instruction pour cette session.');
  return session;
};

export const validatePv: Handler<'ValidatePV'> = (_command, state, context) => {
  const session = requireTransmitted(state);
  return [{ type: 'PVValidated', data: { validatedOn: today(context), pvRevision: session.pv.revision } }];
};

export const rejectPv: Handler<'RejectPV'> = (command, state, context) => {
  const session = requireTransmitted(state);
  return [
    {
      type: 'PVRejected',
      data: { rejectedOn: today(context), pvRevision: session.pv.revision, reason: requireText(command.reason, 'reason', 'Le motif du rejet') },
    },
  ];
};
