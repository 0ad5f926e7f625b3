import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DomainError, NotFoundError } from '@relais/platform';
import type { CreatedWebhook, CreateWebhook, DeliveryView, WebhookView } from './webhook.dto';
import { webhookEventTypes } from './webhook-events';
import { newWebhookSecret } from './webhook-signature';

interface SubscriptionRow {
  id: string;
  url: string;
  event_types: string[];
  created_at: Date;
}

@Injectable()
export class WebhookSubscriptions {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async create(input: CreateWebhook, principal: Principal): Promise<CreatedWebhook> {
    const structureId = ownStructure(principal);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const events = input.events ?? [...webhookEventTypes];
    const [row] = await this.txHost.tx.query<SubscriptionRow[]>(
      `INSERT INTO webhook_subscription (id, structure_id, url, secret, event_types, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, url, event_types, created_at`,
      [id, structureId, input.url, secret, events, principal.subject],
    );
    if (!row) throw new Error('insert returned nothing');
    return { ...view(row), secret };
  }

  async list(principal: Principal): Promise<WebhookView[]> {
    const rows = await this.txHost.tx.query<SubscriptionRow[]>(
      `SELECT id, url, event_types, created_at FROM webhook_subscription WHERE structure_id = $1 ORDER BY created_at`,
      [ownStructure(principal)],
    );
    return rows.map(view);
  }

  async remove(id: string, principal: Principal): Promise<void> {
    const [, count] = await this.txHost.tx.query<[unknown, number]>(`DELETE FROM webhook_subscription WHERE id = $1 AND structure_id = $2`, [
      id,
      ownStructure(principal),
    ]);
    if (count === 0) throw new NotFoundError('Abonnement');
  }

  async deliveries(id: string, principal: Principal): Promise<DeliveryView[]> {
    const owned = await this.txHost.tx.query<unknown[]>(`SELECT 1 FROM webhook_subscription WHERE id = $1 AND structure_id = $2`, [id, ownStructure(principal)]);
    if (owned.length === 0) throw new NotFoundError('Abonnement');
    const rows = await this.txHost.tx.query<
      Array<{ id: string; event_id: string; event_type: string; status: string; attempts: number; last_error: string | null; delivered_at: Date | null }>
    >(
      `SELECT id, event_id, event_type, status, attempts, last_error, delivered_at FROM webhook_delivery
        WHERE subscription_id = $1 ORDER BY created_at DESC LIMIT 100`,
      [id],
    );
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.event_type,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      deliveredAt: r.delivered_at?.toISOString() ?? null,
    }));
  }
}

/** A subscription belongs to the caller's structure: its software receives what concerns that structure. */
function ownStructure(principal: Principal): string {
  if (!principal.structureId) throw new DomainError('forbidden', 'Seul un compte rattaché à une structure peut gérer ses webhooks.');
  return principal.structureId;
}

function view(row: SubscriptionRow): WebhookView {
  return { id: row.id, url: row.url, events: row.event_types, createdAt: row.created_at.toISOString() };
}
