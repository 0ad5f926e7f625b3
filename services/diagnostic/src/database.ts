import type { ServiceDatabase } from '@relais/persistence';
import type { FieldCipher } from '@relais/privacy';
import { migrations } from '../migrations';

/** The diagnostic service's own database: its entities and the migrations that shape it (some seal data). */
export function database(url: string, cipher: FieldCipher): ServiceDatabase {
  // audit_log: only INSERT and SELECT for the service, sealed once its migration has created it (docs/decisions/0004).
  return { url, entities: [], migrations: migrations(cipher), appendOnlyTables: ['audit_log'], applicationName: 'relais-diagnostic' };
}
