import { describe, expect, it } from 'vitest';
import { demoUsers } from '../../shared/auth/localIdp.js';
import { apiCall, createTestApp } from './support/app.js';

const centreUser = demoUsers.find((user) => user.handle === 'centre');
const programme = { sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 8 }] };

describe("the centre's mailbox, for the mails sent to the centre", () => {
  it('given a session manager signed in with a mail address, when the programme is accepted, then the centre contact is that address', async () => {
    const app = createTestApp();
    const response = await apiCall(app, 'centre', 'POST', '/api/programmes/2027', programme);
    expect(response.statusCode, response.body).toBe(200);
    expect(app.personalData.centreContacts.get('ctr_lyon-formation')).toEqual({
      email: centreUser?.claims.email,
      displayName: centreUser?.claims['custom:displayName'] ?? centreUser?.claims.email,
    });
  });

  it('given a refused programme, when it is posted, then no contact is written', async () => {
    const app = createTestApp();
    const response = await apiCall(app, 'centre', 'POST', '/api/programmes/2027', { sessions: [{ ...programme.sessions[0], expectedEnd: '2027-02-30' }] });
    expect(response.statusCode).toBe(400);
    expect(app.personalData.centreContacts.size).toBe(0);
  });

  it('given a replayed submission (same idempotency key), when it is posted again, then the contact is not written a second time', async () => {
    const app = createTestApp();
    const headers = { 'idempotency-key': 'programme-2027-once' };
    await apiCall(app, 'centre', 'POST', '/api/programmes/2027', programme, headers);
    const writes = app.personalData.writes;
    const again = await apiCall(app, 'centre', 'POST', '/api/programmes/2027', programme, headers);
    expect(again.statusCode).toBe(200);
    expect(app.personalData.writes).toBe(writes);
  });
});
