import { Injectable } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock } from '@relais/platform';

export const auditActions = ['read', 'read-history', 'erase'] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who acted: the caller's token, or for an erasure the actor the referral service's event names. */
export interface AuditActor {
  subject: string;
  clientId: string | null;
  roles: readonly string[];
  structureId: string | null;
}

export interface AuditEntry {
  id: string;
  at: Date;
  action: AuditAction;
  actor: { subject: string; clientId: string | null; roles: string[]; structureId: string | null };
  assessmentId: string | null;
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
  assessment_id: string | null;
  person_ref: string | null;
  fields: string[];
}

/**
 * Who read whose assessment: written in the same transaction as the read it records, so a read that
 * happened is always logged. Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE; the database
 * role of the service is meant to hold INSERT and SELECT only). It names fields, never values, and
 * people by their pseudonymous reference only.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  async record(actor: AuditActor, action: AuditAction, target: { assessmentId?: string | null; personRef: string | null }, fields: readonly string[]): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO audit_log (at, action, actor_subject, actor_client_id, actor_roles, actor_structure_id, assessment_id, person_ref, fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [this.clock.now(), action, actor.subject, actor.clientId, actor.roles, actor.structureId, target.assessmentId ?? null, target.personRef, fields],
    );
  }

  async list(filter: { assessmentId?: string; personRef?: string; before?: string; limit: number }): Promise<AuditEntry[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    if (filter.assessmentId) where.push(`assessment_id = $${parameters.push(filter.assessmentId)}`);
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
      assessmentId: row.assessment_id,
      personRef: row.person_ref,
      fields: row.fields,
    }));
  }
}
