import { generateActionLinkKeys, parseSigningKey, signActionLink } from '@relais/auth';
import { asUser, serviceOf, START, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

interface LinkView {
  state: 'open' | 'closed';
  referralId: string;
  structureId: string;
  referral: { person: { firstName?: string | null }; allowedTransitions: string[] } | null;
  outcome: { status: string; by: string; reasonCode: string | null } | null;
  allowedTransitions: string[];
  reasonCodes: Record<string, string[]>;
}

// Signed by the notification service, checked here: a receiving structure acts on one referral from an
// email, without an account, and nobody else can do anything with a link.
describe('action links: acting on one referral without an account', () => {
  let kit: ReferralKit;
  let sender: Caller;
  let receiver: Caller;
  let outsider: Caller;
  const keys = generateActionLinkKeys('t1');
  const signing = parseSigningKey(keys.signingKey);
  const now = Math.floor(START.getTime() / 1000);
  const link = (rid: string, sid: string, overrides: { iat?: number; exp?: number } = {}) =>
    signActionLink(signing, { rid, sid, iat: overrides.iat ?? now, exp: overrides.exp ?? now + 30 * 86_400 });

  beforeAll(async () => {
    kit = await startReferralKit({ overrides: { ACTION_LINK_VERIFY_KEYS: keys.verifyKeys } });
    [sender, receiver, outsider] = await Promise.all([asUser(users.cafAgent), asUser(users.associationAgent), asUser(users.pontivyAgent)]);
    await kit.seedDirectory([sender.structureId ?? '', receiver.structureId ?? '', outsider.structureId ?? '']);
  });

  afterAll(async () => {
    await kit?.stop();
  });

  it('shows the referral as the receiving structure’s agents see it, and moves it with the same body as transitions', async () => {
    const id = await kit.create(sender, serviceOf(receiver.structureId ?? ''));
    const token = link(id, receiver.structureId ?? '');

    const opened = await kit.request<LinkView>('GET', `/v1/links/${token}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ state: 'open', referralId: id, structureId: receiver.structureId, outcome: null });
    expect(opened.body.referral?.person.firstName).toBe('Jeanne'); // the consent includes contact
    expect(opened.body.allowedTransitions).toEqual(['received']); // what the receiver may do from `requested`
    expect(opened.body.reasonCodes['rejected']).toContain('hors-perimetre');

    expect((await kit.request('POST', `/v1/links/${token}/transitions`, null, { status: 'received' })).status).toBe(200);
    const accepted = await kit.request('POST', `/v1/links/${token}/transitions`, null, { status: 'accepted' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', previousStatus: 'received' });
    // The link stands for the receiver only: cancelling is the sender's move.
    expect((await kit.request('POST', `/v1/links/${token}/transitions`, null, { status: 'cancelled', reasonCode: 'doublon' })).status).toBe(403);
    expect((await kit.request('POST', `/v1/links/${token}/transitions`, null, { status: 'in-progress', colour: 'red' })).status).toBe(400);

    // Every use is audited: the link's own log, and the personal data it read under the link's name.
    const uses = await kit.db.query<{ action: string; status: string | null }>(`SELECT action, status FROM action_link_use WHERE referral_id = $1 ORDER BY id`, [id]);
    expect(uses.rows).toEqual([
      { action: 'read', status: null },
      { action: 'transition', status: 'received' },
      { action: 'transition', status: 'accepted' },
    ]);
    // The link's audit cannot be rewritten by the service itself (append-only, like audit_log).
    await expect(kit.db.query(`DELETE FROM action_link_use WHERE referral_id = $1`, [id])).rejects.toThrow();
    await expect(kit.db.query(`UPDATE action_link_use SET status = NULL WHERE referral_id = $1`, [id])).rejects.toThrow();
    const reads = await kit.db.query<{ actor_subject: string }>(`SELECT actor_subject FROM audit_log WHERE referral_id = $1 AND action = 'read'`, [id]);
    expect(reads.rows.map((row) => row.actor_subject)).toEqual([expect.stringMatching(/^action-link:/)]);
    const history = await kit.db.query<{ actor_subject: string; actor_structure_id: string }>(
      `SELECT actor_subject, actor_structure_id FROM referral_transitions WHERE referral_id = $1 AND to_status = 'accepted'`,
      [id],
    );
    expect(history.rows[0]).toMatchObject({ actor_subject: expect.stringMatching(/^action-link:/), actor_structure_id: receiver.structureId });
  });

  it('after the end state, says what happened instead of an error, without the person', async () => {
    const id = await kit.create(sender, serviceOf(receiver.structureId ?? ''));
    const token = link(id, receiver.structureId ?? '');
    expect((await kit.request('POST', `/v1/links/${token}/transitions`, null, { status: 'received' })).status).toBe(200);
    const open = await kit.request<LinkView>('GET', `/v1/links/${token}`);
    expect(open.body.allowedTransitions).toEqual(expect.arrayContaining(['accepted', 'rejected', 'redirected']));
    expect(open.body.allowedTransitions).not.toContain('cancelled');
    expect((await kit.request('POST', `/v1/links/${token}/transitions`, null, { status: 'rejected', reasonCode: 'plus-de-capacite' })).status).toBe(200);
    const closed = await kit.request<LinkView>('GET', `/v1/links/${token}`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', referral: null, allowedTransitions: [], outcome: { status: 'rejected', by: 'receiver', reasonCode: 'plus-de-capacite' } });
    expect(JSON.stringify(closed.body)).not.toContain('Jeanne');
    const again = await kit.request<{ currentStatus: string }>('POST', `/v1/links/${token}/transitions`, null, { status: 'accepted' });
    expect(again.status).toBe(409);
    expect(again.body.currentStatus).toBe('rejected');
  });

  it('refuses, with one 404, a forged, foreign, expired, revoked or malformed link', async () => {
    const id = await kit.create(sender, serviceOf(receiver.structureId ?? ''));
    const other = parseSigningKey(generateActionLinkKeys('t1').signingKey);
    const unusable = [
      link(id, sender.structureId ?? ''), // the sender's structure is not the one a link stands for
      link(id, outsider.structureId ?? ''),
      signActionLink(other, { rid: id, sid: receiver.structureId ?? '', iat: now, exp: now + 86_400 }), // another key
      link(id, receiver.structureId ?? '', { iat: now - 86_400 * 40, exp: now - 1 }), // expired
      'k1.e30.c2ln',
      'not-a-token',
    ];
    for (const token of unusable) {
      const response = await kit.request<{ type: string }>('GET', `/v1/links/${encodeURIComponent(token)}`);
      expect(response.status).toBe(404);
      expect((await kit.request('POST', `/v1/links/${encodeURIComponent(token)}/transitions`, null, { status: 'received' })).status).toBe(404);
    }

    // One link revoked by its holder; then every link issued so far, by the sender; an outsider cannot.
    const first = link(id, receiver.structureId ?? '');
    expect((await kit.request('POST', `/v1/links/${first}/revocation`)).status).toBe(204);
    expect((await kit.request('GET', `/v1/links/${first}`)).status).toBe(404);
    const second = link(id, receiver.structureId ?? '', { iat: now - 60 });
    expect((await kit.request('GET', `/v1/links/${second}`)).status).toBe(200);
    expect((await kit.request('POST', `/v1/referrals/${id}/links/revocation`, outsider)).status).toBe(404);
    expect((await kit.request('POST', `/v1/referrals/${id}/links/revocation`, null)).status).toBe(401);
    expect((await kit.request('POST', `/v1/referrals/${id}/links/revocation`, sender)).status).toBe(204);
    expect((await kit.request('GET', `/v1/links/${second}`)).status).toBe(404);
    // The referral itself is untouched: the receiver still acts in its workspace.
    expect((await kit.move(receiver, id, 'received')).status).toBe(200);
  });
});
