import type { ServiceDatabase } from '@relais/persistence';
import { migrations } from '../migrations';
import { CommuneCoordinates } from './communes/commune-coordinates.entity';
import { Lieu } from './lieux/lieu.entity';
import { OpeningInterval } from './lieux/opening-interval.entity';
import { Network } from './networks/network.entity';
import { Offer, OfferLieu } from './offers/offer.entity';
import { Structure } from './structures/structure.entity';

export const entities = [Network, Structure, Lieu, OpeningInterval, Offer, OfferLieu, CommuneCoordinates];

/** The directory service's own database: its entities and the migrations that shape it. */
export function database(url: string): ServiceDatabase {
  return { url, entities, migrations, applicationName: 'relais-directory' };
}
