import { createHash } from 'node:crypto';
import { communesOfDepartement, type CommuneRecord } from '../communes/referentiel';
import { morbihanCommuneCoordinates } from '../communes/data/communes-56';
import type { CreateLieuInput } from '../lieux/lieu.dto';
import type { CreateNetworkInput } from '../networks/network.dto';
import type { CreateServiceInput } from '../offers/offer.dto';
import type { CreateStructureInput } from '../structures/structure.dto';
import type { Label, Modality, Public, ServiceRole, Thematique, Typology } from '../shared/vocabulary';
import { DEMO_NETWORK_IDS, DEMO_STRUCTURE_SEEDS, NETWORK_COORDINATORS, NETWORK_EPCI, type DemoNetworkKey } from './demo-ids';

/**
 * The demo département: the Morbihan's seven réseaux locaux over its real communes, and a few hundred
 * fictional but plausible structures (CAF, CPAM, MSA and France Travail desks, CCAS, centres sociaux,
 * médiathèques, France Services, conseillers numériques, associations habilitées Aidants Connect, EPN)
 * with their lieux, hours, capacity and referents. Deterministic: ids and every value derive from
 * stable keys, so seeding twice writes nothing the second time.
 */
export interface DemoStructurePlan {
  structure: CreateStructureInput & { id: string };
  lieux: Array<CreateLieuInput & { id: string }>;
  services: Array<CreateServiceInput & { id: string }>;
}

export interface DemoPlan {
  networks: Array<CreateNetworkInput & { id: string }>;
  structures: DemoStructurePlan[];
}

