import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, users } from '../web/support/app.js';

/*
 * The session manager's address becomes the centre's mailbox (shared/application/commands.ts
 * `rememberCentreContact`). The web client lets a user change their own `email`, which Cognito then
 * marks unverified: such an address must not replace the centre's mailbox.
 */

const lyon = users.centre ?? { sub: 'usr_centre-lyon', 'custom:role': 'centre' as const };
users.centreUnverified = { ...lyon, sub: 'usr_centre-lyon-3', email: 'adresse-non-confirmee@ailleurs.example', email_verified: 'false' };
users.centreVerified = { ...lyon, sub: 'usr_centre-lyon-4', email: 'adresse-confirmee@lyon-formation.example', email_verified: 'true' };

const programme = { sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 8 }] };

describe('the centre’s mailbox comes from a verified address only', () => {
  it('given a session manager whose token says the address is unverified, when their programme is accepted, then the centre’s mailbox is not that address', async () => {
    const app = createTestApp();
    const response = await apiCall(app, 'centreUnverified', 'POST', '/api/programmes/2027', programme);
    expect(response.statusCode, response.body).toBe(200);
    expect(app.personalData.centreContacts.get('ctr_lyon-formation')).toBeUndefined();
  });

  it('given a session manager whose address is verified, when their programme is accepted, then it becomes the centre’s mailbox', async () => {
    const app = createTestApp();
    const response = await apiCall(app, 'centreVerified', 'POST', '/api/programmes/2027', programme);
    expect(response.statusCode, response.body).toBe(200);
    expect(app.personalData.centreContacts.get('ctr_lyon-formation')?.email).toBe('adresse-confirmee@lyon-formation.example');
  });
});
