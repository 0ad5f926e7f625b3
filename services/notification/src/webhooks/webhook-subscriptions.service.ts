import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { advisoryLockPrefixes, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DomainError, NotFoundError, ValidationError } from '@relais/platform';
import type { CreatedWebhook, CreateWebhook, DeliveryView, UpdateWebhook, WebhookListQuery, WebhookView } from './webhook.dto';
import { subscriptionUrlProblem } from './webhook-address-policy';
import { webhookEventTypes } from './webhook-events';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';
import { newWebhookSecret } from './webhook-signature';

interface SubscriptionRow {
  id: string;
  structure_id: string;
  url: string;
  event_types: string[];
  created_at: Date;
}

const returned = 'id, structure_id, url, event_types, created_at';

/**
 * Subscriptions are managed by the structure's own software (an integration client, for its structure
 * only) or by the département's administrator (for any structure). Agents and coordinators have no
 * software to be called back: letting them point the deliverer somewhere would only widen what a stolen
 * session can do.
 */
@Injectable()
export class WebhookSubscriptions {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  async create(input: CreateWebhook, principal: Principal): Promise<CreatedWebhook> {
    const structureId = subscribingStructure(principal, input.structureId);
    this.checkUrl(input.url);
    const secret = newWebhookSecret();
    const events = input.events ?? [...webhookEventTypes];
    const limit = this.settings.maxSubscriptionsPerStructure;
    const row = await this.txHost.withTransaction(async () => {
      // One creation at a time per structure, so two concurrent requests cannot both pass the cap.
      await this.txHost.tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${advisoryLockPrefixes.webhookSubscriptions}:${structureId}`]);
      const [held] = await this.txHost.tx.query<Array<{ count: number }>>(`SELECT count(*)::int AS count FROM webhook_subscription WHERE structure_id = $1`, [structureId]);
      if ((held?.count ?? 0) >= limit) {
        throw new DomainError('unprocessable', `Une structure peut avoir au plus ${limit} abonnements : supprimez-en un avant d’en créer un autre.`, { limit });
      }
      const [inserted] = await this.txHost.tx.query<SubscriptionRow[]>(
        `INSERT INTO webhook_subscription (id, structure_id, url, secret, event_types, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${returned}`,
        [randomUUID(), structureId, input.url, secret, events, principal.subject],
      );
      return inserted;
    });
    if (!row) throw new Error('insert returned nothing');
    return { ...view(row), secret };
  }

  async update(id: string, input: UpdateWebhook, principal: Principal): Promise<WebhookView> {
    const scope = managedStructure(principal);
    if (input.url !== undefined) this.checkUrl(input.url);
    const [rows] = await this.txHost.tx.query<[SubscriptionRow[], number]>(
      `UPDATE webhook_subscription SET url = COALESCE($3, url), event_types = COALESCE($4, event_types)
        WHERE id = $1 AND ($2::uuid IS NULL OR structure_id = $2) RETURNING ${returned}`,
      [id, scope, input.url ?? null, input.events ?? null],
    );
    const [row] = rows;
    if (!row) throw new NotFoundError('Abonnement');
    return view(row);
  }

  async list(query: WebhookListQuery, principal: Principal): Promise<WebhookView[]> {
    const scope = managedStructure(principal);
    if (scope !== null && query.structure !== undefined && query.structure !== scope) throw onlyOwnStructure();
    const rows = await this.txHost.tx.query<SubscriptionRow[]>(
      `SELECT ${returned} FROM webhook_subscription WHERE $1::uuid IS NULL OR structure_id = $1 ORDER BY created_at, id`,
      [scope ?? query.structure ?? null],
    );
    return rows.map(view);
  }

  async remove(id: string, principal: Principal): Promise<void> {
    const [, count] = await this.txHost.tx.query<[unknown, number]>(`DELETE FROM webhook_subscription WHERE id = $1 AND ($2::uuid IS NULL OR structure_id = $2)`, [
      id,
      managedStructure(principal),
    ]);
    if (count === 0) throw new NotFoundError('Abonnement');
  }

  async deliveries(id: string, principal: Principal): Promise<DeliveryView[]> {
    const owned = await this.txHost.tx.query<unknown[]>(`SELECT 1 FROM webhook_subscription WHERE id = $1 AND ($2::uuid IS NULL OR structure_id = $2)`, [
      id,
      managedStructure(principal),
    ]);
    if (owned.length === 0) throw new NotFoundError('Abonnement');
    // Webhooks are messages of the one loop; this view keeps the API's words (`pending` for `queued`).
    const rows = await this.txHost.tx.query<
      Array<{ id: string; event_id: string; event_type: string; status: string; attempts: number; last_error: string | null; delivered_at: Date | null }>
    >(
      `SELECT id, event_id, event_type, status, attempts, last_error, delivered_at FROM notification_message
        WHERE subscription_id = $1 ORDER BY created_at DESC, id LIMIT 100`,
      [id],
    );
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.event_type,
      status: r.status === 'queued' ? 'pending' : r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      deliveredAt: r.delivered_at?.toISOString() ?? null,
    }));
  }

  private checkUrl(url: string): void {
    const problem = subscriptionUrlProblem(url, this.settings.environment);
    if (problem !== null) throw new ValidationError([{ field: 'url', message: problem }], problem);
  }
}

/**
 * The structure whose subscriptions the caller manages: its own for an integration, any (null) for an
 * administrator. Another structure's subscription is then simply not found.
 */
function managedStructure(principal: Principal): string | null {
  if (principal.roles.includes('admin')) return null;
  if (principal.roles.includes('integration') && principal.structureId !== null) return principal.structureId;
  throw new DomainError('forbidden', 'Seul le logiciel d’une structure (client d’intégration) ou un administrateur peut gérer des webhooks.');
}

function subscribingStructure(principal: Principal, requested: string | undefined): string {
  const scope = managedStructure(principal);
  if (scope === null) {
    if (requested === undefined) throw new ValidationError([{ field: 'structureId', message: 'obligatoire pour un administrateur : la structure à abonner' }]);
    return requested;
  }
  if (requested !== undefined && requested !== scope) throw onlyOwnStructure();
  return scope;
}

function onlyOwnStructure(): DomainError {
  return new DomainError('forbidden', 'Une intégration ne gère que les abonnements de sa propre structure.');
}

function view(row: SubscriptionRow): WebhookView {
  return { id: row.id, structureId: row.structure_id, url: row.url, events: row.event_types, createdAt: row.created_at.toISOString() };
}
