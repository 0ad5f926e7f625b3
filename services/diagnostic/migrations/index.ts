import { MessagingParkedKeys1765000000000, MessagingTables1732350000000 } from '@relais/messaging';
import type { FieldCipher } from '@relais/privacy';
import { DiagnosticSchema1732400000000 } from './1732400000000-diagnostic-schema';
import { personAccessMigration } from './1764800000000-person-access';

/**
 * Every migration of this service, in the order they apply. Never edit one that has shipped: add another.
 * Some seal personal data, so they are made with the service's cipher.
 */
export function migrations(cipher: FieldCipher): Function[] {
  return [MessagingTables1732350000000, DiagnosticSchema1732400000000, personAccessMigration(cipher), MessagingParkedKeys1765000000000];
}
