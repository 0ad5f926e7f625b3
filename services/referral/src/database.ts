import type { ServiceDatabase } from '@relais/persistence';
import { migrations } from '../migrations';

/** The referral service's own database: its entities and the migrations that shape it. */
export function database(url: string): ServiceDatabase {
  return { url, entities: [], migrations, applicationName: 'relais-referral' };
}
