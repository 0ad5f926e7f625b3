import type { Structure } from '../structures/structure.entity';
import { roleLabels, thematiqueLabels, typologyLabels, type ServiceRole, type Thematique, type Typology } from '../shared/vocabulary';
import type { Offer } from './offer.entity';

/**
 * The words `q` finds a service by: its own, its structure's, and its roles and thématiques in plain
 * French (so « démarches » or « smartphone » find services tagged with codes). Folded and stemmed by
 * the `relais_fr` text search configuration.
 */
export function offerSearchText(offer: Pick<Offer, 'name' | 'description' | 'roles' | 'thematiques'>, structure: Pick<Structure, 'name' | 'typology'>): string {
  return [
    offer.name,
    offer.description ?? '',
    structure.name,
    typologyLabels[structure.typology as Typology] ?? structure.typology,
    ...offer.roles.map((role) => roleLabels[role as ServiceRole] ?? role),
    ...offer.thematiques.map((thematique) => thematiqueLabels[thematique as Thematique] ?? thematique),
  ]
    .filter(Boolean)
    .join(' ');
}
