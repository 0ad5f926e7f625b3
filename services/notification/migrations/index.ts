import { MessagingTables1732350000000 } from '@relais/messaging';
import { Webhooks1732370000000 } from './1732370000000-webhooks';

/** Every migration of this service, in the order they apply. Never edit one that has shipped: add another. */
export const migrations: Function[] = [MessagingTables1732350000000, Webhooks1732370000000];
