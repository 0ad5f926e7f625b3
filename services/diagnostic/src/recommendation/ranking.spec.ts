import { DEMO_NETWORKS } from '@relais/demo';
import type { CandidateRow } from './candidate';
import { rankCandidates, type RankingRequest } from './ranking';

const vannes = { latitude: 47.65688, longitude: -2.76205, name: 'Vannes' };
const network = DEMO_NETWORKS.vannes.id;
let n = 0;
function row(fields: Partial<CandidateRow>): CandidateRow {
  n += 1;
  return {
    serviceId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    structureId: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    serviceName: `Service ${n}`,
    structureName: `Structure ${n}`,
    structureLabels: [],
    roles: ['accompagnement'],
    thematiques: [],
    publics: [],
    languages: ['fr'],
    modalities: ['sur-place'],
    acceptsRelaisReferrals: false,
    networkIds: [network],
    lieuId: `00000000-0000-4000-a100-${String(n).padStart(12, '0')}`,
    communeCode: '56260',
    latitude: vannes.latitude,
    longitude: vannes.longitude,
    openingHours: null,
    openSlotsPerWeek: null,
    waitingDays: null,
    ...fields,
  };
}

const request = (fields: Partial<RankingRequest> = {}): RankingRequest => ({
  roles: [{ role: 'accompagnement', label: 'accompagnement' }],
  origin: vannes,
  personNetworkId: network,
  barriers: [],
  languages: ['fr'],
  publics: [],
  thematiques: [],
  nearestUrgentDaysLeft: null,
  now: new Date('2026-04-20T08:00:00Z'),
  ...fields,
});

describe('rankCandidates', () => {
  it('prefers the nearer service and says how far it is', () => {
    const near = row({ latitude: 47.66, longitude: -2.75 });
    const far = row({ latitude: 47.75, longitude: -2.6 });
    const ranked = rankCandidates(request(), [far, near]);
    expect(ranked.map((c) => c.serviceId)).toEqual([near.serviceId, far.serviceId]);
    expect(ranked[1]?.reasons.join('\n')).toMatch(/À 1\d,\d km de Vannes/);
  });

  it('leaves out services beyond reach, unless they come to the person in their network', () => {
    const lorient = { latitude: 47.748, longitude: -3.37 };
    const outOfReach = row({ ...lorient });
    const comesHome = row({ ...lorient, modalities: ['a-domicile'] });
    const comesHomeElsewhere = row({ ...lorient, modalities: ['a-domicile'], networkIds: [DEMO_NETWORKS.lorient.id] });
    expect(rankCandidates(request(), [outOfReach, comesHome, comesHomeElsewhere]).map((c) => c.serviceId)).toEqual([comesHome.serviceId]);
  });

  it('does not send a person without device or connection to a remote-only service', () => {
    const remote = row({ modalities: ['a-distance'] });
    expect(rankCandidates(request({ barriers: ['equipement'] }), [remote])).toEqual([]);
    expect(rankCandidates(request(), [remote])).toHaveLength(1);
  });

  it('penalises a full service and a waiting time beyond the deadline', () => {
    const full = row({ openSlotsPerWeek: 0, waitingDays: 25 });
    const withRoom = row({ openSlotsPerWeek: 2, waitingDays: 3, latitude: 47.7, longitude: -2.7 });
    const ranked = rankCandidates(request({ nearestUrgentDaysLeft: 8 }), [full, withRoom]);
    expect(ranked[0]?.serviceId).toBe(withRoom.serviceId);
    expect(ranked[1]?.reasons).toEqual(expect.arrayContaining(['Complet en ce moment (aucun créneau libre)', 'Attente de 25 jours, au-delà de la date limite (8 jours)']));
  });

  it('prefers a service that comes to a person who travels with difficulty', () => {
    const onSite = row({});
    const atHome = row({ modalities: ['a-domicile'], latitude: 47.7, longitude: -2.7 });
    const ranked = rankCandidates(request({ barriers: ['mobilite'] }), [onSite, atHome]);
    expect(ranked[0]?.serviceId).toBe(atHome.serviceId);
    expect(ranked[1]?.reasons).toContain('Sur place uniquement, alors que se déplacer est difficile');
  });

  it('groups candidates by recommended role, the first role first, three per role', () => {
    const rows = [
      ...Array.from({ length: 5 }, () => row({ roles: ['equipement'] })),
      row({ roles: ['faire-a-la-place'], latitude: 47.8, longitude: -2.6, structureLabels: ['aidants-connect'] }),
    ];
    const ranked = rankCandidates(
      request({ roles: [{ role: 'faire-a-la-place', label: 'faire à la place' }, { role: 'equipement', label: 'équipement' }] }),
      rows,
    );
    expect(ranked.map((c) => c.role)).toEqual(['faire-a-la-place', 'equipement', 'equipement', 'equipement']);
    expect(ranked.map((c) => c.rank)).toEqual([1, 2, 3, 4]);
    expect(ranked[0]?.reasons).toContain('Structure habilitée Aidants Connect');
  });

  it('keeps the best lieu of a service with several', () => {
    const far = row({ latitude: 47.8, longitude: -2.6 });
    const near = { ...far, lieuId: '00000000-0000-4000-a100-999999999999', latitude: 47.66, longitude: -2.76 };
    const ranked = rankCandidates(request(), [far, near]);
    expect(ranked).toHaveLength(1);
    expect(ranked[0]?.lieu?.lieuId).toBe(near.lieuId);
  });

  it('tells when the lieu opens next, in Paris time', () => {
    const closedNow = row({ openingHours: 'Mo-Fr 14:00-17:00' });
    const [candidate] = rankCandidates(request(), [closedNow]);
    expect(candidate?.nextOpening).toBe('2026-04-20T14:00');
    expect(candidate?.reasons).toContain('Ouvre aujourd’hui à 14:00');
  });

  it('matches languages and publics', () => {
    const arabic = row({ languages: ['fr', 'ar'], latitude: 47.7, longitude: -2.7 });
    const youth = row({ publics: ['jeunes-16-26'] });
    const ranked = rankCandidates(request({ barriers: ['langue'], languages: ['fr', 'ar'], publics: ['seniors-65'] }), [youth, arabic]);
    expect(ranked[0]?.serviceId).toBe(arabic.serviceId);
    expect(ranked[0]?.reasons).toContain('Accueil possible en arabe');
    expect(ranked[1]?.reasons).toContain('Réservé à d’autres publics (jeunes-16-26)');
  });
});