/** A stable UUID (version 4 layout) for a seed key. */
export function seedId(key: string): string {
  const hex = createHash('sha256').update(`relais-demo:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A small deterministic generator (mulberry32) keyed by a string. */
function random(key: string): () => number {
  let state = createHash('sha256').update(key).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, values: readonly T[]): T => values[Math.floor(rand() * values.length)];

const FIRST_NAMES = ['Anne', 'Yann', 'Maïwenn', 'Erwan', 'Gwenaëlle', 'Loïc', 'Nolwenn', 'Ronan', 'Soizic', 'Tristan', 'Katell', 'Goulven', 'Sophie', 'Karim', 'Morgane', 'Julien', 'Awa', 'Pierre', 'Léna', 'Mathieu', 'Fatou', 'Bleuenn', 'Thomas', 'Élodie'];
const LAST_NAMES = ['Le Goff', 'Le Gall', 'Tanguy', 'Le Corre', 'Guillou', 'Le Bihan', 'Jégo', 'Le Floch', 'Guého', 'Danet', 'Le Roux', 'Caradec', 'Morvan', 'Le Pape', 'Hervé', 'Jaffré', 'Ollivier', 'Le Dantec', 'Raoul', 'Évano', 'Le Sauce', 'Kervadec', 'Diallo', 'Martin'];
const STREETS = ['rue de la Mairie', "place de l'Église", 'rue du Général-de-Gaulle', 'rue de la République', 'avenue de la Gare', 'rue Nationale', 'place du Marché', 'rue des Écoles', 'rue Saint-Michel', 'allée des Tilleuls', 'rue Jean-Jaurès', 'boulevard de la Paix'];

const HOURS = {
  guichet: 'Mo-Fr 08:30-12:00,13:30-16:30; PH off',
  guichetMatin: 'Mo-Fr 08:30-12:30; Tu,Th 13:30-16:30 "sur rendez-vous"; PH off',
  mairie: 'Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off',
  ccas: 'Mo,Tu,Th,Fr 09:00-12:00,13:30-17:00; We 09:00-12:00; PH off',
  centreSocial: 'Mo-Fr 09:00-12:30,14:00-18:30; PH off',
  mediatheque: 'Tu 15:00-18:30; We 10:00-12:30,14:00-18:00; Fr 15:00-18:30; Sa 10:00-12:30,14:00-17:00; PH off',
  franceServices: 'Mo-Fr 09:00-12:00,13:30-17:30; Sa 09:00-12:00; PH off',
  permanence: 'Tu,Th 09:00-12:00,14:00-17:00; PH off',
  epn: 'Tu-Fr 14:00-18:00; Sa 10:00-12:00; PH off',
} as const;

interface Offer {
  key: string;
  name: string;
  roles: ServiceRole[];
  thematiques: Thematique[];
  publics?: Public[];
  modalities?: Modality[];
  languages?: string[];
  accepts: boolean;
}

/** What each kind of structure typically offers, in the roles of the field documents. */
function offersFor(typology: Typology, labels: readonly Label[], rand: () => number): Offer[] {
  const aidants = labels.includes('aidants-connect');
  const withAidants = (offers: Offer[]): Offer[] =>
    aidants
      ? [
          ...offers,
          {
            key: 'aidants-connect',
            name: 'Démarches en ligne faites à votre place (Aidants Connect)',
            roles: ['faire-a-la-place', 'accompagnement'],
            thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'],
            accepts: true,
          },
        ]
      : offers;
  switch (typology) {
    case 'CAF':
      return [
        { key: 'accueil', name: 'Accueil et orientation CAF', roles: ['orientation', 'diagnostic'], thematiques: ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits', 'logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement', 'difficultes-financieres--ameliorer-sa-gestion-budgetaire'], accepts: true },
        { key: 'rdv', name: 'Rendez-vous droits et prestations', roles: ['accompagnement'], thematiques: ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'], accepts: true },
      ];
    case 'CPAM':
      return [{ key: 'accueil', name: 'Accueil Assurance Maladie et compte ameli', roles: ['orientation', 'accompagnement'], thematiques: ['sante--acces-aux-soins', 'numerique--acceder-a-des-services-en-ligne'], accepts: true }];
    case 'MSA':
      return [{ key: 'accueil', name: 'Accueil MSA : prestations et démarches en ligne', roles: ['orientation', 'accompagnement'], thematiques: ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits', 'sante--acces-aux-soins'], accepts: true }];
    case 'FT':
      return [
        { key: 'accueil', name: 'Accueil France Travail', roles: ['orientation', 'diagnostic'], thematiques: ['trouver-un-emploi--repondre-a-des-offres-demploi', 'numerique--maitriser-les-fondamentaux-du-numerique'], publics: ['demandeurs-emploi'], accepts: true },
        { key: 'ateliers', name: 'Ateliers numériques pour la recherche d’emploi', roles: ['formation'], thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique', 'trouver-un-emploi--repondre-a-des-offres-demploi'], publics: ['demandeurs-emploi'], accepts: rand() < 0.5 },
      ];
    case 'CCAS':
    case 'CIAS':
      return withAidants([
        { key: 'accueil', name: 'Accueil social et diagnostic numérique', roles: ['diagnostic', 'orientation'], thematiques: ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits', 'logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement', 'numerique--acceder-a-des-services-en-ligne'], accepts: true },
        { key: 'accompagnement', name: 'Accompagnement aux démarches en ligne', roles: ['accompagnement'], thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives', 'difficultes-financieres--ameliorer-sa-gestion-budgetaire', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'], publics: ['tous-publics'], accepts: true },
      ]);
    case 'CS':
    case 'CSC':
      return withAidants([
        { key: 'diagnostic', name: 'Point numérique : diagnostic et orientation', roles: ['diagnostic', 'orientation'], thematiques: ['numerique--acceder-a-des-services-en-ligne'], accepts: true },
        { key: 'ateliers', name: 'Ateliers « premiers pas numériques »', roles: ['formation'], thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique'], publics: ['tous-publics', 'seniors'], accepts: true },
        { key: 'libre', name: 'Espace numérique en accès libre', roles: ['acces-libre', 'equipement'], thematiques: ['numerique--acquerir-un-equipement', 'numerique--acceder-a-une-connexion-internet'], accepts: false },
      ]);
    case 'BIB':
      return [
        { key: 'libre', name: 'Postes informatiques et wifi en accès libre', roles: ['acces-libre', 'equipement'], thematiques: ['numerique--acquerir-un-equipement', 'numerique--acceder-a-une-connexion-internet'], accepts: false },
        ...(rand() < 0.6
          ? [{ key: 'ateliers', name: 'Ateliers numériques de la médiathèque', roles: ['formation'] as ServiceRole[], thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique'] as Thematique[], publics: ['tous-publics', 'seniors'] as Public[], accepts: rand() < 0.5 }]
          : []),
      ];
    case 'RFS':
      return withAidants([
        { key: 'accueil', name: 'Accueil France Services : toutes vos démarches', roles: ['diagnostic', 'orientation', 'accompagnement'], thematiques: ['difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives', 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits', 'trouver-un-emploi--repondre-a-des-offres-demploi', 'difficultes-financieres--ameliorer-sa-gestion-budgetaire', 'sante--acces-aux-soins', 'numerique--acceder-a-des-services-en-ligne'], accepts: true },
        { key: 'libre', name: 'Poste en accès libre accompagné', roles: ['acces-libre'], thematiques: ['numerique--acquerir-un-equipement'], accepts: false },
      ]);
    case 'CNFS':
      return [
        { key: 'ateliers', name: 'Ateliers du conseiller numérique', roles: ['formation', 'diagnostic'], thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique', 'numerique--acceder-a-des-services-en-ligne'], accepts: true },
        { key: 'itinerant', name: 'Permanences itinérantes et à domicile', roles: ['accompagnement'], thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique'], modalities: ['itinerant', 'a-domicile'], publics: ['seniors', 'personnes-en-situation-de-handicap'], accepts: true },
      ];
    case 'ASSO':
      return withAidants([
        { key: 'accompagnement', name: 'Accompagnement numérique individuel', roles: ['accompagnement', 'diagnostic'], thematiques: ['numerique--acceder-a-des-services-en-ligne', 'numerique--maitriser-les-fondamentaux-du-numerique'], languages: rand() < 0.3 ? ['fr', 'ar', 'en'] : ['fr'], accepts: true },
        { key: 'equipement', name: 'Ordinateurs reconditionnés à prix solidaire', roles: ['equipement'], thematiques: ['numerique--acquerir-un-equipement'], publics: ['beneficiaires-des-minimas-sociaux', 'demandeurs-emploi'], accepts: rand() < 0.5 },
      ]);
    case 'EPN':
      return [
        { key: 'libre', name: 'Espace public numérique', roles: ['acces-libre', 'equipement'], thematiques: ['numerique--acquerir-un-equipement', 'numerique--acceder-a-une-connexion-internet'], accepts: false },
        { key: 'formation', name: 'Initiations informatiques', roles: ['formation'], thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique'], accepts: true },
      ];
    case 'MUNI':
      return [{ key: 'accueil', name: 'Accueil de la mairie : orientation', roles: ['orientation'], thematiques: ['difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'], accepts: false }];
    case 'CARSAT':
    case 'DEPT':
    case 'MDS':
    case 'ML':
    case 'PIJ_BIJ':
    case 'TIERS_LIEUX':
    case 'AUTRE':
      return [{ key: 'accueil', name: 'Accueil et orientation', roles: ['orientation'], thematiques: ['difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits'], accepts: true }];
  }
}

function hoursFor(typology: Typology): string {
  switch (typology) {
    case 'CAF':
    case 'CPAM':
    case 'MSA':
    case 'CARSAT':
      return HOURS.guichetMatin;
    case 'FT':
      return HOURS.guichet;
    case 'CCAS':
    case 'CIAS':
      return HOURS.ccas;
    case 'CS':
    case 'CSC':
      return HOURS.centreSocial;
    case 'BIB':
      return HOURS.mediatheque;
    case 'RFS':
      return HOURS.franceServices;
    case 'EPN':
      return HOURS.epn;
    case 'CNFS':
    case 'ASSO':
      return HOURS.permanence;
    case 'MUNI':
    case 'DEPT':
    case 'MDS':
    case 'ML':
    case 'PIJ_BIJ':
    case 'TIERS_LIEUX':
    case 'AUTRE':
      return HOURS.mairie;
  }
}

interface StructureSpec {
  key: string;
  id?: string;
  name: string;
  typology: Typology;
  commune: CommuneRecord;
  labels: Label[];
  place: string;
  network?: DemoNetworkKey;
}

export function morbihanDemo(): DemoPlan {
  const communes = communesOfDepartement('56').sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
  const byCode = new Map(communes.map((commune) => [commune.code, commune]));
  const coordinates = new Map(morbihanCommuneCoordinates.map(([code, , latitude, longitude]) => [code, { latitude, longitude }]));
  const networkOf = new Map<string, DemoNetworkKey>();
  for (const [network, epcis] of Object.entries(NETWORK_EPCI) as Array<[DemoNetworkKey, string[]]>) {
    for (const commune of communes) if (commune.epci && epcis.includes(commune.epci.code)) networkOf.set(commune.code, network);
  }

  const networks = (Object.keys(DEMO_NETWORK_IDS) as DemoNetworkKey[]).map((key) => ({
    id: DEMO_NETWORK_IDS[key].id,
    name: DEMO_NETWORK_IDS[key].name,
    communeCodes: communes.filter((commune) => networkOf.get(commune.code) === key).map((commune) => commune.code).sort(),
    coordinators: [{ name: NETWORK_COORDINATORS[key], email: `coordination.${key.toLowerCase()}@morbihan.example`, phone: null }],
    sla: { acknowledgeBusinessDays: 2, firstContactBusinessDays: 10, expireAfterDays: 30 },
  }));

  const commune = (code: string): CommuneRecord => {
    const found = byCode.get(code);
    if (!found) throw new Error(`commune ${code} absente du Code officiel géographique`);
    return found;
  };
  const named = (name: string): CommuneRecord => {
    const found = communes.find((c) => c.nom === name);
    if (!found) throw new Error(`commune ${name} absente du Morbihan`);
    return found;
  };
  const specs: StructureSpec[] = [];
  const add = (spec: StructureSpec) => {
    if (!specs.some((s) => s.key === spec.key)) specs.push(spec);
  };

  for (const demo of DEMO_STRUCTURE_SEEDS) {
    const labels: Label[] = [...(demo.aidantsConnect ? (['aidants-connect'] as Label[]) : []), ...(demo.typology === 'RFS' ? (['france-services'] as Label[]) : [])];
    add({ key: `demo:${demo.id}`, id: demo.id, name: demo.name, typology: demo.typology, commune: commune(demo.communeCode), labels, place: demo.name, network: demo.network });
  }
  const desk = (typology: Typology, label: string, towns: string[]) => {
    for (const town of towns) add({ key: `${typology}:${town}`, name: `${label} — accueil de ${town}`, typology, commune: named(town), labels: [], place: `${label} ${town}` });
  };
  desk('CAF', 'CAF du Morbihan', ['Lorient', 'Pontivy', 'Ploërmel', 'Auray']);
  desk('CPAM', 'CPAM du Morbihan', ['Vannes', 'Lorient', 'Pontivy', 'Auray', 'Ploërmel', 'Lanester', 'Questembert']);
  desk('MSA', 'MSA Portes de Bretagne', ['Vannes', 'Pontivy', 'Ploërmel', 'Locminé']);
  desk('FT', 'France Travail', ['Vannes', 'Lorient', 'Lanester', 'Auray', 'Pontivy', 'Ploërmel', 'Hennebont', 'Questembert', 'Guer']);

  // A CCAS in every commune of 2 500 inhabitants or more.
  for (const c of communes.filter((x) => (x.population ?? 0) >= 2500)) {
    add({ key: `CCAS:${c.code}`, name: `CCAS de ${c.nom}`, typology: 'CCAS', commune: c, labels: [], place: `CCAS de ${c.nom}` });
  }
  const centresSociaux: Array<[string, string]> = [
    ['Vannes', 'Ménimur'], ['Vannes', 'Pouillé'], ['Vannes', 'Rohan'], ['Lorient', 'Bois-du-Château'], ['Lorient', 'Kervénanec'],
    ['Lanester', 'Albert-Jacquard'], ['Hennebont', 'Kennedy'], ['Pontivy', 'Le Polyèdre'], ['Auray', 'du Pays d’Auray'], ['Ploërmel', 'Ploërmel'],
    ['Questembert', 'Questembert'], ['Séné', 'Séné'], ['Saint-Avé', 'Saint-Avé'], ['Baud', 'Baud'],
  ];
  for (const [town, name] of centresSociaux) {
    const rand = random(`cs:${town}:${name}`);
    add({ key: `CS:${town}:${name}`, name: `Centre social ${name}${name === town ? '' : ` (${town})`}`, typology: 'CS', commune: named(town), labels: rand() < 0.3 ? ['aidants-connect'] : [], place: `Centre social ${name}` });
  }
  // A médiathèque in every commune of 1 800 inhabitants or more.
  for (const c of communes.filter((x) => (x.population ?? 0) >= 1800)) {
    add({ key: `BIB:${c.code}`, name: `Médiathèque de ${c.nom}`, typology: 'BIB', commune: c, labels: [], place: `Médiathèque de ${c.nom}` });
  }
  for (const town of ['Josselin', 'Guémené-sur-Scorff', 'Le Faouët', 'La Gacilly', 'Malestroit', 'Questembert', 'Le Palais', 'Locminé', 'Baud', 'Muzillac', 'Grand-Champ', 'Rohan', 'Cléguérec', 'Gourin', 'Plouay', 'Guer', 'Sarzeau']) {
    add({ key: `RFS:${town}`, name: `France Services de ${town}`, typology: 'RFS', commune: named(town), labels: ['france-services', 'aidants-connect'], place: `Maison France Services de ${town}` });
  }
  for (const town of ['Vannes', 'Lorient', 'Auray', 'Pontivy', 'Ploërmel', 'Hennebont', 'Quiberon', 'Elven', 'Pluvigner', 'Languidic', 'Locminé', 'Guidel', 'Muzillac', 'Gourin', 'Josselin', 'Sarzeau', 'Theix-Noyalo', 'Grand-Champ', 'Plouay', 'Mauron', 'Carnac', 'Belz', 'Noyal-Pontivy', 'Allaire']) {
    add({ key: `CNFS:${town}`, name: `Conseiller numérique — ${town}`, typology: 'CNFS', commune: named(town), labels: ['conseiller-numerique'], place: `Mairie de ${town}` });
  }
  const associations: Array<[string, string, boolean]> = [
    ['Vannes', 'Clic & Vous', true], ['Vannes', 'Emmaüs Connect Vannes', true], ['Lorient', 'Les Ateliers du Scorff', true], ['Lanester', 'Lanester Solidarité Numérique', true],
    ['Auray', 'Numérique pour tous Auray', true], ['Pontivy', 'Pontivy Net Solidaire', false], ['Ploërmel', 'Brocéliande Numérique', true], ['Questembert', 'Le Relais des familles', true],
    ['Hennebont', 'Blavet Entraide', false], ['Quiberon', 'Presqu’île Connectée', true], ['Gourin', 'Montagnes Noires Numériques', true], ['Locminé', 'Centre Bretagne Entraide', false],
  ];
  for (const [town, name, aidants] of associations) {
    add({ key: `ASSO:${name}`, name: `Association ${name}`, typology: 'ASSO', commune: named(town), labels: aidants ? ['aidants-connect'] : [], place: `Association ${name}` });
  }
  for (const town of ['Vannes', 'Lorient', 'Lanester', 'Pontivy', 'Ploemeur', 'Saint-Avé', 'Guidel', 'Caudan', 'Arradon', 'Larmor-Plage']) {
    add({ key: `EPN:${town}`, name: `Espace public numérique de ${town}`, typology: 'EPN', commune: named(town), labels: [], place: `EPN de ${town}` });
  }

  const structures = specs.map((spec): DemoStructurePlan => {
    const rand = random(spec.key);
    const id = spec.id ?? seedId(`structure:${spec.key}`);
    const network = spec.network ?? networkOf.get(spec.commune.code) ?? 'vannes';
    const point = coordinates.get(spec.commune.code);
    // Within about a kilometre of the town hall: plausible, and never on top of another lieu.
    const jitter = () => (rand() - 0.5) * 0.016;
    const referent = `${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`;
    const lieuId = seedId(`lieu:${spec.key}`);
    const lieu: CreateLieuInput & { id: string } = {
      id: lieuId,
      structureId: id,
      name: spec.place,
      street: `${1 + Math.floor(rand() * 40)} ${pick(rand, STREETS)}`,
      postalCode: spec.commune.codesPostaux[0] ?? null,
      communeCode: spec.commune.code,
      latitude: point ? Math.round((point.latitude + jitter()) * 1e6) / 1e6 : null,
      longitude: point ? Math.round((point.longitude + jitter()) * 1e6) / 1e6 : null,
      openingHours: hoursFor(spec.typology),
      accessibility: { wheelchair: rand() < 0.8, acceslibreUrl: null, details: null },
    };
    const services = offersFor(spec.typology, spec.labels, rand).map((offer): CreateServiceInput & { id: string } => {
      const full = rand() < 0.12;
      return {
        id: seedId(`service:${spec.key}:${offer.key}`),
        structureId: id,
        name: offer.name,
        description: null,
        roles: offer.roles,
        thematiques: offer.thematiques,
        publics: offer.publics ?? ['tous-publics'],
        languages: offer.languages ?? ['fr'],
        modalities: offer.modalities ?? (rand() < 0.15 ? ['sur-place', 'a-distance'] : ['sur-place']),
        fees: [spec.typology === 'ASSO' && offer.roles.includes('equipement') ? 'payant' : 'gratuit'],
        referralMethods: [{ kind: 'telephone', value: `02 97 ${String(10 + Math.floor(rand() * 89)).padStart(2, '0')} ${String(Math.floor(rand() * 100)).padStart(2, '0')} ${String(Math.floor(rand() * 100)).padStart(2, '0')}` }],
        acceptsRelaisReferrals: offer.accepts,
        lieuIds: offer.modalities?.every((m) => m !== 'sur-place') ? [] : [lieuId],
        capacity: { openSlotsPerWeek: full ? 0 : 1 + Math.floor(rand() * 12), waitingDays: full ? 15 + Math.floor(rand() * 20) : Math.floor(rand() * 15) },
      };
    });
    return {
      structure: {
        id,
        name: spec.name,
        typology: spec.typology,
        labels: spec.labels,
        networkIds: [DEMO_NETWORK_IDS[network].id],
        communeCode: spec.commune.code,
        contact: { email: null, phone: null, website: null },
        // Demo structures have no software: referrals reach them by email (issue 12), read at /mail/ locally.
        referralEmail: demoReferralEmail(spec.key),
        referents: [{ name: referent, role: 'Référent·e inclusion numérique', email: null, phone: null }],
      },
      lieux: [lieu],
      services,
    };
  });
  return { networks, structures };
}

/** A demo structure's referral mailbox, under the reserved `.example` domain (RFC 2606): never a real address. */
export function demoReferralEmail(key: string): string {
  const slug = key
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `orientations.${slug}@demo-morbihan.example`;
}
