import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock } from '@relais/platform';

export const auditActions = ['read', 'read-journey', 'read-person', 'register', 'erase', 'revoke-consent'] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  id: string;
  at: Date;
  action: AuditAction;
  actor: { subject: string; clientId: string | null; roles: string[]; structureId: string | null };
  referralId: string | null;
  personRef: string | null;
  fields: string[];
}

interface AuditRow {
  id: string;
  at: Date;
  action: AuditAction;
  actor_subject: string;
  actor_client_id: string | null;
  actor_roles: string[];
  actor_structure_id: string | null;
  referral_id: string | null;
  person_ref: string | null;
  fields: string[];
}

/**
 * Who read or changed whose personal data: written in the same transaction as the read it records,
 * so a read that happened is always logged. Append-only (a trigger refuses UPDATE and DELETE). It names
 * fields, never values, and people by their pseudonymous reference only.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  async record(principal: Principal, action: AuditAction, target: { referralId?: string | null; personRef?: string | null }, fields: string[]): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO audit_log (at, action, actor_subject, actor_client_id, actor_roles, actor_structure_id, referral_id, person_ref, fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        this.clock.now(),
        action,
        principal.subject,
        principal.clientId,
        principal.roles,
        principal.structureId,
        target.referralId ?? null,
        target.personRef ?? null,
        fields,
      ],
    );
  }

  async list(filter: { referralId?: string; personRef?: string; before?: string; limit: number }): Promise<AuditEntry[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    if (filter.referralId) where.push(`referral_id = $${parameters.push(filter.referralId)}`);
    if (filter.personRef) where.push(`person_ref = $${parameters.push(filter.personRef)}`);
    if (filter.before) where.push(`id < $${parameters.push(filter.before)}`);
    const rows: AuditRow[] = await this.txHost.tx.query(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${parameters.push(filter.limit)}`,
      parameters,
    );
    return rows.map((row) => ({
      id: String(row.id),
      at: row.at,
      action: row.action,
      actor: { subject: row.actor_subject, clientId: row.actor_client_id, roles: row.actor_roles, structureId: row.actor_structure_id },
      referralId: row.referral_id,
      personRef: row.person_ref,
      fields: row.fields,
    }));
  }
}
