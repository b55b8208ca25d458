import { centreLabel, examTestLabels, type CandidateResultView, type SessionView } from '../views/model.js';
import { formatDate, renderHtml, renderText, type Block } from './render.js';
import { quarantineReasons } from '../vault/quarantineReasons.js';

/**
 * The French wording of every mail. A template returns a subject and blocks; `render` turns them
 * into text and HTML. Mails carry no health data; a candidate's name appears only where the
 * recipient may read it: the candidate's own mails, and the results on the centre's copy (the
 * centre registered them). An erased candidate keeps the bare id.
 */
export interface Rendered {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const render = (subject: string, recipientName: string, blocks: readonly Block[]): Rendered => {
  const greeting = `Bonjour ${recipientName},`;
  return { subject, text: renderText(greeting, blocks), html: renderHtml(subject, greeting, blocks) };
};

/** What a mail shows of a session; the centre by its name when the session's creation recorded one. */
export type SessionSummary = Pick<
  SessionView,
  'sessionId' | 'centreId' | 'centreName' | 'titreCode' | 'titreLabel' | 'ceresReference' | 'site' | 'startDate' | 'endDate' | 'department'
>;

/** The titre in words when the session recorded its label: « Développeur web et web mobile (RNCP37674) ». */
const titreOf = (session: Pick<SessionSummary, 'titreCode' | 'titreLabel'>): string => (session.titreLabel ? `${session.titreLabel} (${session.titreCode})` : session.titreCode);

/** A subject's session: « Développeur web et web mobile, 5 avril 2027 ». */
const titreOn = (session: SessionSummary): string => `${session.titreLabel ?? session.titreCode}, ${formatDate(session.startDate)}`;

/** One test of the candidate's, as the order of passage posted it. */
export interface OwnPassage {
  readonly test: string;
  readonly on: string;
  readonly at: string;
}

/** A candidate's tests in order, each on its day at its time; nothing when the order is not posted. */
const passagesBlocks = (passages: readonly OwnPassage[]): Block[] =>
  passages.length === 0
    ? []
    : [
        { p: passages.length > 1 ? 'Vos épreuves, selon l’ordre de passage affiché par le centre :' : 'Votre épreuve, selon l’ordre de passage affiché par le centre :' },
        { list: passages.map((passage) => `le ${formatDate(passage.on)} à ${hour(passage.at)} : ${examTestLabels[passage.test] ?? passage.test}`) },
      ];

const sessionFacts = (session: SessionSummary): Block => ({
  facts: [
    ['Titre professionnel', titreOf(session)],
    ['Référence CERES', session.ceresReference],
    ['Centre', centreLabel(session)],
    ['Lieu', session.site],
    ['Dates', session.startDate === session.endDate ? `le ${formatDate(session.startDate)}` : `du ${formatDate(session.startDate)} au ${formatDate(session.endDate)}`],
  ],
});

/** A session's page in the reader's part of the application: `/ud/sessions/{id}`, `/centre/…`, `/jure/…`. */
const sessionLink = (appUrl: string, reader: 'ud' | 'centre' | 'jure', session: Pick<SessionSummary, 'sessionId'>, label: string, page = ''): Block =>
  link(appUrl, `/${reader}/sessions/${encodeURIComponent(session.sessionId)}${page}`, label);

/** `08:30` -> `8 h 30`: French writes the hour without a leading zero. */
/** `08:30` -> « 8 h 30 », `09:00` -> « 9 h », as the pages write it. */
const hour = (time: string) => time.replace(/^0?(\d+):/, '$1 h ').replace(/ h 00$/, ' h');

const link = (appUrl: string, path: string, label: string): Block => ({ link: { href: `${appUrl.replace(/\/$/, '')}${path}`, label } });

/** The centre's contact in the contact book: the mails take no reply, a convoked person writes there. */
export interface Contact {
  readonly name: string;
  readonly email: string;
}

/** « (DDETS du Rhône, titres@…) » after the unit or centre a reader is sent to; nothing when unknown. */
const unitOf = (contact: Contact | undefined): string => (contact ? ` (${contact.name === contact.email ? '' : `${contact.name}, `}${contact.email})` : '');

const contactBlock = (contact: Contact | undefined): Block[] =>
  contact
    ? [
        {
          p: `En cas d’empêchement ou pour toute question, adressez-vous au responsable de session : ${contact.name === contact.email ? '' : `${contact.name}, `}${contact.email}.`,
        },
      ]
    : [];

const decisionLabels: Readonly<Record<CandidateResultView['decision'], string>> = {
  'titre-obtenu': 'Titre obtenu',
  'reussite-partielle': 'Réussite partielle',
  echec: 'Échec',
  absent: 'Absent',
};

/** « CCP obtenu », agreed with how many: « CCP obtenus » from two. */
const ccpObtained = (ccps: readonly string[]) => `CCP obtenu${ccps.length > 1 ? 's' : ''}`;
/** A titre as its last record names it, for the mails that name a titre or its CCP blocks. */
export interface TitreWords {
  readonly code: string;
  /** Undefined when the titre is not recorded. */
  readonly label?: string | undefined;
  readonly ccps: ReadonlyMap<string, string>;
}

/** A titre in words with its code (« Développeur web et web mobile (RNCP37674) »), the code alone when unrecorded. */
const titreNamed = (titre: TitreWords) => (titre.label ? `${titre.label} (${titre.code})` : titre.code);

/** The CCP blocks obtained, in words with their code (the code alone when the titre's record lacks it). */
const ccpList = (codes: readonly string[], labels: ReadonlyMap<string, string> | undefined) =>
  codes.map((code) => (labels?.has(code) ? `${labels.get(code)} (${code})` : code)).join(' ; ');

const sanctionLabels = {
  avertissement: 'un avertissement',
  'annulation-epreuve': 'l’annulation de l’épreuve',
  'exclusion-session': 'l’exclusion de la session',
  interdiction: 'une interdiction de se présenter aux sessions d’examen',
} as const;

/**
 * A due date's reminder or, once passed, its alert. Outside {@link templates} as well as in it: the
 * deadline run sends no other mail, and imports this one alone (an object's unused members are not
 * dropped from a bundle; unused exports are).
 */
export const deadlineMail = (
  to: string,
  d: { alert: boolean; label: string; dueOn: string; what: string; about: string; path: string; note?: string | undefined },
  appUrl: string,
) =>
  render(`${d.alert ? 'Échéance dépassée' : 'Rappel d’échéance'} : ${d.label} — ${d.about}`, to, [
    {
      p:
        d.note ??
        (d.alert
          ? `L’échéance ci-dessous est dépassée depuis le ${formatDate(d.dueOn)} et l’étape n’est pas enregistrée.`
          : `L’échéance ci-dessous arrive le ${formatDate(d.dueOn)} et l’étape n’est pas encore enregistrée.`),
    },
    {
      facts: [
        ['Échéance', d.label],
        ['Date', formatDate(d.dueOn)],
        ['Concerne', d.what],
      ],
    },
    link(appUrl, d.path, 'Ouvrir dans l’application'),
  ]);

export const templates = {
  programmeReceived: (
    to: string,
    d: { centreId: string; centreName?: string | undefined; year: number; revision: number; onTime: boolean; plannedCount: number; submittedOn: string },
    appUrl: string,
    /** The reader's own page: neither the UD nor the region has a page of one centre's programme. */
    home: '/ud' | '/region/sessions',
  ) =>
    render(`Programmation prévisionnelle ${d.year} reçue du centre ${centreLabel(d)}`, to, [
      {
        p: `Le centre agréé ${centreLabel(d)} a transmis sa programmation prévisionnelle des sessions d’examen pour ${d.year}${d.revision > 1 ? ` (version ${d.revision})` : ''}.`,
      },
      {
        facts: [
          ['Sessions prévues', String(d.plannedCount)],
          ['Transmise le', formatDate(d.submittedOn)],
          ['Délai du 31 janvier', d.onTime ? 'respecté' : 'dépassé'],
        ],
      },
      link(appUrl, home, 'Ouvrir dans l’application'),
    ]),

  sessionCreatedLate: (to: string, session: SessionSummary, d: { createdOn: string; creationDeadline: string }, appUrl: string) =>
    render(`Session créée hors délai : ${session.ceresReference}`, to, [
      { p: `Le centre ${centreLabel(session)} a créé dans CERES une session d’examen moins de trois mois avant son début. Ce manquement est porté à votre connaissance.` },
      sessionFacts(session),
      {
        facts: [
          ['Créée le', formatDate(d.createdOn)],
          ['À créer au plus tard le', formatDate(d.creationDeadline)],
        ],
      },
      sessionLink(appUrl, 'ud', session, 'Consulter la session'),
    ]),

  jurorConvocation: (to: string, session: SessionSummary, d: { startTime: string; contact?: Contact | undefined; passagesPosted?: boolean }, appUrl: string) =>
    render(`Convocation au jury : ${titreOn(session)}`, to, [
      { p: 'Vous êtes convoqué(e) en qualité de membre du jury de la session d’examen ci-dessous. L’invitation jointe (fichier .ics) l’ajoute à votre agenda.' },
      sessionFacts(session),
      {
        p: `Merci de vous présenter à ${hour(d.startTime)} : le plateau technique est vérifié avec le responsable de session avant le début des épreuves (prévoir une heure).`,
      },
      { p: 'Si vous êtes salarié(e), votre demande d’autorisation d’absence doit parvenir à votre employeur au moins 15 jours calendaires avant la session.' },
      {
        p: `Vous ne devez pas évaluer un candidat avec lequel vous avez ou avez eu un lien personnel ou professionnel : déclarez-le sur la page de la session${d.passagesPosted ? ', où figure aussi l’ordre de passage des candidats' : ''}.`,
      },
      sessionLink(appUrl, 'jure', session, 'Page de la session'),
      ...contactBlock(d.contact),
    ]),

  jurorHabilitated: (to: string, d: { titre: TitreWords; department: string; validFrom: string; validUntil: string; unit: Contact }, appUrl: string) =>
    render(`Habilitation de membre de jury : ${titreNamed(d.titre)}`, to, [
      {
        p: `L’unité départementale (${d.unit.name}) vous a habilité(e) membre de jury du titre professionnel ${titreNamed(d.titre)}. Les centres agréés du département peuvent vous désigner dans le jury de leurs sessions d’examen ; vos convocations vous parviennent par courriel.`,
      },
      {
        facts: [
          ['Titre professionnel', titreNamed(d.titre)],
          ['Valable', `du ${formatDate(d.validFrom)} au ${formatDate(d.validUntil)}`],
        ],
      },
      link(appUrl, '/jure', 'Mes convocations'),
    ]),

  habilitationWithdrawn: (to: string, d: { titre: TitreWords | undefined; withdrawnOn: string; reason: string; unit?: Contact | undefined }) =>
    render(`Retrait de votre habilitation de membre de jury${d.titre ? ` : ${titreNamed(d.titre)}` : ''}`, to, [
      {
        p: `L’unité départementale a retiré le ${formatDate(d.withdrawnOn)} votre habilitation de membre de jury${d.titre ? ` du titre professionnel ${titreNamed(d.titre)}` : ''}. À partir de cette date, vous ne pouvez plus être désigné(e) dans un jury pour ce titre ni y siéger ; les centres qui vous avaient désigné(e) vous remplaceront.`,
      },
      { facts: [['Motif', d.reason]] },
      { p: `Pour toute question, adressez-vous à l’unité départementale${unitOf(d.unit)}.` },
    ]),

  sessionCancelled: (to: string, session: SessionSummary, d: { cancelledOn: string; audience: 'juror' | 'candidate'; withInvitation: boolean; contact?: Contact | undefined }) =>
    render(`Session annulée : ${titreOn(session)}`, to, [
      {
        p: `Le centre ${centreLabel(session)} a annulé le ${formatDate(d.cancelledOn)} la session d’examen ci-dessous. Vous n’avez pas à vous y présenter.`,
      },
      sessionFacts(session),
      {
        p:
          d.audience === 'juror'
            ? `${d.withInvitation ? 'L’annulation jointe (fichier .ics) retire la session de votre agenda. ' : ''}Si vous avez demandé une autorisation d’absence à votre employeur, vous pouvez la retirer.`
            : `Pour vous inscrire à une autre session, ou pour toute question, adressez-vous au centre${unitOf(d.contact)}.`,
      },
    ]),

  jurorUnassigned: (to: string, session: SessionSummary, d: { withInvitation: boolean; afterDayOne: boolean }) =>
    render(`Vous ne faites plus partie du jury : ${titreOn(session)}`, to, [
      {
        p: d.afterDayOne
          ? `Le centre ${centreLabel(session)} vous a retiré(e) du jury de la session d’examen ci-dessous, l’unité départementale ayant retiré votre habilitation : vous n’y siégez plus et ne signerez pas son procès-verbal.`
          : `Le centre ${centreLabel(session)} vous a retiré(e) du jury de la session d’examen ci-dessous : vous n’avez pas à vous y présenter.${d.withInvitation ? ' L’annulation jointe (fichier .ics) retire la session de votre agenda.' : ''}`,
      },
      sessionFacts(session),
    ]),

  jurorDesignatedDuringSession: (to: string, session: SessionSummary, d: { tiedCandidates: number; contact?: Contact | undefined }) =>
    render(`Désignation au jury d’une session en cours : ${session.titreLabel ?? session.titreCode}`, to, [
      {
        p: `Le centre ${centreLabel(session)} vous a désigné(e) membre du jury de la session d’examen ci-dessous, qui a commencé, pour que chaque candidat soit évalué par au moins deux membres sans lien avec lui. Le responsable de session vous indique les épreuves auxquelles vous participez ; l’invitation jointe (fichier .ics) ajoute la session à votre agenda.`,
      },
      sessionFacts(session),
      ...(d.tiedCandidates > 0 ? [{ p: 'Vous avez déclaré un lien avec un ou plusieurs candidats : vous ne les évaluez pas et ne délibérez pas à leur sujet.' }] : []),
      { p: 'Vous signez le procès-verbal de la session avec les autres membres du jury.' },
      ...contactBlock(d.contact),
    ]),

  candidateConvocation: (to: string, session: SessionSummary, d: { startTime: string; contact?: Contact | undefined; passages?: readonly OwnPassage[] }) =>
    render(`Convocation à la session d’examen du ${formatDate(session.startDate)}`, to, [
      { p: 'Vous êtes convoqué(e) à la session d’examen du titre professionnel ci-dessous.' },
      sessionFacts(session),
      { p: `Merci de vous présenter le ${formatDate(session.startDate)} à ${hour(d.startTime)} muni(e) d’une pièce d’identité en cours de validité.` },
      ...passagesBlocks(d.passages ?? []),
      { p: 'Le règlement général des sessions, affiché par le centre, prévoit les aménagements d’épreuves pour les candidats en situation de handicap.' },
      ...contactBlock(d.contact),
    ]),

  /** The order of passage posted or changed after the candidate was convoked: their own tests. */
  candidatePassages: (to: string, session: SessionSummary, d: { passages: readonly OwnPassage[]; changed: boolean; contact?: Contact | undefined }) =>
    render(`${d.changed ? 'Ordre de passage modifié' : 'Ordre de passage'} : session d’examen du ${formatDate(session.startDate)}`, to, [
      {
        p: `Le centre ${centreLabel(session)} ${d.changed ? 'a modifié' : 'a affiché'} l’ordre de passage de la session d’examen ci-dessous, à laquelle vous êtes convoqué(e).`,
      },
      sessionFacts(session),
      ...passagesBlocks(d.passages),
      ...contactBlock(d.contact),
    ]),

  accommodations: (to: string, session: SessionSummary, d: { count: number }, appUrl: string) =>
    render(`Aménagements d’épreuves : session ${session.ceresReference}`, to, [
      {
        p: `${d.count === 1 ? 'Un candidat bénéficie' : `${d.count} candidats bénéficient`} d’un aménagement d’épreuves pour la session ci-dessous. Le responsable de session vous en communique le détail, qui n’est pas repris dans ce message.`,
      },
      sessionFacts(session),
      sessionLink(appUrl, 'jure', session, 'Consulter la session'),
    ]),

  pvTransmitted: (to: string, session: SessionSummary, d: { revision: number; transmittedOn: string }, appUrl: string) =>
    render(`Procès-verbal à instruire : session ${session.ceresReference}`, to, [
      {
        p: `Le centre ${centreLabel(session)} vous a transmis le procès-verbal signé${d.revision > 1 ? ` (version ${d.revision})` : ''} de la session ci-dessous. Il est à instruire et à valider.`,
      },
      sessionFacts(session),
      { facts: [['Transmis le', formatDate(d.transmittedOn)]] },
      sessionLink(appUrl, 'ud', session, 'Instruire le procès-verbal'),
    ]),

  pvRejected: (to: string, session: SessionSummary, d: { rejectedOn: string; reason: string }, appUrl: string) =>
    render(`Procès-verbal rejeté : session ${session.ceresReference}`, to, [
      {
        p: 'L’unité départementale a rejeté le procès-verbal de la session ci-dessous. Merci de le corriger, de le faire signer à nouveau par tous les membres du jury et de le transmettre.',
      },
      sessionFacts(session),
      {
        facts: [
          ['Rejeté le', formatDate(d.rejectedOn)],
          ['Motif', d.reason],
        ],
      },
      sessionLink(appUrl, 'centre', session, 'Consulter la session'),
    ]),

  pvQuarantined: (to: string, session: SessionSummary, d: { objectKey: string; reason: keyof typeof quarantineReasons }, appUrl: string) =>
    render(`Fichier de procès-verbal refusé : session ${session.ceresReference}`, to, [
      { p: `Le fichier déposé pour le procès-verbal de la session ci-dessous a été refusé et mis de côté : ${quarantineReasons[d.reason]}.` },
      sessionFacts(session),
      { p: 'Merci de déposer à nouveau le procès-verbal signé, au format PDF.' },
      sessionLink(appUrl, 'centre', session, 'Déposer le procès-verbal', '/pv'),
    ]),

  pvValidatedCentre: (
    to: string,
    session: SessionSummary,
    d: { validatedOn: string; results: readonly CandidateResultView[]; names?: ReadonlyMap<string, string>; ccps?: ReadonlyMap<string, string> | undefined },
    appUrl: string,
  ) =>
    render(`Procès-verbal validé, résultats officiels : session ${session.ceresReference}`, to, [
      { p: `L’unité départementale a validé le procès-verbal le ${formatDate(d.validatedOn)}. Les résultats ci-dessous sont désormais officiels.` },
      sessionFacts(session),
      {
        list: d.results.map(
          (r) =>
            `${d.names?.get(r.candidateId) ?? `Candidat ${r.candidateId}`} : ${decisionLabels[r.decision]}${r.ccpObtained.length > 0 ? ` (${ccpObtained(r.ccpObtained)} : ${ccpList(r.ccpObtained, d.ccps)})` : ''}`,
        ),
      },
      sessionLink(appUrl, 'centre', session, 'Consulter la session'),
    ]),

  pvValidatedCandidate: (to: string, session: SessionSummary, d: { validatedOn: string; result: CandidateResultView; ccps?: ReadonlyMap<string, string> | undefined }) =>
    render(`Votre résultat officiel : ${session.titreLabel ?? session.titreCode}`, to, [
      { p: `Le procès-verbal de votre session d’examen a été validé le ${formatDate(d.validatedOn)} : votre résultat est officiel.` },
      sessionFacts(session),
      {
        facts: [
          ['Résultat', decisionLabels[d.result.decision]],
          ...(d.result.ccpObtained.length > 0 ? ([[`${ccpObtained(d.result.ccpObtained)} (acquis définitivement)`, ccpList(d.result.ccpObtained, d.ccps)]] as const) : []),
        ],
      },
    ]),

  sanction: (to: string, session: SessionSummary, d: { sanction: keyof typeof sanctionLabels; banMonths?: number | undefined; pronouncedOn: string; unit: Contact }) =>
    render('Notification d’une sanction', to, [
      {
        p: `À la suite d’un signalement de fraude lors de la session d’examen ci-dessous, le directeur départemental a prononcé le ${formatDate(d.pronouncedOn)} ${sanctionLabels[d.sanction]}${d.banMonths ? ` d’une durée de ${d.banMonths} mois` : ''}.`,
      },
      sessionFacts(session),
      { p: `Vous pouvez former un recours auprès de l’unité départementale qui a prononcé la sanction${unitOf(d.unit)}.` },
    ]),

  deadline: deadlineMail,
};
