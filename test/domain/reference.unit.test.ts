import { describe, expect, it } from 'vitest';
import { domainEventSchema } from '../../events/index.js';
import { AppError, httpStatusOf } from '../../shared/errors.js';
import { isCalendarDate } from '../../shared/domain/calendar.js';
import { deadlineLabels } from '../../shared/domain/deadlines.js';
import { defaultSettings } from '../../shared/domain/decider.js';
import { DomainError, conflict, forbidden, isDomainError, notFound, ruleBroken } from '../../shared/domain/errors.js';
import { decisionLabels, resultsStatusLabels } from '../../shared/domain/results.js';
import { titreCatalogue } from '../../shared/domain/titres.js';
import { sampleCatalogue, sampleTitres } from '../support/titres.js';

describe('titres as reference data', () => {
  it('describes each sample titre with an RNCP code, a label, its CCP and valid dates', () => {
    expect(sampleTitres.length).toBeGreaterThanOrEqual(3);
    for (const titre of sampleTitres) {
      expect(titre.code).toMatch(/^RNCP\d{3,6}$/);
      expect(titre.label.length).toBeGreaterThan(5);
      expect(isCalendarDate(titre.validUntil)).toBe(true);
      if (titre.revisedOn !== undefined) {
        expect(isCalendarDate(titre.revisedOn)).toBe(true);
        expect(titre.revisedOn < titre.validUntil).toBe(true);
      }
      expect(titre.ccps.length).toBeGreaterThanOrEqual(2);
      for (const ccp of titre.ccps) {
        expect(ccp.code.startsWith(`${titre.code}BC`)).toBe(true);
        expect(ccp.label.length).toBeGreaterThan(10);
        // A CCP code must fit the event catalogue, where PVSigned lists the CCP obtained.
        const event = {
          type: 'PVSigned',
          data: {
            revision: 1,
            signedOn: '2027-01-01',
            decisions: [{ candidateId: 'cand_a', decision: 'reussite-partielle', ccpObtained: [ccp.code], evaluatorIds: ['jur_a'] }],
            signatoryIds: ['jur_a', 'jur_b'],
            documentSha256: 'a'.repeat(64),
          },
        };
        expect(domainEventSchema.safeParse(event).success).toBe(true);
      }
      expect(new Set(titre.ccps.map((c) => c.code)).size).toBe(titre.ccps.length);
    }
  });

  it('looks titres up by RNCP code', () => {
    expect(sampleCatalogue.RNCP37674?.label).toBe('Développeur web et web mobile');
    expect(sampleCatalogue.RNCP99999).toBeUndefined();
    expect(Object.keys(titreCatalogue(sampleTitres))).toEqual(sampleTitres.map((t) => t.code));
  });
});

describe('labels users read', () => {
  it('has a French label for every deadline, decision and results status', () => {
    for (const label of [...Object.values(deadlineLabels), ...Object.values(decisionLabels), ...Object.values(resultsStatusLabels)]) {
      expect(label).toMatch(/^[A-ZÉ][\p{L}\p{P} ’'()≥0-9]+$/u);
    }
    expect(decisionLabels).toEqual({ 'titre-obtenu': 'Titre obtenu', 'reussite-partielle': 'Réussite partielle', echec: 'Échec', absent: 'Absent' });
    expect(resultsStatusLabels.provisoires).toMatch(/provisoires.*validation/);
    expect(resultsStatusLabels.officiels).toMatch(/officiels.*validé/);
    expect(deadlineLabels['yearly-programme']).toMatch(/31 janvier/);
    expect(deadlineLabels['session-creation']).toMatch(/CERES/);
  });
});

describe('settings', () => {
  it('defaults to the delays of the texts and safe choices where the texts say nothing', () => {
    expect(defaultSettings).toEqual({
      jurorConvocationDays: 15,
      candidateConvocationDays: 15,
      pvTransmissionDays: 8,
      pvValidationDays: 30,
      reminderLeadDays: 7,
      professionalisationValidityYears: 2,
    });
  });
});

describe('domain errors', () => {
  it('carry a rule id, a category mapped to an HTTP status at the edge, and the field concerned', () => {
    const broken = ruleBroken('pv.missing-decision', 'Il manque une décision.', { candidateIds: ['cand_a'], field: 'decisions' });
    expect(broken).toBeInstanceOf(AppError);
    expect(broken).toBeInstanceOf(DomainError);
    expect([broken.name, broken.code, broken.category, httpStatusOf(broken.category)]).toEqual(['DomainError', 'pv.missing-decision', 'rule', 422]);
    expect(broken.fields).toEqual([{ field: 'decisions', message: 'Il manque une décision.' }]);
    expect(broken.subject.candidateIds).toEqual(['cand_a']);
    expect(ruleBroken('x.y', 'Message.').fields).toEqual([]);
    expect(ruleBroken('x.y', 'Message.').subject).toEqual({});
    expect(httpStatusOf(forbidden('a.b', 'Interdit.').category)).toBe(403);
    expect(httpStatusOf(notFound('a.b', 'Absent.').category)).toBe(404);
    expect(notFound('a.b', 'Absent.', { jurorIds: ['jur_a'] }).subject).toEqual({ jurorIds: ['jur_a'] });
    expect(httpStatusOf(conflict('a.b', 'Déjà fait.').category)).toBe(409);
    expect(new DomainError('a.b', 'Message.').category).toBe('rule');
    expect([isDomainError(broken), isDomainError(new AppError('x', 'rule', 'y')), isDomainError(new Error('x'))]).toEqual([true, false, false]);
  });
});
