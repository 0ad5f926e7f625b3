import { MessagingTables1732350000000 } from '@relais/messaging';
import { DiagnosticSchema1732400000000 } from './1732400000000-diagnostic-schema';

/** Every migration of this service, in the order they apply. Never edit one that has shipped: add another. */
export const migrations: Function[] = [MessagingTables1732350000000, DiagnosticSchema1732400000000];
