import { DEMO_NETWORKS } from '@relais/demo';
import { CommuneDirectory } from '../../src/communes/commune-directory';
import { morbihanSample } from '../../src/communes/morbihan-sample';
import type { CandidateRow } from '../../src/recommendation/candidate';

/**
 * A small Morbihan directory for the field scenarios: the seven réseaux locaux of the demo
 * (@relais/demo), a few communes each, and services shaped like the pilots' actors (CCAS, centres sociaux,
 * médiathèques, France Services with Aidants Connect, associations, a conseiller numérique itinérant).
 */
export const networks = Object.fromEntries(Object.entries(DEMO_NETWORKS).map(([key, network]) => [key, network.id])) as {
  [K in keyof typeof DEMO_NETWORKS]: (typeof DEMO_NETWORKS)[K]['id'];
};

export type NetworkKey = keyof typeof networks;

export const networkCommunes: Record<NetworkKey, string[]> = {
  vannes: ['56260', '56206', '56243', '56053', '56240'],
  ploermel: ['56165', '56127', '56091', '56075', '56124', '56061', '56080', '56257', '56032', '56249', '56129'],
  lorient: ['56121', '56083', '56162', '56098', '56036'],
  pontivy: ['56178', '56198', '56073', '56117', '56019', '56102'],
  auray: ['56007', '56034', '56186', '56177'],
  questembert: ['56184', '56143', '56147', '56212'],
  centreBretagne: ['56066', '56170'],
};

export function networkOfCommune(code: string): { key: NetworkKey; id: string } | null {
  for (const [key, codes] of Object.entries(networkCommunes) as Array<[NetworkKey, string[]]>) {
    if (codes.includes(code)) return { key, id: networks[key] };
  }
  return null;
}

export function networkKeyOf(id: string): NetworkKey | undefined {
  return (Object.entries(networks) as Array<[NetworkKey, string]>).find(([, value]) => value === id)?.[0];
}

export const communes = new CommuneDirectory(morbihanSample);

const weekdays = 'Mo-Fr 09:00-12:00,14:00-17:30';

let sequence = 0;
function service(
  name: string,
  structureName: string,
  network: NetworkKey,
  communeCode: string,
  fields: Partial<CandidateRow> & Pick<CandidateRow, 'roles'>,
): CandidateRow {
  sequence += 1;
  const n = String(sequence).padStart(12, '0');
  const commune = communes.get(communeCode);
  if (!commune) throw new Error(`commune ${communeCode} is not in the sample`);
  return {
    serviceId: `56000000-0000-4000-c000-${n}`,
    structureId: `56000000-0000-4000-b100-${n}`,
    serviceName: name,
    structureName,
    structureLabels: [],
    thematiques: [],
    publics: [],
    languages: ['fr'],
    modalities: ['sur-place'],
    acceptsRelaisReferrals: true,
    networkIds: [networks[network]],
    lieuId: `56000000-0000-4000-d000-${n}`,
    communeCode,
    latitude: commune.latitude,
    longitude: commune.longitude,
    openingHours: weekdays,
    openSlotsPerWeek: 3,
    waitingDays: 5,
    ...fields,
  };
}

const demarches = ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'];

