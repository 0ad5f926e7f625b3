import { MessagingTables1732350000000 } from '@relais/messaging';

/** Every migration of this service, in the order they apply. Never edit one that has shipped: add another. */
export const migrations: Function[] = [MessagingTables1732350000000];
