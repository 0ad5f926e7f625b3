import { communesOfDepartement } from '../../communes/referentiel';

/**
 * A made-up data·inclusion v1 extract of one département's size, as NDJSON (one record per line, as
 * data·inclusion's bulk exports give them): structures on its communes, each with one or two services.
 * For trying the import at real size and for its tests; `bad` rows in every hundred break the official
 * schema or carry unreadable hours, so the report has something to say. Deterministic: the same
 * arguments give the same file.
 */
const KINDS = [
  { nom: 'Médiathèque', reseaux: ['communes'], type: 'atelier', thematique: 'numerique--maitriser-les-fondamentaux-du-numerique' },
  { nom: 'CCAS', reseaux: ['ccas-cias'], type: 'accompagnement', thematique: 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits' },
  { nom: 'Espace France services', reseaux: ['france-service'], type: 'accompagnement', thematique: 'numerique--acceder-a-des-services-en-ligne' },
  { nom: 'Centre social', reseaux: ['fcsf', 'conseillers-numeriques'], type: 'information', thematique: 'famille--soutien-a-la-parentalite-et-a-leducation' },
  { nom: 'Espace public numérique', reseaux: ['espaces-publics-numeriques'], type: 'formation', thematique: 'numerique--acceder-a-une-connexion-internet' },
  { nom: 'Ressourcerie solidaire', reseaux: ['ressourceries'], type: 'aide-materielle', thematique: 'numerique--acquerir-un-equipement' },
] as const;
const HOURS = ['Mo-Fr 09:00-12:00,14:00-17:00', 'Tu-Sa 10:00-12:30; We 14:00-18:00', 'Mo,Th 14:00-17:30; Sa 09:30-12:00'];

export function sampleDataInclusion(structureCount: number, options: { departement?: string; badPerHundred?: number } = {}): string {
  const communes = communesOfDepartement(options.departement ?? '56').sort((a, b) => a.code.localeCompare(b.code));
  if (communes.length === 0) throw new Error(`département ${options.departement ?? '56'} inconnu`);
  const bad = options.badPerHundred ?? 0;
  const lines: string[] = [];
  for (let i = 0; i < structureCount; i++) {
    const commune = communes[i % communes.length];
    const kind = KINDS[i % KINDS.length];
    if (!commune || !kind) continue;
    const isBad = i % 100 < bad;
    const id = `s-${i + 1}`;
    const structure: Record<string, unknown> = {
      source: 'exemple-56',
      id,
      nom: `${kind.nom} de ${commune.nom}${i >= communes.length ? ` (${Math.floor(i / communes.length) + 1})` : ''}`,
      date_maj: '2026-11-20',
      description: `${kind.nom} de ${commune.nom} : accueil, information et accompagnement des habitants.`,
      adresse: `${(i % 40) + 1} rue de la Mairie`,
      code_postal: commune.codesPostaux[0] ?? null,
      code_insee: commune.code,
      commune: commune.nom,
      telephone: `02 97 ${String(10 + (i % 90)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')} 00`,
      courriel: `contact-${i + 1}@exemple-56.example`,
      // One structure in a few has hours an OSM parser cannot read: imported without them, and noted.
      horaires_accueil: isBad && i % 2 === 1 ? 'le mardi matin sur rendez-vous' : HOURS[i % HOURS.length],
      reseaux_porteurs: kind.reseaux,
    };
    // A bad structure breaks the official schema: a SIRET of 9 digits.
    if (isBad && i % 2 === 0) structure['siret'] = '123456789';
    lines.push(JSON.stringify(structure));
    const services = 1 + (i % 2);
    for (let s = 0; s < services; s++) {
      lines.push(
        JSON.stringify({
          source: 'exemple-56',
          id: `${id}-sv-${s + 1}`,
          structure_id: id,
          nom: s === 0 ? `${kind.nom} : accueil et accompagnement` : 'Aide aux démarches en ligne',
          description: 'Accueil sans rendez-vous, écoute et accompagnement pas à pas, en lien avec les partenaires du territoire.',
          date_maj: '2026-11-20',
          type: s === 0 ? kind.type : 'accompagnement',
          thematiques: s === 0 ? [kind.thematique] : ['numerique--acceder-a-des-services-en-ligne'],
          publics: ['tous-publics'],
          frais: 'gratuit',
          modes_accueil: ['en-presentiel'],
          modes_mobilisation: ['telephoner', 'se-presenter'],
          telephone: `02 97 ${String(10 + (i % 90)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')} 0${s + 1}`,
        }),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
