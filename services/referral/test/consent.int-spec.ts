import { asUser, referralBody, referralEvents, serviceOf, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

interface Detail {
  person: Record<string, unknown>;
  reason?: string | null;
  consent: { active: boolean; revokedAt: string | null; scope: string[]; sharedWith: string };
  history: Array<{ comment?: string | null }>;
}

describe('consent: what is shared with whom, until when, and its withdrawal', () => {
  let kit: ReferralKit;
  let sender: Caller;
  let receiver: Caller;
  let nextReceiver: Caller;
  let coordinator: Caller;
  let outsider: Caller;

  beforeAll(async () => {
    kit = await startReferralKit();
    [sender, receiver, nextReceiver, coordinator, outsider] = await Promise.all([
      asUser(users.cafAgent),
      asUser(users.associationAgent),
      asUser(users.ccasLorientAgent),
      asUser(users.coordLorient),
      asUser(users.pontivyAgent),
    ]);
    await kit.seedDirectory([sender.structureId ?? '', receiver.structureId ?? '', nextReceiver.structureId ?? '']);
  });

  afterAll(() => kit.stop());

  const service = (caller: Caller) => serviceOf(caller.structureId ?? '');
  const detail = async (caller: Caller, id: string) => (await kit.request<Detail>('GET', `/v1/referrals/${id}`, caller)).body;

  it('stops sharing with the receiver the moment consent is withdrawn; the sender keeps the data', async () => {
    const id = await kit.create(sender, service(receiver));
    await kit.move(receiver, id, 'received', { comment: 'Rendez-vous proposé mardi' });
    expect((await detail(receiver, id)).person).toMatchObject({ firstName: 'Jeanne', phone: '+33612345678' });

    const revoked = await kit.request<Detail['consent']>('POST', `/v1/referrals/${id}/consent/revocation`, sender);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ active: false, revokedAt: expect.any(String) as string });

    const seen = await detail(receiver, id);
    expect(Object.keys(seen.person).sort()).toEqual(['contactPreference', 'reference']);
    expect(seen).not.toHaveProperty('reason');
    expect(seen.consent.active).toBe(false);
    // The referral stays with the receiver, and so do the two structures' own notes.
    expect(seen.history[1]?.comment).toBe('Rendez-vous proposé mardi');
    expect((await kit.move(receiver, id, 'accepted')).status).toBe(200);
    expect((await detail(sender, id)).person).toMatchObject({ firstName: 'Jeanne', email: 'jeanne.legoff@example.org' });

    // Withdrawing twice changes nothing; a coordinator or another structure cannot.
    expect((await kit.request('POST', `/v1/referrals/${id}/consent/revocation`, receiver)).body).toMatchObject({ revokedAt: revoked.body.revokedAt });
    expect((await kit.request('POST', `/v1/referrals/${id}/consent/revocation`, coordinator)).status).toBe(403);
    expect((await kit.request('POST', `/v1/referrals/${id}/consent/revocation`, outsider)).status).toBe(404);

    const events = await referralEvents(kit, id, 4);
    expect(events.map((e) => e.type)).toContain('fr.relais.referral.referral.consent-revoked.v1');
    expect(events.filter((e) => e.type.endsWith('consent-revoked.v1'))).toHaveLength(1);
  });

  it('shares only the scope agreed', async () => {
    const id = await kit.create(sender, service(receiver), { consent: { scope: ['reason'], method: 'written', obtainedAt: '2026-11-23T08:30:00Z' } });
    const seen = await detail(receiver, id);
    expect(Object.keys(seen.person).sort()).toEqual(['contactPreference', 'reference']);
    expect(seen.reason).toMatch(/Déclaration/);
    expect((await detail(sender, id)).person).toMatchObject({ lastName: 'Le Goff' });
  });

  it('ends sharing at the consent’s end date, and refuses an end date already past', async () => {
    const id = await kit.create(sender, service(receiver), {
      consent: { scope: ['contact', 'reason'], method: 'electronic', obtainedAt: '2026-11-23T08:30:00Z', expiresAt: '2026-11-30T00:00:00Z' },
    });
    expect((await detail(receiver, id)).person).toMatchObject({ firstName: 'Jeanne' });
    kit.clock.set('2026-11-30T00:00:01Z');
    expect((await detail(receiver, id)).person).not.toHaveProperty('firstName');
    const past = await kit.request('POST', '/v1/referrals', sender, referralBody(service(receiver), {
      consent: { scope: ['contact'], method: 'oral', obtainedAt: '2026-11-23T08:30:00Z', expiresAt: '2026-11-29T00:00:00Z' },
    }));
    expect(past.body).toMatchObject({ status: 400, errors: [{ field: 'consent.expiresAt' }] });
    const future = await kit.request('POST', '/v1/referrals', sender, referralBody(service(receiver), {
      consent: { scope: ['contact'], method: 'oral', obtainedAt: '2026-12-25T08:30:00Z' },
    }));
    expect(future.body).toMatchObject({ status: 400, errors: [{ field: 'consent.obtainedAt' }] });
    kit.clock.set('2026-11-23T09:00:00Z');
  });

  it('lets a redirect carry the person’s data only when the consent covers onward sharing', async () => {
    const closed = await kit.create(sender, service(receiver));
    await kit.move(receiver, closed, 'received');
    const moved = await kit.move(receiver, closed, 'redirected', { redirectToServiceId: service(nextReceiver) });
    const withheld = await detail(nextReceiver, String(moved.body['redirectedToReferralId']));
    expect(Object.keys(withheld.person).sort()).toEqual(['contactPreference', 'reference']);
    expect(withheld).not.toHaveProperty('reason');
    expect(withheld.consent.scope).toEqual([]);

    const open = await kit.create(sender, service(receiver), {
      consent: { scope: ['contact', 'reason'], method: 'oral', obtainedAt: '2026-11-23T08:30:00Z', sharedWith: 'receiver-and-redirects' },
    });
    await kit.move(receiver, open, 'received');
    const onward = await kit.move(receiver, open, 'redirected', { redirectToServiceId: service(nextReceiver) });
    const shared = await detail(nextReceiver, String(onward.body['redirectedToReferralId']));
    expect(shared.person).toMatchObject({ firstName: 'Jeanne', phone: '+33612345678' });
    expect(shared.reason).toMatch(/Déclaration/);
    expect(shared.consent).toMatchObject({ scope: ['contact', 'reason'], sharedWith: 'receiver-and-redirects', active: true });
    // The first receiver does not see the new referral: it is between the sender and the new service.
    expect((await kit.request('GET', `/v1/referrals/${String(onward.body['redirectedToReferralId'])}`, receiver)).status).toBe(404);
  });
});