export const directory: CandidateRow[] = [
  // Pays de Vannes
  service('Accompagnement aux démarches', 'Centre social de Kercado', 'vannes', '56260', {
    roles: ['faire-a-la-place', 'accompagnement', 'formation'],
    structureLabels: ['aidants-connect'],
    thematiques: demarches,
    languages: ['fr', 'fsl'],
  }),
  service('Accueil et orientation', 'CCAS de Vannes', 'vannes', '56260', { roles: ['diagnostic', 'orientation', 'accompagnement'], waitingDays: 10, openSlotsPerWeek: 2 }),
  service('Espace numérique', 'Médiathèque de Beaupré (Vannes)', 'vannes', '56260', { roles: ['acces-libre', 'formation'], openSlotsPerWeek: 10, waitingDays: 3 }),
  service('Ordinateurs à prix solidaire', 'Ressourcerie numérique du Pays de Vannes', 'vannes', '56243', { roles: ['equipement'], openSlotsPerWeek: 5, waitingDays: 7 }),
  service('Ateliers jeunes', 'Mission locale du Pays de Vannes', 'vannes', '56260', { roles: ['formation', 'accompagnement'], publics: ['jeunes-16-26'] }),
  // Pays de Ploërmel
  service('Démarches en ligne', 'France Services de Mauron', 'ploermel', '56127', {
    roles: ['faire-a-la-place', 'accompagnement', 'acces-libre'],
    structureLabels: ['aidants-connect', 'france-services'],
    thematiques: demarches,
    openSlotsPerWeek: 2,
    waitingDays: 4,
  }),
  service('Espace multimédia', 'Médiathèque de Ploërmel', 'ploermel', '56165', { roles: ['acces-libre', 'formation'], openSlotsPerWeek: 6, waitingDays: 2 }),
  service('Conseiller numérique itinérant', 'Ploërmel Communauté', 'ploermel', '56165', {
    roles: ['formation', 'accompagnement'],
    modalities: ['itinerant', 'a-domicile'],
    openSlotsPerWeek: 4,
    waitingDays: 6,
  }),
  service('Prêt et vente de matériel reconditionné', 'Association Ordi Porhoët (Josselin)', 'ploermel', '56091', { roles: ['equipement'], openSlotsPerWeek: 3, waitingDays: 10 }),
  // Pays de Lorient
  service('Aide aux démarches en plusieurs langues', 'Association Le Lien numérique (Lorient)', 'lorient', '56121', {
    roles: ['faire-a-la-place', 'accompagnement', 'formation'],
    structureLabels: ['aidants-connect'],
    languages: ['fr', 'ar', 'en'],
    publics: ['tous-publics'],
    thematiques: demarches,
    openSlotsPerWeek: 4,
  }),
  service('Point numérique', 'CCAS de Lanester', 'lorient', '56098', {
    roles: ['faire-a-la-place', 'accompagnement'],
    structureLabels: ['aidants-connect'],
    openSlotsPerWeek: 0,
    waitingDays: 25,
  }),
  service('Accueil social', 'CCAS de Lorient', 'lorient', '56121', { roles: ['accompagnement', 'orientation'], openSlotsPerWeek: 1, waitingDays: 12 }),
  service('Cyberespace', 'Médiathèque François-Mitterrand (Lorient)', 'lorient', '56121', { roles: ['acces-libre', 'formation'], openSlotsPerWeek: 8, waitingDays: 2 }),
  service('Ordi solidaire', 'Emmaüs Lorient', 'lorient', '56083', { roles: ['equipement'], openSlotsPerWeek: 4, waitingDays: 5 }),
  // Pays de Pontivy
  service('Démarches administratives', 'France Services de Pontivy', 'pontivy', '56178', {
    roles: ['faire-a-la-place', 'accompagnement', 'acces-libre'],
    structureLabels: ['aidants-connect', 'france-services'],
    thematiques: demarches,
    openSlotsPerWeek: 3,
    waitingDays: 3,
  }),
  service('Atelier numérique', 'Médiathèque de Pontivy', 'pontivy', '56178', { roles: ['formation', 'acces-libre'] }),
  // Pays d'Auray
  service('Ateliers seniors', 'CCAS d’Auray', 'auray', '56007', { roles: ['formation', 'accompagnement'], publics: ['seniors-65'] }),
  service('Accompagnement adapté à domicile', 'Association Voir Ensemble (Auray)', 'auray', '56007', {
    roles: ['accompagnement', 'formation'],
    publics: ['deficience-visuelle', 'personnes-en-situation-de-handicap'],
    modalities: ['a-domicile', 'sur-place'],
  }),
  // Pays de Questembert
  service('Démarches en ligne', 'France Services de Questembert', 'questembert', '56184', {
    roles: ['faire-a-la-place', 'accompagnement', 'acces-libre'],
    structureLabels: ['aidants-connect', 'france-services'],
    openSlotsPerWeek: 2,
    waitingDays: 3,
  }),
  // Centre-Bretagne
  service('Démarches en ligne', 'France Services de Gourin', 'centreBretagne', '56066', {
    roles: ['faire-a-la-place', 'accompagnement', 'acces-libre'],
    structureLabels: ['aidants-connect', 'france-services'],
  }),
  service('Bus numérique du Centre-Bretagne', 'Roi Morvan Communauté', 'centreBretagne', '56066', {
    roles: ['accompagnement', 'formation'],
    modalities: ['itinerant'],
    openingHours: 'Tu,Th 09:30-16:30',
  }),
  // Département-wide, remote only: useless to a person without a device or a connection.
  service('Solidarité numérique (téléphone et visio)', 'Plateforme départementale', 'vannes', '56260', {
    roles: ['accompagnement', 'formation'],
    modalities: ['a-distance'],
    networkIds: Object.values(networks),
    openSlotsPerWeek: 20,
    waitingDays: 1,
  }),
];
