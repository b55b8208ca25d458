import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { parseHistoryRequest } from '../../shared/history/query.js';

const refusal = (query: Record<string, string>): AppError => {
  try {
    parseHistoryRequest(query);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('history query parameters', () => {
  it('defaults to the newest 50 first', () => {
    expect(parseHistoryRequest({})).toMatchObject({ order: 'desc', limit: 50 });
  });

  it('reads several event types from one comma-separated value', () => {
    expect(parseHistoryRequest({ type: 'PVSigned, PVValidated' }).types).toEqual(['PVSigned', 'PVValidated']);
  });

  it('refuses an unknown event type with a French message on the type field', () => {
    const error = refusal({ type: 'PVSigned,SessionExploded' });
    expect(error.category).toBe('validation');
    expect(error.fields).toEqual([{ field: 'type', message: expect.stringContaining('Type d’événement inconnu : SessionExploded') }]);
  });

  it('refuses a period whose end comes before its start', () => {
    const error = refusal({ from: '2027-03-02', to: '2027-03-01' });
    expect(error.fields).toEqual([{ field: 'to', message: 'La fin de la période précède son début : inversez les dates.' }]);
  });

  it('refuses days that do not exist instead of rolling them over to March, and keeps real ones', () => {
    const error = refusal({ from: '2027-02-30', to: '2027-02-31T09:00:00Z' });
    expect(error.fields).toEqual([
      { field: 'from', message: 'Cette date n’existe pas.' },
      { field: 'to', message: 'Cette date n’existe pas.' },
    ]);
    expect(parseHistoryRequest({ from: '2028-02-29', to: '2028-03-01' }).from?.toISOString()).toBe('2028-02-28T23:00:00.000Z');
  });

  it('takes a whole Paris day for a date alone: from its first to its last millisecond', () => {
    const request = parseHistoryRequest({ from: '2027-07-14', to: '2027-07-14' });
    expect(request.from?.toISOString()).toBe('2027-07-13T22:00:00.000Z');
    expect(request.to?.toISOString()).toBe('2027-07-14T21:59:59.999Z');
  });

  it('ends a Paris day at its last millisecond on the days the clocks change (23 hours in March, 25 in October)', () => {
    const spring = parseHistoryRequest({ from: '2027-03-28', to: '2027-03-28' });
    expect(spring.from?.toISOString()).toBe('2027-03-27T23:00:00.000Z');
    expect(spring.to?.toISOString()).toBe('2027-03-28T21:59:59.999Z');
    const autumn = parseHistoryRequest({ from: '2027-10-31', to: '2027-10-31' });
    expect(autumn.from?.toISOString()).toBe('2027-10-30T22:00:00.000Z');
    expect(autumn.to?.toISOString()).toBe('2027-10-31T22:59:59.999Z');
  });

  it('reads a date and time without offset as Paris time, whatever the time zone of the machine', () => {
    const zone = process.env.TZ;
    try {
      for (const machine of ['UTC', 'America/New_York']) {
        process.env.TZ = machine;
        const request = parseHistoryRequest({ from: '2027-07-14T09:00', to: '2027-12-24T18:30:15.5' });
        expect(request.from?.toISOString(), machine).toBe('2027-07-14T07:00:00.000Z');
        expect(request.to?.toISOString(), machine).toBe('2027-12-24T17:30:15.500Z');
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it.each(['0', '501', '-3', 'dix', '2.5'])('refuses page size %s', (limit) => {
    expect(refusal({ limit }).fields).toEqual([{ field: 'limit', message: 'La taille de page doit être un nombre entier entre 1 et 500.' }]);
  });

  it('refuses a malformed date, order or id field by field', () => {
    const error = refusal({ from: 'hier', order: 'random', centreId: 'Lyon !' });
    expect(error.fields.map((field) => field.field).sort()).toEqual(['centreId', 'from', 'order']);
    for (const field of error.fields) expect(field.message).toMatch(/[a-zé]/);
  });
});
