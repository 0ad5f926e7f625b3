import { Column } from 'typeorm';
import type { Attribution } from './attribution';

/** Who changed or confirmed a record (see attribution.ts for the forms). */
export type Verifier = Attribution;

/**
 * Columns every directory record carries: its snapshot version (grows with each change, so consumers
 * drop stale snapshots), soft deletion (a retired record is published once more with `deleted: true`),
 * and freshness — when and by whom the information was last confirmed.
 */
export abstract class DirectoryRecord {
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'last_verified_at', type: 'timestamptz', nullable: true })
  lastVerifiedAt!: Date | null;

  @Column({ name: 'last_verified_by', type: 'text', nullable: true })
  lastVerifiedBy!: string | null;
}

/** Marks a record changed (and so confirmed) by `by` at `at`. */
export function touch(record: DirectoryRecord, by: Verifier, at: Date = new Date()): void {
  record.version = (record.version ?? 0) + 1;
  record.updatedAt = at;
  record.lastVerifiedAt = at;
  record.lastVerifiedBy = by;
}

/** JSON with object keys sorted, to compare records whatever order jsonb gave their keys back in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Date)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/** A date as events carry it (ISO 8601, UTC), or null. */
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
