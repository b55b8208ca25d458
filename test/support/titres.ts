import { titreCatalogue, type Titre, type TitreCatalogue } from '../../shared/domain/titres.js';

/**
 * The four sample titres of the tests (and of docs/samples/rncp/, which `npm start` imports). Only
 * RNCP37873's dates were checked against France Compétences; the dates of RNCP37674, RNCP37274 and
 * RNCP37275 are unverified sample data (for RNCP37274, Légifrance JORFTEXT000046663876 gives a
 * registration of five years from 23 March 2023, not the dates below).
 */
export const sampleTitres: readonly Titre[] = [
  {
    code: 'RNCP37674',
    label: 'Développeur web et web mobile',
    ccps: [
      { code: 'RNCP37674BC01', label: "Développer la partie front-end d'une application web ou web mobile sécurisée" },
      { code: 'RNCP37674BC02', label: "Développer la partie back-end d'une application web ou web mobile sécurisée" },
    ],
    validUntil: '2028-07-19',
    revisedOn: '2023-09-01',
  },
  {
    code: 'RNCP37873',
    label: "Concepteur développeur d'applications",
    ccps: [
      { code: 'RNCP37873BC01', label: 'Développer une application sécurisée' },
      { code: 'RNCP37873BC02', label: 'Concevoir et développer une application sécurisée organisée en couches' },
      { code: 'RNCP37873BC03', label: "Préparer le déploiement d'une application sécurisée" },
    ],
    validUntil: '2028-12-18',
    revisedOn: '2023-12-18',
  },
  {
    code: 'RNCP37274',
    label: 'Conseiller en insertion professionnelle',
    ccps: [
      { code: 'RNCP37274BC01', label: "Accueillir pour analyser la demande des personnes et poser les bases d'un diagnostic partagé" },
      { code: 'RNCP37274BC02', label: "Accompagner les personnes dans leur parcours d'insertion sociale et professionnelle" },
      { code: 'RNCP37274BC03', label: "Mettre en œuvre une offre de services auprès des employeurs pour favoriser l'insertion professionnelle" },
    ],
    validUntil: '2028-03-01',
    revisedOn: '2023-03-01',
  },
  {
    code: 'RNCP37275',
    label: "Formateur professionnel d'adultes",
    ccps: [
      { code: 'RNCP37275BC01', label: 'Préparer et animer des actions de formation collectives en intégrant des environnements numériques' },
      { code: 'RNCP37275BC02', label: 'Construire des parcours individualisés et accompagner les apprenants' },
    ],
    validUntil: '2028-03-01',
    revisedOn: '2023-03-01',
  },
];

/** The sample catalogue, for the deciders under test. */
export const sampleCatalogue: TitreCatalogue = titreCatalogue(sampleTitres);
