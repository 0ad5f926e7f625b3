import { MessagingParkedKeys1765000000000, MessagingTables1732350000000 } from '@relais/messaging';
import { Webhooks1732370000000 } from './1732370000000-webhooks';
import { WebhookErasure1764900000000 } from './1764900000000-webhook-erasure';
import { Messages1766100000000 } from './1766100000000-messages';
import { Schedules1766300000000 } from './1766300000000-schedules';
import { Receipts1766400000000 } from './1766400000000-receipts';
import { WebhookChannel1766500000000 } from './1766500000000-webhook-channel';

/** Every migration of this service, in the order they apply. Never edit one that has shipped: add another. */
export const migrations: Function[] = [MessagingTables1732350000000, Webhooks1732370000000, WebhookErasure1764900000000, MessagingParkedKeys1765000000000, Messages1766100000000, Schedules1766300000000, Receipts1766400000000, WebhookChannel1766500000000];
